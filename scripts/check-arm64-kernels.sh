#!/usr/bin/env bash
# The ARM64 kernels (armsha2, neon) checked without an ARM machine: Sources/CSHA256Kernels and the
# plain-C driver Tests/ARM64KernelCheck/driver.c cross-compiled with clang for aarch64-linux-gnu
# (static, against Debian's cross libc), run under qemu-aarch64 on several emulated CPUs. The driver
# compares both kernels with its own SHA-256d reference on the 10,000 cases of ISAKernelTests.swift,
# long scans across 2^32, the genesis nonce and edge cases, and checks the run-time detection.
# Also compiles the C target for the host with the same warning flags (the ARM64 files must compile
# to warning-free stubs on x86-64), and prints the kernels' instructions per nonce (objdump).
#
#   scripts/check-arm64-kernels.sh
#   QEMU_CPUS="max cortex-a72" scripts/check-arm64-kernels.sh
#
# Knobs: CLANG (default: the clang beside `swift`, else clang), QEMU_CPUS (default
# "max cortex-a76 cortex-a53": every CPU that qemu-user models has the SHA-256 instructions, so
# auto must pick armsha2 on each; the driver checks the NEON fallback choice with made-up AT_HWCAP
# values and runs the neon kernel directly). Installs qemu-user and the arm64 cross libc / libgcc
# with apt-get when they are missing (Debian / Ubuntu). No speed is measured: qemu is an emulator.
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- Tools ----
missing=()
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
[ -e /usr/aarch64-linux-gnu/lib/libc.a ] || missing+=(libc6-dev-arm64-cross)
if ! compgen -G "/usr/lib/gcc-cross/aarch64-linux-gnu/*/libgcc.a" >/dev/null; then
    missing+=(LIBGCC)
fi
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    if [[ " ${missing[*]} " == *" LIBGCC "* ]]; then
        # libgcc-<gcc major>-dev-arm64-cross: the newest this release has (12 on Debian 12).
        libgcc="$(apt-cache search --names-only '^libgcc-[0-9]+-dev-arm64-cross$' | cut -d' ' -f1 | sort -V | tail -n1)"
        [ -n "$libgcc" ] || { echo "no libgcc-N-dev-arm64-cross package found" >&2; exit 1; }
        missing=("${missing[@]/LIBGCC/$libgcc}")
    fi
    echo "installing: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ -z "${CLANG:-}" ]; then
    swift_bin="$(dirname "$(command -v swift 2>/dev/null || echo /nonexistent/swift)")"
    if [ -x "$swift_bin/clang" ]; then CLANG="$swift_bin/clang"; else CLANG=clang; fi
fi
clang_dir="$(dirname "$(command -v "$CLANG")")"
OBJDUMP="$clang_dir/llvm-objdump"
[ -x "$OBJDUMP" ] || OBJDUMP=llvm-objdump
"$CLANG" --version | head -n1
qemu-aarch64 --version | head -n1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src=Sources/CSHA256Kernels
# The flags of Package.swift (-O2) plus warnings as errors.
cflags=(-O2 -Wall -Wextra -Werror -I"$src/include" -I"$src")

# ---- Host build: the ARM64 files are stubs here, the x86 ones real (on x86-64) ----
for file in "$src"/*.c; do
    "$CLANG" "${cflags[@]}" -c "$file" -o "$work/host-$(basename "$file" .c).o"
done
echo "host ($(uname -m)) compile of $src: no warnings"

# ---- aarch64 build ----
arm=(--target=aarch64-linux-gnu "${cflags[@]}")
objects=()
for file in "$src"/*.c; do
    object="$work/arm64-$(basename "$file" .c).o"
    "$CLANG" "${arm[@]}" -c "$file" -o "$object"
    objects+=("$object")
done
"$CLANG" "${arm[@]}" -c Tests/ARM64KernelCheck/driver.c -o "$work/driver.o"
"$CLANG" --target=aarch64-linux-gnu -fuse-ld=lld -static "$work/driver.o" "${objects[@]}" -o "$work/driver"
echo "aarch64 compile of $src and the driver: no warnings"

# ---- Instructions per nonce in each kernel's main loop (the longest backward branch) ----
if command -v python3 >/dev/null; then
    for kernel in armsha2:4 neon:4; do
        name="${kernel%%:*}" nonces="${kernel##*:}"
        "$OBJDUMP" -d --no-show-raw-insn "$work/arm64-scan_$name.o" | python3 -c '
import collections, re, sys
name, nonces = sys.argv[1], int(sys.argv[2])
insns, inside = [], False
for line in sys.stdin:
    if re.match(r"^[0-9a-f]+ <", line):
        inside = line.rstrip().endswith("<sm_scan_%s>:" % name)
        continue
    m = re.match(r"\s*([0-9a-f]+):\s+(\S+)\s*(.*)", line)
    if inside and m:
        insns.append((int(m.group(1), 16), m.group(2), m.group(3)))
loops = []
for addr, op, args in insns:
    t = re.search(r"0x([0-9a-f]+) <", args)
    if (op == "b" or op.startswith("b.") or op.startswith("cb") or op.startswith("tb")) and t and int(t.group(1), 16) < addr:
        loops.append((addr - int(t.group(1), 16), int(t.group(1), 16), addr))
_, start, end = max(loops)
ops = collections.Counter(op for addr, op, _ in insns if start <= addr <= end)
total = sum(ops.values())
top = ", ".join("%s %d" % (op, n) for op, n in ops.most_common(8))
print("%s: main loop %d instructions for %d nonces = %.0f per nonce (%s)" % (name, total, nonces, total / nonces, top))
' "$name" "$nonces"
    done
fi

# ---- Run under qemu ----
status=0
summary=()
for cpu in ${QEMU_CPUS:-max cortex-a76 cortex-a53}; do
    echo "== qemu-aarch64 -cpu $cpu"
    if timeout 900 qemu-aarch64 -cpu "$cpu" "$work/driver" --expect-auto armsha2 | tee "$work/out-$cpu.txt"; then
        result=PASS
    else
        result=FAIL
        status=1
    fi
    summary+=("$cpu: $(grep '^ARM64 kernel check:' "$work/out-$cpu.txt" | sed 's/^ARM64 kernel check: //' || echo "no summary ($result)")")
done
echo "== ARM64 kernels under qemu-aarch64"
printf '  %s\n' "${summary[@]}"
if [ "$status" = 0 ]; then echo "ARM64 kernel check: PASS"; else echo "ARM64 kernel check: FAIL" >&2; fi
exit "$status"
