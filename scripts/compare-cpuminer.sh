#!/usr/bin/env bash
# Side by side with cpuminer-opt: alternating runs of `swiftminer bench` and cpuminer-opt's own
# sha256d benchmark, on the same threads for the same time, and the medians and their ratio.
#
#   scripts/compare-cpuminer.sh CPUMINER [SWIFTMINER] [THREADS...]
#
# CPUMINER is a cpuminer-opt binary you built yourself (Docs/PERFORMANCE.md says how);
# SWIFTMINER defaults to .build/release/swiftminer (`swift build -c release`); THREADS defaults to
# "1 N" with N the number of cores. RUNS (default 3), SECONDS_PER_RUN (default 10) and KERNEL
# (default auto) may be set in the environment. Run it on a quiet machine: the ratio is what
# means something, and only when both sides ran under the same load.
set -euo pipefail
cpuminer="${1:?usage: scripts/compare-cpuminer.sh CPUMINER [SWIFTMINER] [THREADS...]}"
swiftminer="${2:-.build/release/swiftminer}"
shift $(( $# >= 2 ? 2 : $# ))
threads=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(1 "$(nproc)")
runs="${RUNS:-3}"
seconds="${SECONDS_PER_RUN:-10}"
kernel="${KERNEL:-auto}"
[ -x "$cpuminer" ] || { echo "not an executable: $cpuminer" >&2; exit 2; }
[ -x "$swiftminer" ] || { echo "not an executable: $swiftminer (swift build -c release)" >&2; exit 2; }

# MH/s from `bench --json` (hashes per second, all threads).
swift_rate() {
    "$swiftminer" bench --kernel "$kernel" --threads "$1" --seconds "$seconds" --json |
        python3 -c 'import json, sys; print("%.2f" % (json.load(sys.stdin)["hashrate"] / 1e6))'
}

# MH/s from cpuminer-opt's last "Benchmark" line (its unit may be h/s, kh/s, Mh/s or Gh/s).
cpuminer_rate() {
    "$cpuminer" -a sha256d --benchmark --time-limit="$seconds" -t "$1" 2>&1 |
        python3 -c '
import re, sys
scale = {"": 1e-6, "k": 1e-3, "m": 1.0, "g": 1e3}
rate = None
for line in sys.stdin:
    if "benchmark" not in line.lower():
        continue
    found = re.findall(r"([0-9]+(?:\.[0-9]+)?)\s*([kmg]?)h/s", line, re.IGNORECASE)
    if found:
        value, prefix = found[-1]
        rate = float(value) * scale[prefix.lower()]
if rate is None:
    sys.exit("no Benchmark line with a hash rate in cpuminer-opt output")
print("%.2f" % rate)'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "swiftminer: $swiftminer (kernel $kernel)"
echo "cpuminer-opt: $cpuminer"
echo "runs: $runs alternating, ${seconds} s each"
printf '| threads | swiftminer bench | cpuminer-opt sha256d | ratio |\n|---|---|---|---|\n'
for t in "${threads[@]}"; do
    ours=(); theirs=()
    for _ in $(seq "$runs"); do
        ours+=("$(swift_rate "$t")")
        theirs+=("$(cpuminer_rate "$t")")
    done
    a="$(median "${ours[@]}")"; b="$(median "${theirs[@]}")"
    ratio="$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
    printf '| %s | %s MH/s (%s) | %s MH/s (%s) | %s× |\n' "$t" "$a" "${ours[*]}" "$b" "${theirs[*]}" "$ratio"
done
