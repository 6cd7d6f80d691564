#!/usr/bin/env bash
# Checks the shipped Prometheus alerting rules: `promtool check rules` (syntax, templates) and
# `promtool test rules` (series in, alerts out: every alert has cases that fire and cases that
# must not). Installs Debian's `prometheus` package (which carries promtool) when promtool is
# missing and we are root.
#
#   scripts/check-prometheus-rules.sh
set -euo pipefail

cd "$(dirname "$0")/.."
rules=Config/prometheus/swiftminer-alerts.yml
tests=Config/prometheus/swiftminer-alerts.test.yml

if ! command -v promtool >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "check-prometheus-rules: promtool missing; install Debian's 'prometheus' package" >&2
        exit 1
    fi
    echo "== installing promtool (apt-get install prometheus)"
    # The package's service must not start here: deny it through policy-rc.d if none is set.
    policy_created=no
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
        policy_created=yes
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null \
        || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null; }
    if [ "$policy_created" = yes ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
promtool --version 2>&1 | head -1

echo "== promtool check rules $rules"
promtool check rules "$rules"

# Every alert in the rules file must be exercised by the tests, firing at least once and
# staying silent at least once.
echo "== every alert has a firing and a silent test case"
python3 - "$rules" "$tests" <<'PY'
import re, sys
rules, tests = (open(p).read() for p in sys.argv[1:3])
alerts = re.findall(r'^\s*- alert:\s*(\S+)', rules, re.M)
cases = re.findall(r'alertname:\s*(\S+)\s*\n\s*exp_alerts:\s*(\[\])?', tests)
problems = []
for alert in alerts:
    silent = any(name == alert and empty for name, empty in cases)
    firing = any(name == alert and not empty for name, empty in cases)
    if not (silent and firing):
        problems.append(f"{alert}: firing case {'yes' if firing else 'MISSING'}, silent case {'yes' if silent else 'MISSING'}")
    else:
        print(f"  {alert}: firing and silent cases")
if problems or not alerts:
    sys.exit("\n".join(problems) or "no alerts found")
PY

echo "== promtool test rules $tests"
(cd "$(dirname "$tests")" && promtool test rules "$(basename "$tests")")
echo "check-prometheus-rules: OK"
