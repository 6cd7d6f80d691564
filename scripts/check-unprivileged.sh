#!/usr/bin/env bash
# The daemon end to end as an unprivileged user, the way users run it (CI runs as root, which hid
# bugs such as a TCP option set at the socket level: SO_DEBUG, refused to anyone but root).
#
#   scripts/check-unprivileged.sh [BIN_DIR]      (default .build/release: `make && make localpool`)
#
# As `nobody`, with copies of the binaries and a state directory that user can reach:
#   1. `swiftminer demo --seconds 20`: the embedded pool accepts shares, none rejected; and
#      `demo --stratum-v2` the same over the encrypted Stratum V2 transport.
#   2. `localpool` and `swiftminer run -o stratum+tcp://127.0.0.1:PORT` as two processes: shares
#      accepted by the pool and counted in status.json and shares.jsonl; SIGTERM exits 0.
#   3. `localpool`, `swiftminer proxy` in front of it and `swiftminer run` against the proxy, three
#      processes: the pool accepts the proxy's shares, rejects none, and the
#      proxy's status counts exactly what the pool accepted.
# Both fail on any "Permission denied" / errno 13 or libdispatch priority warning in the output.
# Must run as root (to switch to nobody). Prints each check; exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir="${1:-.build/release}"
for program in swiftminer localpool; do
    [ -x "$bin_dir/$program" ] || { echo "no $bin_dir/$program: run 'make && make localpool' first" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "run as root: it switches to the user nobody" >&2; exit 1; }

work="$(mktemp -d)"
pool_pid=""
run_pid=""
proxy_pid=""
cleanup() {
    for pid in $pool_pid $run_pid $proxy_pid; do kill "$pid" 2>/dev/null || :; done
    rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"
mkdir -p "$work/bin" "$work/state"
cp "$bin_dir/swiftminer" "$bin_dir/localpool" "$work/bin/"
chmod 0755 "$work/bin" "$work/bin/"*
chown nobody "$work/state"
state="$work/state"

# Becomes a command run as nobody (no supplementary groups, no capabilities) in the state
# directory. Started with `&`, $! is the command itself (signals reach it); else use as_nobody.
exec_as_nobody() {
    cd "$state" && exec setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
        --inh-caps=-all env -i PATH=/usr/bin:/bin HOME="$state" "$@"
}
as_nobody() { (exec_as_nobody "$@"); }

checks=0
pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

# Output that means something needed privileges it did not have.
no_privilege_errors() {
    local file="$1" what="$2"
    if grep -inE 'permission denied|errno: ?13|errno=13|Failed to set thread priority' "$file"; then
        fail "$what printed the lines above"
    fi
    pass "$what: no permission or priority errors in its output"
}

status_field() {  # FILE: prints shares.accepted and shares.rejected of a status.json
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["shares"]; print(s["accepted"], s["rejected"])' "$1"
}

[ "$(as_nobody id -un)" = nobody ] || fail "setpriv did not switch to nobody"
pass "commands run as $(as_nobody id -u -n) (uid $(as_nobody id -u)), groups: $(as_nobody id -G)"

# 0. a configuration file this user may not read: a clear message, exit 1, no crash
printf '[[worker]]\nname = "w"\nuser = "u"\npassword = "p"\n[[worker.pool]]\nurl = "stratum+tcp://127.0.0.1:1"\n' >"$work/secret.toml"
chmod 0600 "$work/secret.toml"
set +e
message="$(as_nobody "$work/bin/swiftminer" check-config "$work/secret.toml" 2>&1)"
config_rc=$?
set -e
echo "$message"
[ "$config_rc" = 1 ] || fail "check-config of an unreadable file exited $config_rc, expected 1"
grep -qi 'cannot read the file: permission denied (the service reads it as the user swiftminer' <<<"$message" \
    || fail "check-config did not explain the unreadable file"
pass "check-config of a file nobody may not read: exit 1 and the fix named"

# 1. demo
echo "--- swiftminer demo --seconds 20, as nobody"
set +e
as_nobody "$work/bin/swiftminer" demo --seconds 20 --threads 2 >"$work/demo.out" 2>"$work/demo.err"
demo_rc=$?
set -e
tail -n 3 "$work/demo.out"
[ "$demo_rc" = 0 ] || { tail -n 20 "$work/demo.err" >&2; fail "demo exited $demo_rc"; }
pass "demo exited 0"
summary="$(grep -E '^demo finished: pool accepted [0-9]+, rejected [0-9]+' "$work/demo.out" || true)"
[ -n "$summary" ] || fail "demo printed no summary line"
demo_accepted="$(sed -E 's/^demo finished: pool accepted ([0-9]+).*/\1/' <<<"$summary")"
demo_rejected="$(sed -E 's/^demo finished: pool accepted [0-9]+, rejected ([0-9]+).*/\1/' <<<"$summary")"
[ "$demo_accepted" -ge 1 ] || fail "demo: the pool accepted no share"
[ "$demo_rejected" = 0 ] || fail "demo: the pool rejected $demo_rejected shares"
pass "demo: pool accepted $demo_accepted, rejected 0"
[ "$(stat -c %U "$state/status.json")" = nobody ] || fail "demo wrote no status.json as nobody"
pass "demo: status.json written by nobody ($(status_field "$state/status.json" | cut -d' ' -f1) accepted)"
no_privilege_errors "$work/demo.err" "demo"

# 1b. demo --stratum-v2: the Noise handshake (secp256k1, ChaCha20-Poly1305) and v2 mining as nobody
echo "--- swiftminer demo --stratum-v2 --seconds 10, as nobody"
set +e
as_nobody "$work/bin/swiftminer" demo --stratum-v2 --seconds 10 --threads 2 >"$work/demo2.out" 2>"$work/demo2.err"
demo2_rc=$?
set -e
tail -n 2 "$work/demo2.out"
[ "$demo2_rc" = 0 ] || { tail -n 20 "$work/demo2.err" >&2; fail "demo --stratum-v2 exited $demo2_rc"; }
grep -q 'Stratum V2 handshake complete' "$work/demo2.err" || fail "demo --stratum-v2: no handshake logged"
summary="$(grep -E '^demo finished: pool accepted [0-9]+, rejected 0' "$work/demo2.out" || true)"
[ -n "$summary" ] || fail "demo --stratum-v2: no summary with 0 rejected"
[ "$(sed -E 's/^demo finished: pool accepted ([0-9]+).*/\1/' <<<"$summary")" -ge 1 ] || fail "demo --stratum-v2: no share accepted"
pass "demo --stratum-v2: handshake, $(sed -E 's/^demo finished: (pool accepted [0-9]+, rejected 0).*/\1/' <<<"$summary")"
no_privilege_errors "$work/demo2.err" "demo --stratum-v2"

# A localpool as nobody at difficulty $1, its output in $work/$2.out and .err; sets $pool_pid and,
# once it listens, $port.
start_localpool() {
    exec_as_nobody "$work/bin/localpool" --port 0 --difficulty "$1" --job-interval 10 >"$work/$2.out" 2>"$work/$2.err" &
    pool_pid=$!
    port=""
    for _ in $(seq 1 100); do
        port="$(sed -nE 's/^localpool listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$work/$2.out")"
        [ -n "$port" ] && break
        kill -0 "$pool_pid" 2>/dev/null || { cat "$work/$2.err" >&2; fail "localpool exited"; }
        sleep 0.1
    done
    [ -n "$port" ] || fail "localpool did not report its port"
    pass "localpool listening on 127.0.0.1:$port"
}

