#!/usr/bin/env bash
# The service under a real systemd: a Debian root file system made with debootstrap (from Debian's
# packages: systemd, a kernel, make, jq), booted with qemu-system-x86_64 in software emulation
# (TCG; no network card) with systemd as PID 1. Inside, scripts/vm/vm-check.sh follows the README's
# "Run as a service" section literally, then installs, removes and purges the Debian package from
# `make deb`, and prints every check; this script prints that log and exits with its result.
#
#   make && make localpool && make deb && scripts/check-systemd-vm.sh
#
# The root file system is built once and kept in $SWIFTMINER_VM_CACHE (default
# /var/cache/swiftminer-vm), keyed by the package list; each run boots a fresh copy of it.
# Needs root (debootstrap, file ownership in the image). Installs debootstrap, qemu-system-x86
# and e2fsprogs with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir="${BIN_DIR:-.build/release}"
cache="${SWIFTMINER_VM_CACHE:-/var/cache/swiftminer-vm}"
boot_timeout="${SWIFTMINER_VM_TIMEOUT:-900}"
suite=bookworm
packages=systemd,systemd-sysv,udev,dbus,linux-image-amd64,make,procps,jq,kmod,util-linux

for program in swiftminer localpool; do
    [ -x "$bin_dir/$program" ] || { echo "no $bin_dir/$program: run 'make && make localpool' first" >&2; exit 1; }
done
deb="${DEB:-$(ls build/deb/swiftminer_*.deb 2>/dev/null | sort -V | tail -n 1)}"
[ -f "$deb" ] || { echo "no package in build/deb: run 'make deb' first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and the image's file ownership need it)" >&2; exit 1; }

missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

started=$SECONDS
key="$(printf '%s %s v1' "$suite" "$packages" | sha256sum | cut -c1-16)"
rootfs="$cache/rootfs-$key"
if [ ! -e "$rootfs/.complete" ]; then
    echo "building the VM's root file system ($suite: $packages) in $rootfs"
    rm -rf "$rootfs" "$rootfs.partial"
    mkdir -p "$cache"
    debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs.partial" >"$cache/debootstrap.log" 2>&1 || {
        tail -n 30 "$cache/debootstrap.log" >&2
        echo "debootstrap failed (log: $cache/debootstrap.log)" >&2
        exit 1
    }
    rm -rf "$rootfs.partial"/var/cache/apt/archives/*.deb "$rootfs.partial"/var/lib/apt/lists/*
    touch "$rootfs.partial/.complete"
    mv "$rootfs.partial" "$rootfs"
    echo "root file system built in $((SECONDS - started)) s"
else
    echo "using the cached root file system $rootfs"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
cp -a "$rootfs" "$root"
rm -f "$root/.complete"

# The checkout as a user has it after `make` (what `sudo make install` reads), the test pool, and
# the check itself, started once the system is up; it powers the machine off when done.
checkout="$root/root/swiftminer"
mkdir -p "$checkout/.build/release"
cp -a Makefile README.md systemd Config Docs "$checkout/"
cp "$bin_dir/swiftminer" "$checkout/.build/release/swiftminer"
install -d "$root/root/deb"
cp "$deb" "$root/root/deb/"
install -d "$root/opt/vmcheck"
install -m 0755 "$bin_dir/localpool" scripts/vm/vm-check.sh "$root/opt/vmcheck/"
cat >"$root/etc/systemd/system/vmcheck.service" <<'EOF'
[Unit]
Description=SwiftMiner service check (scripts/vm/vm-check.sh)
# Without default dependencies, so that multi-user.target is not ordered after this unit.
DefaultDependencies=no
After=multi-user.target
[Service]
Type=oneshot
TimeoutStartSec=infinity
ExecStart=/bin/sh -c '/opt/vmcheck/vm-check.sh >/dev/ttyS1 2>&1; systemctl poweroff --no-block'
StandardOutput=journal+console
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/vmcheck.service "$root/etc/systemd/system/multi-user.target.wants/vmcheck.service"
echo swiftminer-vm >"$root/etc/hostname"
: >"$root/etc/fstab"
# Nothing in the image needs these during a 5-minute check.
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

kernel="$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n 1)"
initrd="$(ls "$root"/boot/initrd.img-* | sort -V | tail -n 1)"
cp "$kernel" "$work/vmlinuz"
cp "$initrd" "$work/initrd.img"
mkfs.ext4 -q -F -L root -d "$root" "$work/disk.img" 3G
rm -rf "$root"

echo "booting the VM (qemu-system-x86_64, TCG, 2 CPUs, 2 GiB, no network card)"
boot_started=$SECONDS
: >"$work/check.log"
set +e
timeout "$boot_timeout" qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp 2 -m 2048 \
    -display none -monitor none -no-reboot -nic none \
    -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 panic=-1 no_timer_check systemd.show_status=1" \
    -drive file="$work/disk.img",format=raw,if=virtio \
    -serial file:"$work/console.log" -serial file:"$work/check.log"
qemu_rc=$?
set -e
echo "the VM ran $((SECONDS - boot_started)) s (qemu exit $qemu_rc); the whole check took $((SECONDS - started)) s"
cat "$work/check.log"
if ! grep -q '^VMCHECK RESULT: PASS' "$work/check.log"; then
    echo "--- the VM's console (last 80 lines)" >&2
    tail -n 80 "$work/console.log" >&2
    echo "the systemd VM check failed" >&2
    exit 1
fi
