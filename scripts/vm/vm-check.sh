#!/bin/bash
# Runs inside the VM that scripts/check-systemd-vm.sh boots (as root, systemd is PID 1, no
# network card). Follows the README's "Run as a service" section literally, against the project's
# pool running in the VM, and checks what an operator would: the service mines, reload keeps it
# mining, a hung daemon is restarted by the watchdog, stop is clean, the journal is clean, the
# unit's exposure under this systemd. Every check prints one line; the last line is
# "VMCHECK RESULT: PASS" or "VMCHECK RESULT: FAIL".
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_PAGER=
checks=0
failures=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAILED: $*"; }
run() { echo "\$ $*"; "$@"; }
finish() {
    echo "--- journal of swiftminer.service (last 25 lines)"
    journalctl -b -u swiftminer --no-pager -o cat 2>&1 | tail -n 25
    if [ "$failures" = 0 ]; then
        echo "VMCHECK RESULT: PASS ($checks checks)"
    else
        echo "VMCHECK RESULT: FAIL ($failures of $checks checks failed)"
    fi
    exit 0
}
# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
    local seconds=$1
    shift
    for _ in $(seq 1 "$seconds"); do
        "$@" && return 0
        sleep 1
    done
    return 1
}
config=/etc/swiftminer/swiftminer.toml
state=/var/lib/swiftminer
accepted_in_status() { jq -r '.shares.accepted' "$state/status.json" 2>/dev/null || echo 0; }
accepted_logged() { grep -c '"accepted"' "$state/shares.jsonl" 2>/dev/null || echo 0; }
more_accepted_than() { [ "$(accepted_logged)" -gt "$1" ]; }
main_pid() { systemctl show -p MainPID --value swiftminer; }

echo "VMCHECK: $(uname -r), $(systemctl --version | head -n 1), $(nproc) CPUs"
echo "--- the README: sudo make install (the checkout as 'make' left it, in /root/swiftminer)"
cd /root/swiftminer || { bad "no checkout"; finish; }
if run make install; then ok "make install exited 0"; else bad "make install failed"; finish; fi
if id swiftminer >/dev/null 2>&1 && [ "$(id -u swiftminer)" -lt 1000 ]; then
    ok "system user created: $(id swiftminer)"
else
    bad "no system user swiftminer"
fi
for path in /etc/swiftminer "$config"; do echo "  $(stat -c '%A %U:%G %n' "$path")"; done
[ "$(stat -c '%U:%G %a' /etc/swiftminer)" = "root:swiftminer 750" ] && ok "/etc/swiftminer is root:swiftminer 0750" \
    || bad "/etc/swiftminer is $(stat -c '%U:%G %a' /etc/swiftminer)"

echo "--- the README's minimal configuration, its pool URLs pointed at the pool in this VM"
awk '/^A minimal configuration/ { found = 1 } found && /^```toml/ { inside = 1; next } inside && /^```/ { exit } inside { print }' \
    README.md | sed -e 's|stratum+tcp://pool.example.com:3333|stratum+tcp://127.0.0.1:3333|' \
                    -e 's|stratum+ssl://backup.example.com:4443|stratum+tcp://127.0.0.1:3334|' >/tmp/minimal.toml
grep -q '127.0.0.1:3333' /tmp/minimal.toml && ok "minimal configuration taken from the README" || bad "no minimal configuration in the README"
cat /tmp/minimal.toml
# What sudoedit does: the file's contents change, its owner and mode stay.
cat /tmp/minimal.toml >"$config"
[ "$(stat -c '%U:%G %a' "$config")" = "root:swiftminer 640" ] && ok "$config is root:swiftminer 0640" \
    || bad "$config is $(stat -c '%U:%G %a' "$config")"
if runuser -u nobody -- cat "$config" >/dev/null 2>&1; then bad "another user (nobody) can read $config"
else ok "another user (nobody) cannot read $config"; fi

