#!/usr/bin/env bash
# Fails when the committed man page or shell completions (Docs/) differ from what the argument
# parser of the given binary generates now: regenerates them into a temporary directory with
# scripts/generate-docs.sh and compares.
#
#   scripts/check-docs-current.sh [PATH/TO/swiftminer]     # default .build/release/swiftminer
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$repo/.build/release/swiftminer}
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT

"$repo/scripts/generate-docs.sh" "$binary" "$fresh" >/dev/null
status=0
for file in man/swiftminer.1 completions/swiftminer.bash completions/_swiftminer completions/swiftminer.fish; do
    if [ ! -f "$repo/Docs/$file" ]; then
        echo "  [FAIL] Docs/$file is missing"; status=1
    elif ! diff -u "$repo/Docs/$file" "$fresh/$file" > "$fresh/diff"; then
        echo "  [FAIL] Docs/$file is stale:"; head -n 40 "$fresh/diff"; status=1
    else
        echo "  [ok] Docs/$file is current ($(wc -l < "$repo/Docs/$file") lines)"
    fi
done
# Nothing generated that is not committed, and nothing committed that is no longer generated.
extra=$(diff -rq "$repo/Docs/man" "$fresh/man"; diff -rq "$repo/Docs/completions" "$fresh/completions") || true
if [ -n "$extra" ]; then echo "  [FAIL] Docs/ and the generated files differ: $extra"; status=1; fi
if [ "$status" -ne 0 ]; then
    echo "check-docs-current: run scripts/generate-docs.sh and commit Docs/" >&2
    exit 1
fi
echo "check-docs-current: OK"