# 2. localpool + run, two processes
echo "--- localpool and swiftminer run, both as nobody"
start_localpool 0.0005 pool

exec_as_nobody "$work/bin/swiftminer" run -o "stratum+tcp://127.0.0.1:$port" -u unprivileged.check -p secret-pass -t 2 \
    --status-file "$state/run-status.json" --share-log "$state/run-shares.jsonl" >"$work/run.out" 2>"$work/run.err" &
run_pid=$!
accepted=0
for _ in $(seq 1 60); do
    if [ -s "$state/run-status.json" ]; then
        accepted="$(status_field "$state/run-status.json" | cut -d' ' -f1)"
        [ "$accepted" -ge 5 ] && break
    fi
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 1
done
kill -TERM "$run_pid" 2>/dev/null || true
set +e
wait "$run_pid"
run_rc=$?
set -e
run_pid=""
[ "$run_rc" = 0 ] || { tail -n 20 "$work/run.err" >&2; fail "run exited $run_rc after SIGTERM"; }
pass "run: exited 0 after SIGTERM"
read -r accepted rejected < <(status_field "$state/run-status.json")
[ "$accepted" -ge 1 ] || { tail -n 20 "$work/run.err" >&2; fail "run: status.json shows no accepted share"; }
[ "$rejected" = 0 ] || fail "run: status.json shows $rejected rejected shares"
pass "run: status.json shows $accepted accepted, 0 rejected"
logged="$(grep -c '"accepted"' "$state/run-shares.jsonl" || true)"
[ "$logged" -ge "$accepted" ] || fail "run: shares.jsonl has $logged accepted lines, status.json $accepted"
pass "run: shares.jsonl has $logged accepted lines"
no_privilege_errors "$work/run.err" "run"
if grep -q 'secret-pass' "$work/run.err" "$work/run.out" "$state/run-status.json" "$state/run-shares.jsonl"; then
    fail "run: the pool password appears in its output or files"
