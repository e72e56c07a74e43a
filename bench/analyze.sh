#!/usr/bin/env bash
# `pactoria analyze --all` on a generated workspace (issue #14's target: 2,000 contracts in
# under 30 s, one commit for the batch). Prints the time, the rate, the commits it made and the
# peak RSS. Always exits 0 unless the workspace cannot be made.
#
#   bench/analyze.sh [--contracts 2000] [--bin PATH] [--keep]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
contracts=2000
bin=""
keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --contracts) contracts=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: bench/analyze.sh [--contracts N] [--bin PATH] [--keep]" >&2; exit 64 ;;
  esac
done
if [[ -z $bin ]]; then
  bin=$repo/.build-static/release/pactoria
  if [[ ! -x $bin ]]; then
    echo "building a release binary (once)…" >&2
    (cd "$repo" && swift build -c release --product pactoria --static-swift-stdlib --scratch-path .build-static >&2)
  fi
fi
ws=$(mktemp -d)/ws
[[ $keep == 1 ]] && echo "workspace: $ws" || trap 'rm -rf "$(dirname "$ws")"' EXIT
companies=$(( (contracts + 99) / 100 ))
python3 "$here/genworkspace.py" "$ws" --companies "$companies" --per-company $(( contracts / companies )) --quiet
cd "$ws"
n=$(find companies -name '*.md' | wc -l)
before=$(git rev-list --count HEAD)
tv=()
[[ -x /usr/bin/time ]] && tv=(/usr/bin/time -v -o "$ws/../time.txt")
start=$(date +%s.%N)
NO_COLOR=1 PACTORIA_TRACE=1 "${tv[@]}" "$bin" analyze --all --author "Bench <bench@example.com>" \
  >"$ws/../out.txt" 2>"$ws/../err.txt" || { echo "analyze --all failed:"; tail -3 "$ws/../err.txt"; }
end=$(date +%s.%N)
after=$(git rev-list --count HEAD)
secs=$(echo "$end $start" | awk '{printf "%.2f", $1 - $2}')
echo "machine:   nproc=$(nproc), $(uname -sr)"
echo "pactoria:  $bin"
echo "workspace: $n contracts with content"
echo "analyze --all: ${secs} s, $(echo "$n $secs" | awk '{printf "%.0f", $1 / $2}') contracts/s, $((after - before)) commit(s)"
tail -1 "$ws/../out.txt"
grep '^trace: analyze' "$ws/../err.txt" || true
[[ -f $ws/../time.txt ]] && grep -E 'Maximum resident' "$ws/../time.txt" | awk '{printf "peak RSS: %.0f MB\n", $NF / 1024}'
exit 0