echo "--- the pool: localpool on 127.0.0.1:3333 as a transient unit"
run systemd-run --quiet --unit=localpool -p DynamicUser=yes /opt/vmcheck/localpool --port 3333 --difficulty 0.00002 --job-interval 20
if wait_for 30 sh -c 'journalctl -u localpool -o cat | grep -q "localpool listening"'; then ok "localpool is listening"
else bad "localpool did not start"; journalctl -u localpool --no-pager; finish; fi

echo "--- the README: sudo swiftminer check-config, sudo systemctl enable --now swiftminer"
if run swiftminer check-config "$config"; then ok "check-config exited 0"; else bad "check-config failed"; fi
started=$SECONDS
if run systemctl enable --now swiftminer; then ok "enable --now returned after $((SECONDS - started)) s (Type=notify: READY=1)"
else bad "enable --now failed"; systemctl status --no-pager swiftminer 2>&1 | head -n 20; fi
[ "$(systemctl is-active swiftminer)" = active ] && ok "swiftminer.service is active" || { bad "not active"; finish; }
if wait_for 180 sh -c "[ \"\$(jq -r .shares.accepted $state/status.json 2>/dev/null || echo 0)\" -ge 2 ]"; then
    ok "status.json shows $(accepted_in_status) accepted shares, $(jq -r .shares.rejected "$state/status.json") rejected, hash rate $(jq -r '.hashrate | tostring' "$state/status.json")"
else
    bad "status.json shows $(accepted_in_status) accepted shares after 180 s"
fi
echo "  $(systemctl show -p StatusText --value swiftminer)"
pid="$(main_pid)"
echo "  $(stat -c '%A %U:%G %n' "$state" "$state/status.json" | tr '\n' ' ')"
if out="$(runuser -u nobody -- swiftminer status --status-file "$state/status.json")"; then
    ok "another user (nobody) runs swiftminer status"
    echo "$out" | head -n 6
else
    bad "swiftminer status as nobody failed"
fi
classes="$(ps -L -o cls= -p "$pid" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
if [ "$(ps -L -o cls= -p "$pid" | sort -u | tr -d ' ')" = IDL ]; then ok "every thread of the daemon is SCHED_IDLE ($classes)"
else bad "scheduling classes of the daemon's threads: $classes"; fi
[ "$(ps -o user= -p "$pid")" = swiftminer ] && ok "the daemon runs as user swiftminer" || bad "the daemon runs as $(ps -o user= -p "$pid")"

echo "--- the README: sudo systemctl reload swiftminer"
before="$(accepted_logged)"
started=$SECONDS
if run systemctl reload swiftminer; then ok "reload exited 0"; else bad "reload failed"; fi
# ExecReload= only sends SIGHUP; the daemon says RELOADING=1, re-reads the file, then READY=1.
if wait_for 60 sh -c '[ "$(systemctl is-active swiftminer)" = active ]' && [ "$(main_pid)" = "$pid" ]; then
    ok "active again $((SECONDS - started)) s after the reload, same process ($pid)"
else
    bad "after reload: $(systemctl is-active swiftminer), pid $(main_pid)"
fi
if wait_for 120 more_accepted_than "$before"; then ok "mining goes on after reload (accepted shares logged: $before -> $(accepted_logged))"
else bad "no accepted share within 120 s of the reload"; fi

echo "--- a hung daemon: kill -STOP its main process; WatchdogSec=30 must restart it"
before="$(accepted_logged)"
run kill -STOP "$pid"
if wait_for 150 sh -c '[ "$(systemctl show -p NRestarts --value swiftminer)" = 1 ] && [ "$(systemctl is-active swiftminer)" = active ]'; then
    ok "restarted by the watchdog: NRestarts=$(systemctl show -p NRestarts --value swiftminer), new pid $(main_pid)"
else
    bad "no watchdog restart: NRestarts=$(systemctl show -p NRestarts --value swiftminer), $(systemctl is-active swiftminer)"
fi
journalctl -b -u swiftminer -o cat | grep -iE 'watchdog timeout' | head -n 1 | sed 's/^/  journal: /'
if wait_for 120 more_accepted_than "$before"; then ok "mining again after the restart (accepted shares logged: $before -> $(accepted_logged))"
else bad "no accepted share within 120 s of the restart"; fi