fi
pass "run: the password appears nowhere in its output, status file or share log"

kill -TERM "$pool_pid"
wait "$pool_pid" || fail "localpool exited non-zero"
pool_pid=""
pool_summary="$(sed -nE 's/^localpool stopped: accepted ([0-9]+), rejected ([0-9]+)$/\1 \2/p' "$work/pool.out")"
[ -n "$pool_summary" ] || fail "localpool printed no summary"
read -r pool_accepted pool_rejected <<<"$pool_summary"
[ "$pool_accepted" -ge "$accepted" ] || fail "the pool accepted $pool_accepted shares, the daemon counted $accepted"
[ "$pool_rejected" = 0 ] || fail "the pool rejected $pool_rejected shares"
pass "localpool: accepted $pool_accepted, rejected 0"
no_privilege_errors "$work/pool.err" "localpool"

# 3. localpool + proxy + run, three processes
echo "--- localpool, swiftminer proxy and swiftminer run through it, all as nobody"
start_localpool 0.004 pool3
exec_as_nobody "$work/bin/swiftminer" proxy --listen 127.0.0.1:0 -o "stratum+tcp://127.0.0.1:$port" -u farm.check -p proxy-secret \
    --status-file "$state/proxy-status.json" --share-log "$state/proxy-shares.jsonl" >"$work/proxy.out" 2>"$work/proxy.err" &
proxy_pid=$!
proxy_port=""
for _ in $(seq 1 100); do
    proxy_port="$(sed -nE 's/.*listen=127\.0\.0\.1:([0-9]+).*proxy listening.*/\1/p' "$work/proxy.err" | head -n 1)"
    [ -n "$proxy_port" ] && break
    kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/proxy.err" >&2; fail "proxy exited"; }
    sleep 0.1
done
[ -n "$proxy_port" ] || { cat "$work/proxy.err" >&2; fail "the proxy did not log its port"; }
pass "proxy listening on 127.0.0.1:$proxy_port, upstream 127.0.0.1:$port"
exec_as_nobody "$work/bin/swiftminer" run -o "stratum+tcp://127.0.0.1:$proxy_port" -u rig.behind.proxy -t 2 \
    --status-file "$state/run3-status.json" --share-log "" >"$work/run3.out" 2>"$work/run3.err" &
run_pid=$!
proxy_accepted=0
for _ in $(seq 1 90); do
    if [ -s "$state/proxy-status.json" ]; then
        proxy_accepted="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["proxies"][0]["totals"]["accepted"])' "$state/proxy-status.json")"
        [ "$proxy_accepted" -ge 3 ] && break
    fi
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 1
done
kill -TERM "$run_pid" 2>/dev/null || true
wait "$run_pid" || fail "run (behind the proxy) exited non-zero after SIGTERM"
run_pid=""
kill -TERM "$proxy_pid"
wait "$proxy_pid" || { tail -n 20 "$work/proxy.err" >&2; fail "proxy exited non-zero after SIGTERM"; }
proxy_pid=""
kill -TERM "$pool_pid"
wait "$pool_pid" || fail "localpool exited non-zero"
pool_pid=""
read -r pool_accepted pool_rejected < <(sed -nE 's/^localpool stopped: accepted ([0-9]+), rejected ([0-9]+)$/\1 \2/p' "$work/pool3.out")
read -r final_accepted miners < <(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["proxies"][0]; print(p["totals"]["accepted"], p["totals"]["accepted"] + p["totals"]["valid"])' "$state/proxy-status.json")
[ "$pool_accepted" -ge 3 ] || { tail -n 20 "$work/proxy.err" >&2; fail "the pool accepted $pool_accepted of the proxy's shares"; }
[ "$pool_rejected" = 0 ] || fail "the pool rejected $pool_rejected of the proxy's shares"
[ "$final_accepted" = "$pool_accepted" ] || fail "the proxy counts $final_accepted accepted by the pool, the pool $pool_accepted"
pass "proxy: the pool accepted $pool_accepted, rejected 0; the proxy counts the same ($miners valid shares from its miner in all)"
no_privilege_errors "$work/proxy.err" "proxy"
no_privilege_errors "$work/run3.err" "run behind the proxy"
if grep -q 'proxy-secret' "$work/proxy.err" "$work/proxy.out" "$state/proxy-status.json" "$state/proxy-shares.jsonl"; then
    fail "proxy: the upstream password appears in its output or files"
fi
pass "proxy: the upstream password appears nowhere in its output, status file or share log"

echo "unprivileged checks passed: $checks"
