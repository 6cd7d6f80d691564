#!/usr/bin/env bash
# `make deb`: swiftminer_VERSION_ARCH.deb from what `make` built, with dpkg-deb (no debhelper, no
# source package): the stripped binary (Swift standard library linked statically), the unit, the
# sysusers.d file, the example configuration as a conffile, the man page and shell completions,
# the Prometheus alert rules and Grafana dashboard, the README, a copyright file and a changelog.
#
#   make && make deb            → build/deb/swiftminer_0.1.0_amd64.deb
#
# The maintainer scripts do what `make install` does by hand: create the user `swiftminer`
# (systemd-sysusers) and keep /etc/swiftminer and its swiftminer.toml root:swiftminer 0750 / 0640
# with dpkg-statoverride (so upgrades keep them); the service is not started or enabled, since
# the configuration must name a pool first. `apt remove` keeps the configuration; `apt purge`
# removes it and /var/lib/swiftminer.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${BIN:-.build/release/swiftminer}"
out="${OUT_DIR:-build/deb}"
[ -x "$binary" ] || { echo "no $binary: run 'make' first" >&2; exit 1; }

version="$("$binary" --version)"
# DEBFULLNAME / DEBEMAIL as dch uses them; the default is a placeholder (RFC 2606 .invalid).
maintainer="${DEBFULLNAME:-SwiftMiner developers} <${DEBEMAIL:-swiftminer@swiftminer.invalid}>"
arch="$(dpkg --print-architecture)"
package="swiftminer_${version}_${arch}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/$package"
doc="$root/usr/share/doc/swiftminer"
# The files are laid out by `make install` itself (Debian's paths), so the package and a make
# install never disagree; then only what a package does differently: a stripped binary, compressed
# man page and README, a bash completion without #!, the unit's Documentation=.
make --no-print-directory install DESTDIR="$root" PREFIX=/usr BIN_PATH="$(dirname "$binary")" \
    UNITDIR=/lib/systemd/system ZSHCOMPDIR=/usr/share/zsh/vendor-completions >/dev/null
install -d "$root/DEBIAN" "$root/usr/share/lintian/overrides"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/swiftminer"
sed -i -e 's|^Documentation=.*|Documentation=man:swiftminer(1) file:///usr/share/doc/swiftminer/README.md.gz|' \
    -e 's|Install with `make install`; see README "Run as a service".|Installed by the swiftminer package; see README "Run as a service".|' \
    "$root/lib/systemd/system/swiftminer.service"
