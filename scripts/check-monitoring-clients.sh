#!/usr/bin/env bash
# Real monitoring clients against a running `swiftminer demo --config FILE`:
#   - Debian's Prometheus server scrapes it every second; its HTTP query API must return
#     swiftminer_shares_total{result="accepted"} > 0, every Grafana dashboard query must
#     evaluate, and the shipped alert rules must load, evaluate cleanly and stay silent;
#   - `promtool check metrics` lints the scrape;
#   - every metric name in Config/grafana/swiftminer-dashboard.json and
#     Config/prometheus/swiftminer-alerts.yml must be one the exporter emits;
#   - pyasic's cgminer RPC client reads version, summary, pools, devs, stats, config, devdetails,
#     check and a multicommand; and the numbers must agree with status.json;
#   - a farm proxy (`swiftminer proxy` in front of the demo's pool, a `swiftminer run` miner behind
#     it): `promtool check metrics` lints its scrape, which must hold the per-miner series.
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
read -r metrics_port api_port prometheus_port proxy_port proxy_metrics_port < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(5)]
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
# --- the farm proxy's series ------------------------------------------------------------------------
pool_port=$(sed -nE 's/.*port=([0-9]+) \[LocalPool\] local pool listening.*/\1/p' "$work/run/demo.log" | head -n 1)
[ -n "$pool_port" ] || { echo "check-monitoring-clients: the demo's pool port is not in its log" >&2; exit 1; }
cat > "$work/proxy.toml" <<EOF
[miner]
status_file = "$work/run/proxy-status.json"
share_log = ""
[metrics]
enabled = true
listen = "127.0.0.1:$proxy_metrics_port"
[[proxy]]
name = "farm"
listen = "127.0.0.1:$proxy_port"
user = "monitoring.farm"
downstream_min_difficulty = 0.0001
[[proxy.pool]]
url = "stratum+tcp://127.0.0.1:$pool_port"
EOF
chmod 644 "$work/proxy.toml"
(cd "$work/run" && exec "${as_user[@]}" "$binary" proxy --config "$work/proxy.toml" >"$work/run/proxy.log" 2>&1) &
pids+=($!)
(cd "$work/run" && exec "${as_user[@]}" "$binary" run -o "stratum+tcp://127.0.0.1:$proxy_port" -u rig.behind.proxy -t 1 \
    --status-file "" --share-log "" >"$work/run/behind-proxy.log" 2>&1) &
pids+=($!)
miner_series='^swiftminer_proxy_downstream_shares_total\{proxy="farm",downstream="rig.behind.proxy",result="(accepted|valid)"\} [1-9]'
deadline=$((SECONDS + 45))
until curl -fsS "http://127.0.0.1:$proxy_metrics_port/metrics" 2>/dev/null | grep -qE "$miner_series"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "check-monitoring-clients: no miner shares in the proxy's /metrics within 45 s" >&2
        tail -n 20 "$work/run/proxy.log" >&2
        exit 1
    fi
    sleep 1
done
curl -fsS "http://127.0.0.1:$proxy_metrics_port/metrics" >"$work/proxy-metrics.txt"
promtool check metrics <"$work/proxy-metrics.txt" || { echo "check-monitoring-clients: promtool refused the proxy's metrics" >&2; exit 1; }
for family in swiftminer_proxy_upstream_up swiftminer_proxy_downstreams swiftminer_proxy_shares_total \
              swiftminer_proxy_downstream_hashrate_hashes_per_second swiftminer_proxy_downstream_difficulty; do
    grep -q "^$family{" "$work/proxy-metrics.txt" || { echo "check-monitoring-clients: no $family in the proxy's metrics" >&2; exit 1; }
done
grep -qE '^swiftminer_proxy_upstream_up\{proxy="farm",.*\} 1$' "$work/proxy-metrics.txt" \
    || { echo "check-monitoring-clients: the proxy's upstream is not up in /metrics" >&2; exit 1; }
echo "  [ok] farm proxy: promtool accepts its /metrics, with the miner's series ($(grep -c '^swiftminer_proxy_' "$work/proxy-metrics.txt") samples)"
echo "check-monitoring-clients: OK"
