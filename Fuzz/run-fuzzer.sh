#!/usr/bin/env bash
# Builds the libFuzzer target (release, AddressSanitizer) and fuzzes with the seed corpus.
#
#   Fuzz/run-fuzzer.sh                 # 10 million inputs: -runs=10000000
#   Fuzz/run-fuzzer.sh 600             # a number alone: -max_total_time=600 (seconds)
#   Fuzz/run-fuzzer.sh -runs=100000 -jobs=2 -workers=2   # any libFuzzer flags
#   FUZZ_ASAN=0 Fuzz/run-fuzzer.sh -runs=5000000 -jobs=2 -workers=2   # without ASan, ~3x faster
#
# New interesting inputs go to Fuzz/corpus-work/ (git-ignored), the seed corpus Fuzz/corpus/ is
# only read. Crash inputs are written to Fuzz/crashes/ (crash-<sha1>); after fixing, keep each as
# Fuzz/regressions/<name> with a named XCTest (Tests/*/FuzzRegressionTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
# FUZZ_ASAN=0: coverage instrumentation only (no AddressSanitizer), about 3x the inputs per
# second; Swift's own bounds and overflow traps still fire. Used for the long runs.
if [[ "${FUZZ_ASAN:-1}" == 0 ]]; then
    SCRATCH="${FUZZ_SCRATCH_PATH:-.build-fuzz-plain}"
    FLAGS=(--sanitize=fuzzer)
else
    SCRATCH="${FUZZ_SCRATCH_PATH:-.build-fuzz}"
    FLAGS=(--sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address)
fi
swift build --scratch-path "$SCRATCH" -c release --product StratumFuzzer "${FLAGS[@]}" -Xswiftc -DSTRATUM_LIBFUZZER
BIN="$(swift build --scratch-path "$SCRATCH" -c release "${FLAGS[@]}" --show-bin-path)/StratumFuzzer"

if [[ $# -eq 0 ]]; then
    set -- -runs=10000000
elif [[ $# -eq 1 && "$1" =~ ^[0-9]+$ ]]; then
    set -- "-max_total_time=$1"
fi
mkdir -p Fuzz/corpus-work Fuzz/crashes
# Replay the kept regressions first: each must pass.
if compgen -G "Fuzz/regressions/*" > /dev/null; then
    "$BIN" -runs=0 Fuzz/regressions/*
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
exec "$BIN" -artifact_prefix=Fuzz/crashes/ -max_len=8192 -print_final_stats=1 "$@" Fuzz/corpus-work Fuzz/corpus