echo "--- the README: sudo systemctl stop swiftminer"
if run systemctl stop swiftminer; then ok "stop exited 0"; else bad "stop failed"; fi
result="$(systemctl show -p Result --value swiftminer)"
code="$(systemctl show -p ExecMainStatus --value swiftminer)"
[ "$result" = success ] && [ "$code" = 0 ] && ok "Result=$result, ExecMainStatus=$code" || bad "Result=$result, ExecMainStatus=$code"
echo "  final status.json: accepted $(accepted_in_status), rejected $(jq -r .shares.rejected "$state/status.json"), stale $(jq -r .shares.stale "$state/status.json"), lost $(jq -r .shares.lost "$state/status.json")"
echo "  pool: $(journalctl -u localpool -o cat | grep -c '^accepted') accepted, $(journalctl -u localpool -o cat | grep -c '^rejected') rejected"

echo "--- the same unit running a farm proxy (Docs/PROXY.md) and a worker mining through it"
cat >"$config" <<'TOML'
[[proxy]]
name = "farm"
listen = "127.0.0.1:3340"
user = "vmcheck.farm"
downstream_min_difficulty = 0.00001
[[proxy.pool]]
url = "stratum+tcp://127.0.0.1:3333"
[[worker]]
name = "behind-proxy"
user = "vmcheck.rig"
threads = 1
[[worker.pool]]
url = "stratum+tcp://127.0.0.1:3340"
TOML
if run swiftminer check-config "$config"; then ok "check-config accepts the proxy configuration"; else bad "check-config refused the proxy configuration"; fi
pool_before="$(journalctl -u localpool -o cat | grep -c '^accepted: worker vmcheck.farm' || true)"
if run systemctl start swiftminer; then ok "started with a [[proxy]] (Type=notify: READY=1)"; else bad "start with a proxy failed"; fi
proxy_accepted() { jq -r '.proxies[0].totals.accepted // 0' "$state/status.json" 2>/dev/null || echo 0; }
if wait_for 180 sh -c "[ \"\$(jq -r '.proxies[0].totals.accepted // 0' $state/status.json 2>/dev/null || echo 0)\" -ge 2 ]"; then
    ok "status.json: the proxy's miner $(jq -r '.proxies[0].downstreams[0].user' "$state/status.json"), $(proxy_accepted) shares accepted by the pool"
else
    bad "status.json shows $(proxy_accepted) proxy shares accepted after 180 s"
fi
if run systemctl stop swiftminer; then ok "stop exited 0"; else bad "stop failed"; fi
pool_after="$(journalctl -u localpool -o cat | grep -c '^accepted: worker vmcheck.farm' || true)"
[ "$pool_after" -gt "$pool_before" ] && [ "$(proxy_accepted)" = "$((pool_after - pool_before))" ] \
    && ok "the pool accepted $((pool_after - pool_before)) shares from the proxy's login, as status.json counts" \
    || bad "the pool accepted $((pool_after - pool_before)) from the proxy's login, status.json says $(proxy_accepted)"

echo "--- systemd-analyze security swiftminer.service (this systemd)"
report="$(systemd-analyze security --no-pager swiftminer.service)"
score="$(sed -n 's/.*Overall exposure level for swiftminer.service: \([0-9.]*\).*/\1/p' <<<"$report")"
echo "$report" | grep -v '^✓' | head -n 20
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 1.5) }'; then ok "exposure $score (limit 1.5)"
else bad "exposure '${score}' above 1.5 or unreadable"; fi

echo "--- the Debian package: apt-get install ./swiftminer_*.deb on a machine without the make-installed files"
run make uninstall
rm -rf /etc/swiftminer /var/lib/swiftminer
userdel swiftminer 2>/dev/null
groupdel swiftminer 2>/dev/null
deb="$(ls /root/deb/swiftminer_*.deb 2>/dev/null | head -n 1)"
[ -n "$deb" ] || { bad "no package in /root/deb"; finish; }
if run apt-get install -y -q --no-install-recommends "$deb"; then ok "apt-get install $(basename "$deb") exited 0"
else bad "apt-get install failed"; finish; fi
id swiftminer >/dev/null 2>&1 && ok "postinst created the user: $(id swiftminer)" || bad "no user swiftminer after install"
[ "$(stat -c '%U:%G %a' /etc/swiftminer) $(stat -c '%U:%G %a' "$config")" = "root:swiftminer 750 root:swiftminer 640" ] \
    && ok "/etc/swiftminer root:swiftminer 0750, $config root:swiftminer 0640 ($(dpkg-statoverride --list | grep -c swiftminer) dpkg-statoverride entries)" \
    || bad "after install: $(stat -c '%U:%G %a %n' /etc/swiftminer "$config" | tr '\n' ' ')"
