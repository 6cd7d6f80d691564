#!/usr/bin/env bash
# lintian on the package `make deb` built (Debian's lintian, installed when missing), run as the
# user nobody, as a packager would run it: any error or warning fails; the package's own
# overrides (usr/share/lintian/overrides/swiftminer) say why each one they hide is intended.
#
#   make && make deb && scripts/check-deb.sh [PACKAGE.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
deb="${1:-$(ls build/deb/swiftminer_*.deb 2>/dev/null | sort -V | tail -n 1)}"
[ -f "$deb" ] || { echo "no package in build/deb: run 'make deb' first" >&2; exit 1; }
if ! command -v lintian >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends lintian
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
chown nobody "$work"    # lintian writes below HOME
cp "$deb" "$work/"
echo "lintian $(lintian --version | awk '{print $2}') on $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\|Installed-Size\):/  \1:/p'
cd "$work"
echo "the package's lintian overrides:"
if ! dpkg-deb --fsys-tarfile "$(basename "$deb")" | tar -xO ./usr/share/lintian/overrides/swiftminer 2>/dev/null | sed 's/^/  /'; then
    echo "  (none)"
fi
# --pedantic shows every tag; only errors and warnings fail. (The spelling tags are info-level
# hits in the statically linked runtime's strings.)
setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups env -i PATH=/usr/bin:/bin HOME="$work" \
    lintian --pedantic --display-info --fail-on error,warning "$(basename "$deb")" | grep -v 'spelling-error-in-binary' || status=${PIPESTATUS[0]}
if [ "${status:-0}" != 0 ]; then
    echo "lintian found errors or warnings" >&2
    exit 1
fi
echo "lintian: no errors or warnings"
