#!/usr/bin/env bash
# Compressed soak test: the real daemon against LocalPool (a job every second, the connection cut
# every few seconds) for a few minutes; RSS and open fds must stay flat after the warm-up.
#
#   scripts/soak.sh                       # 180 s, sample every 10 s, cut every 4 s
#   SWIFTMINER_SOAK_SECONDS=600 scripts/soak.sh
#
# Other knobs (see Tests/MinerDaemonTests/SoakTests.swift): SWIFTMINER_SOAK_SAMPLE_SECONDS,
# SWIFTMINER_SOAK_RECONNECT_SECONDS, SWIFTMINER_SOAK_WARMUP_SECONDS,
# SWIFTMINER_SOAK_MAX_RSS_GROWTH_MB, SWIFTMINER_SOAK_MAX_FD_DRIFT. Extra arguments go to `swift test`
# (for example `--scratch-path .build-soak` or `-c release`).
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFTMINER_SOAK=1
export SWIFTMINER_SOAK_SECONDS="${SWIFTMINER_SOAK_SECONDS:-180}"
exec swift test "$@" --filter 'MinerDaemonTests.SoakTests'
