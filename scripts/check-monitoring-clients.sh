#!/usr/bin/env bash
# Real monitoring clients against a running `swiftminer demo --config FILE`:
#   - Debian's Prometheus server scrapes it every second; its HTTP query API must return
#     swiftminer_shares_total{result="accepted"} > 0, every Grafana dashboard query must
#     evaluate, and the shipped alert rules must load, evaluate cleanly and stay silent;
#   - `promtool check metrics` lints the scrape;
#   - every metric name in Config/grafana/swiftminer-dashboard.json and
#     Config/prometheus/swiftminer-alerts.yml must be one the exporter emits;
#   - pyasic's cgminer RPC client reads version, summary, pools, devs, stats, config, devdetails,
#     check and a multicommand; and the numbers must agree with status.json.
# Builds nothing: give it the binary (default .build/release/swiftminer, built by `make`).
# The demo and Prometheus run as `nobody` when started as root, on 127.0.0.1 only; everything
# started here is stopped on exit. About 30 s once the tools are installed; at most ~3 minutes.
#
#   scripts/check-monitoring-clients.sh [PATH/TO/swiftminer]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
binary=$(realpath "${1:-$repo/.build/release/swiftminer}")
[ -x "$binary" ] || { echo "check-monitoring-clients: $binary is not an executable (run make first)" >&2; exit 1; }
demo_seconds=150                   # a backstop: the demo is stopped as soon as the checks end
pyasic_version=0.79.0
venv=${SWIFTMINER_PYASIC_VENV:-$repo/.build/ci-pyasic-venv}

pids=()
work=$(mktemp -d /tmp/swiftminer-monitoring.XXXXXX)
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$status" -ne 0 ] && [ -d "$work" ]; then
        echo "--- demo.log (last 20 lines)"; tail -n 20 "$work/run/demo.log" 2>/dev/null || true
        echo "--- prometheus.log (last 10 lines)"; tail -n 10 "$work/run/prometheus.log" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools ----------------------------------------------------------------------------------------
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || { echo "check-monitoring-clients: install Debian's 'prometheus' package" >&2; exit 1; }
    echo "== installing Debian's prometheus package"
    policy_created=no
    if [ ! -e /usr/sbin/policy-rc.d ]; then      # the package's own service must not start
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
        policy_created=yes
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null \
        || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null; }
    if [ "$policy_created" = yes ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('pyasic') != '$pyasic_version')" 2>/dev/null; then
    echo "== installing pyasic $pyasic_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pyasic==$pyasic_version"
fi
echo "== $(prometheus --version 2>&1 | head -1); pyasic $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("pyasic"))')"

# --- as whom --------------------------------------------------------------------------------------
chmod 755 "$work"
mkdir "$work/run"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    chown nobody:nogroup "$work/run"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    if ! "${as_user[@]}" test -x "$binary"; then  # e.g. under a home directory nobody cannot enter
        cp "$binary" "$work/swiftminer" && chmod 755 "$work/swiftminer" && binary=$work/swiftminer
    fi
fi
cp "$repo/Config/prometheus/swiftminer-alerts.yml" "$work/swiftminer-alerts.yml"
chmod 644 "$work/swiftminer-alerts.yml"
echo "== running the demo and Prometheus as $("${as_user[@]}" id -un) in $work/run"

# Free loopback ports, chosen by the kernel.
read -r metrics_port api_port prometheus_port < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
PY
)

cat > "$work/demo.toml" <<EOF
[miner]
status_file = "$work/run/status.json"
share_log = "$work/run/shares.jsonl"

[metrics]
enabled = true
listen = "127.0.0.1:$metrics_port"

[api]
enabled = true
listen = "127.0.0.1:$api_port"
EOF
cat > "$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $work/swiftminer-alerts.yml
scrape_configs:
  - job_name: swiftminer
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
EOF
chmod 644 "$work/demo.toml" "$work/prometheus.yml"

# --- start ----------------------------------------------------------------------------------------
(cd "$work/run" && exec "${as_user[@]}" "$binary" demo --config "$work/demo.toml" --seconds "$demo_seconds" --threads 1 \
    >"$work/run/demo.log" 2>&1) &
pids+=($!)
(cd "$work/run" && exec "${as_user[@]}" prometheus --config.file="$work/prometheus.yml" \
    --storage.tsdb.path="$work/run/tsdb" --web.listen-address="127.0.0.1:$prometheus_port" \
    >"$work/run/prometheus.log" 2>&1) &
pids+=($!)

echo "== waiting for accepted shares in status.json, /metrics on :$metrics_port, the API on :$api_port, Prometheus on :$prometheus_port"
ready=no
deadline=$((SECONDS + 45))
while [ "$SECONDS" -lt "$deadline" ]; do
    if python3 -c "import json,sys; sys.exit(json.load(open('$work/run/status.json'))['shares']['accepted'] < 3)" 2>/dev/null \
        && curl -fsS "http://127.0.0.1:$metrics_port/metrics" >/dev/null 2>&1 \
        && curl -fsS "http://127.0.0.1:$prometheus_port/-/ready" >/dev/null 2>&1; then
        ready=yes; break
    fi
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "check-monitoring-clients: a process exited early" >&2; exit 1; }; done
    sleep 1
done
[ "$ready" = yes ] || { echo "check-monitoring-clients: no accepted shares, /metrics or Prometheus within 45 s" >&2; exit 1; }
sleep 3                                           # a few scrapes and rule evaluations
# The demo and Prometheus run as nobody; check that their files are nobody's, not ours.
if [ "$(id -u)" -eq 0 ]; then
    owner=$(stat -c %U "$work/run/status.json")
    [ "$owner" = nobody ] || { echo "check-monitoring-clients: status.json owned by $owner, not nobody" >&2; exit 1; }
    echo "  [ok] demo and Prometheus run as nobody (status.json owned by $owner)"
fi

"$venv/bin/python" "$repo/scripts/check-monitoring-clients.py" \
    --metrics-port "$metrics_port" --api-port "$api_port" --prometheus-port "$prometheus_port" \
    --status-file "$work/run/status.json" --scrape-out "$work/metrics.txt" \
    --dashboard "$repo/Config/grafana/swiftminer-dashboard.json" --rules "$repo/Config/prometheus/swiftminer-alerts.yml"
echo "check-monitoring-clients: OK"