[ "$(systemctl is-enabled swiftminer 2>/dev/null)" = disabled ] && ok "the service is installed but not enabled (no pool configured yet)" \
    || bad "after install the service is $(systemctl is-enabled swiftminer 2>&1)"
missing_files=""
for file in /usr/share/man/man1/swiftminer.1.gz /usr/share/bash-completion/completions/swiftminer \
            /usr/share/zsh/vendor-completions/_swiftminer /usr/share/fish/vendor_completions.d/swiftminer.fish; do
    [ -s "$file" ] || missing_files="$missing_files $file"
done
[ -z "$missing_files" ] && ok "man page and bash/zsh/fish completions installed" || bad "not installed:$missing_files"
cat /tmp/minimal.toml >"$config"
if run systemctl enable --now swiftminer; then ok "enable --now (packaged unit) exited 0"; else bad "enable --now of the packaged unit failed"; fi
if wait_for 180 sh -c "[ \"\$(jq -r .shares.accepted $state/status.json 2>/dev/null || echo 0)\" -ge 2 ]"; then
    ok "packaged service: status.json shows $(accepted_in_status) accepted shares"
else
    bad "packaged service: $(accepted_in_status) accepted shares after 180 s"
fi
if run apt-get remove -y -q swiftminer; then ok "apt-get remove exited 0"; else bad "apt-get remove failed"; fi
[ ! -e /usr/bin/swiftminer ] && [ "$(systemctl is-active swiftminer 2>/dev/null)" != active ] \
    && ok "removed: no binary, the service is not running" || bad "after remove: binary or service still there"
grep -q '127.0.0.1:3333' "$config" 2>/dev/null && [ -d "$state" ] \
    && ok "remove kept the edited configuration and $state" || bad "remove did not keep the configuration and the state"
if run apt-get purge -y -q swiftminer; then ok "apt-get purge exited 0"; else bad "apt-get purge failed"; fi
[ ! -e /etc/swiftminer ] && [ ! -e "$state" ] && [ "$(dpkg-statoverride --list | grep -c swiftminer)" = 0 ] \
    && ok "purge removed /etc/swiftminer, $state and the stat overrides" \
    || bad "after purge: $(ls -d /etc/swiftminer "$state" 2>/dev/null | tr '\n' ' ') $(dpkg-statoverride --list | grep swiftminer)"

echo "--- the journal"
journal="$(journalctl -b -u swiftminer -o cat)"
# The journal really holds the daemon's lines (so the absences below mean something).
logged_results="$(grep -c '\] accepted: ' <<<"$journal")"
[ "$logged_results" -ge 1 ] && ok "the journal holds the daemon's log: $(wc -l <<<"$journal") lines, $logged_results accepted-share lines" \
    || bad "the daemon's share lines are not in the journal ($(wc -l <<<"$journal") lines)"
denied="$(grep -ci 'permission denied' <<<"$journal")"
priority="$(grep -c 'Failed to set thread priority' <<<"$journal")"
[ "$denied" = 0 ] && ok "no 'permission denied' in the unit's journal" || bad "$denied 'permission denied' lines in the journal"
[ "$priority" = 0 ] && ok "no thread priority warnings in the unit's journal" || bad "$priority thread priority warnings in the journal"
mode_warnings="$(journalctl -b -o cat | grep -ci 'swiftminer.*mode\|mode.*swiftminer' || true)"
[ "$mode_warnings" = 0 ] && ok "no directory mode warnings from systemd" || bad "$mode_warnings directory mode warnings"

finish
