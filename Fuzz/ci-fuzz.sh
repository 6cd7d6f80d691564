#!/usr/bin/env bash
# CI: a bounded fuzz pass. Builds the libFuzzer target, replays Fuzz/regressions/ and the seed
# corpus, then fuzzes for FUZZ_SECONDS (default 60). Exits non-zero on any crash: a trap,
# a broken fuzz invariant (fatalError) or an AddressSanitizer report (libFuzzer's own exit
# status); the crash input is left in Fuzz/crashes/ for the CI artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_BUDGET="${FUZZ_SECONDS:-60}"
SCRATCH="${FUZZ_SCRATCH_PATH:-.build-fuzz}"
swift build --scratch-path "$SCRATCH" -c release --product StratumFuzzer \
    --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DSTRATUM_LIBFUZZER
BIN="$(swift build --scratch-path "$SCRATCH" -c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address --show-bin-path)/StratumFuzzer"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
mkdir -p Fuzz/crashes
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if compgen -G "Fuzz/regressions/*" > /dev/null; then
    "$BIN" -runs=0 Fuzz/regressions/*
fi
"$BIN" -artifact_prefix=Fuzz/crashes/ -max_len=8192 -max_total_time="$SECONDS_BUDGET" \
    -print_final_stats=1 "$WORK" Fuzz/corpus
echo "ci-fuzz: no crash in ${SECONDS_BUDGET} s"
