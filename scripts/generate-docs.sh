#!/usr/bin/env bash
# Regenerates the man page and the shell completions from swiftminer's argument parser:
#   Docs/man/swiftminer.1               generate-manual (swift-argument-parser's tool), one page
#   Docs/completions/swiftminer.bash    swiftminer --generate-completion-script bash
#   Docs/completions/_swiftminer        ... zsh
#   Docs/completions/swiftminer.fish    ... fish
# Run it after changing a command, option or help text, and commit the result;
# scripts/check-docs-current.sh fails while they are stale.
#
#   scripts/generate-docs.sh [PATH/TO/swiftminer] [OUTPUT_DIR]
#
# The binary defaults to .build/release/swiftminer (built by `make`). generate-manual is built
# once from the swift-argument-parser checkout this package resolved (.build/checkouts), into
# .build/docs-tools, so it matches the parser the binary was built with and needs no network.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
binary=$(realpath "${1:-$repo/.build/release/swiftminer}")
out=${2:-$repo/Docs}
# The man page's date (.Dd): fixed, so that regenerating gives the same file on any day.
man_date=2026-01-01

[ -x "$binary" ] || { echo "generate-docs: $binary is not an executable (run make first)" >&2; exit 1; }

parser_checkout=$repo/.build/checkouts/swift-argument-parser
tools=$repo/.build/docs-tools
generate_manual=$tools/release/generate-manual
if [ ! -x "$generate_manual" ] || [ "$parser_checkout/Package.swift" -nt "$generate_manual" ]; then
    [ -f "$parser_checkout/Package.swift" ] \
        || (cd "$repo" && swift package resolve >/dev/null) \
        || { echo "generate-docs: no swift-argument-parser checkout in .build/checkouts" >&2; exit 1; }
    echo "generate-docs: building generate-manual ($(git -C "$parser_checkout" describe --tags 2>/dev/null || echo checkout))"
    swift build -c release --package-path "$parser_checkout" --scratch-path "$tools" --product generate-manual >/dev/null
fi

mkdir -p "$out/man" "$out/completions"
"$generate_manual" "$binary" --date "$man_date" --output-directory "$out/man"
"$binary" --generate-completion-script bash > "$out/completions/swiftminer.bash"
"$binary" --generate-completion-script zsh > "$out/completions/_swiftminer"
"$binary" --generate-completion-script fish > "$out/completions/swiftminer.fish"
echo "generate-docs: wrote $out/man/swiftminer.1 and $out/completions/{swiftminer.bash,_swiftminer,swiftminer.fish}"
