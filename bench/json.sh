#!/usr/bin/env bash
# The API's JSON writer against Foundation's JSONEncoder. See bench/README.md.
#
#   bench/json.sh [--size 20] [--iterations 2000]
#
# Compiles bench/json/main.swift with Sources/PactoriaServer/Support/JSONWriter.swift (-O), checks
# that both write the same bytes for a page of contract summaries, and prints the time per page.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
size=20
iterations=2000
while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "json.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -O -o "$out/json-bench" "$here/json/main.swift" "$repo/Sources/PactoriaServer/Support/JSONWriter.swift"
"$out/json-bench" "$size" "$iterations"