gzip -9n "$root"/usr/share/man/man1/*.1 "$doc/README.md" "$doc"/Docs/*.md
# bash-completion files are sourced, not run: no #! line.
sed -i '1{/^#!/d}' "$root/usr/share/bash-completion/completions/swiftminer"
date="$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
cat >"$stage/changelog" <<EOF
swiftminer ($version) unstable; urgency=medium

  * Built from the SwiftMiner source tree with make deb (dpkg-deb).

 -- $maintainer  $date
EOF
# A native package (no Debian revision): its changelog is changelog.gz.
gzip -9n <"$stage/changelog" >"$doc/changelog.gz"
cat >"$doc/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: SwiftMiner
Comment: /usr/bin/swiftminer links these statically: the Swift standard library and Foundation
 (Apache-2.0 with Runtime Library Exception), SwiftNIO, swift-nio-ssl, swift-nio-extras,
 swift-argument-parser, swift-log, swift-atomics, swift-service-lifecycle (Apache-2.0) and
 BoringSSL (inside swift-nio-ssl; ISC and OpenSSL licenses).

Files: *
Copyright: 2026 SwiftMiner developers
License: no-license-granted
 No licence to copy, modify or distribute SwiftMiner has been granted yet.

Files: usr/bin/swiftminer
Copyright: Apple Inc. and the Swift project authors; the SwiftNIO, swift-nio-ssl, swift-log,
 swift-argument-parser, swift-atomics and swift-service-lifecycle authors; Google Inc. (BoringSSL)
License: Apache-2.0 and ISC and OpenSSL
 The Apache License 2.0 is in /usr/share/common-licenses/Apache-2.0. BoringSSL's ISC and OpenSSL
 licenses are in the swift-nio-ssl source distribution (Sources/CNIOBoringSSL/LICENSE).
EOF
cat >"$root/usr/share/lintian/overrides/swiftminer" <<'EOF'
# The configuration holds pool passwords: root:swiftminer 0750 / 0640 (group set in postinst with
# dpkg-statoverride), so the service may read it and other users may not.
swiftminer: non-standard-dir-perm 0750 != 0755 [etc/swiftminer/]
swiftminer: non-standard-file-perm 0640 != 0644 [etc/swiftminer/swiftminer.toml]
EOF
find "$doc" -type f -exec chmod 0644 {} +
chmod 0644 "$root/usr/share/lintian/overrides/swiftminer"

# Shared-library dependencies of the binary, as dpkg-shlibdeps computes them.
mkdir -p "$stage/shlibs/debian"
printf 'Source: swiftminer\n\nPackage: swiftminer\nArchitecture: any\n' >"$stage/shlibs/debian/control"
shlibs="$(cd "$stage/shlibs" && dpkg-shlibdeps -O "$root/usr/bin/swiftminer" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[ -n "$shlibs" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat >"$root/DEBIAN/control" <<EOF
Package: swiftminer
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $shlibs, systemd | systemd-standalone-sysusers, init-system-helpers (>= 1.52)
Section: net
Priority: optional
Description: Stratum v1 SHA-256d CPU mining client daemon
 SwiftMiner connects to Bitcoin (and testnet) mining pools over Stratum v1,
 turns each job into block headers and hashes them on one thread per core
 with the fastest SHA-256d kernel the CPU has (AVX-512, SHA-NI, AVX2, ARMv8
 SHA-2, NEON or portable code). Every share is checked again before it is
 submitted. It runs as a hardened systemd service under SCHED_IDLE, writes a
 status file and a share log, and serves Prometheus metrics and a
 cgminer-compatible API.
EOF
echo /etc/swiftminer/swiftminer.toml >"$root/DEBIAN/conffiles"

cat >"$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    systemd-sysusers swiftminer.conf
    # Keep the configuration readable by the service only, across upgrades.
    for entry in "root swiftminer 0750 /etc/swiftminer" "root swiftminer 0640 /etc/swiftminer/swiftminer.toml"; do
        path="${entry##* }"
        if ! dpkg-statoverride --list "$path" >/dev/null; then
            # shellcheck disable=SC2086
            dpkg-statoverride --update --add $entry
        fi
    done
    deb-systemd-helper unmask swiftminer.service >/dev/null || true
    if ! deb-systemd-helper --quiet was-enabled swiftminer.service; then
        # Not enabled by default: the configuration must name a pool first.
        deb-systemd-helper update-state swiftminer.service >/dev/null || true
    fi
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null || true
        if [ -n "$2" ]; then
            deb-systemd-invoke try-restart swiftminer.service >/dev/null || true
        fi
    fi
fi
EOF
cat >"$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    deb-systemd-invoke stop swiftminer.service >/dev/null || true
fi
EOF
cat >"$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = remove ] && command -v deb-systemd-helper >/dev/null; then
    deb-systemd-helper mask swiftminer.service >/dev/null || true
fi
if [ "$1" = purge ]; then
    if command -v deb-systemd-helper >/dev/null; then
        deb-systemd-helper purge swiftminer.service >/dev/null || true
        deb-systemd-helper unmask swiftminer.service >/dev/null || true
    fi
    for path in /etc/swiftminer/swiftminer.toml /etc/swiftminer; do
        if dpkg-statoverride --list "$path" >/dev/null; then
            dpkg-statoverride --remove "$path"
        fi
    done
    rm -f /etc/swiftminer/swiftminer.toml.dpkg-old /etc/swiftminer/swiftminer.toml.dpkg-new \
        /etc/swiftminer/swiftminer.toml.dpkg-dist
    rmdir --ignore-fail-on-non-empty /etc/swiftminer 2>/dev/null || true
    # The state: status.json, shares.jsonl, best-share.json (StateDirectory=swiftminer).
    rm -rf /var/lib/swiftminer
fi
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/$package.deb" >/dev/null
echo "$out/$package.deb"
