#!/usr/bin/env bash
# Sealed contracts against unsealed ones (issue #16): warm `status` and `list` within 1.5x, and
# `commit` of one contract within 2x, with every contract of the workspace sealed.
#
#   bench/sealed.sh WORKSPACE [BIN] [RUNS]
#
# WORKSPACE is copied twice (never written to): one copy stays plain, every company of the other
# is sealed with `pactoria seal` (one commit per company). Then, on each copy: RUNS warm runs of
# `status` and `list --status active` (medians), and RUNS commits of a one-line edit to one
# contract's Markdown. Prints both sides and the ratio. Always exits 0.
set -u
ws=${1:?usage: bench/sealed.sh WORKSPACE [BIN] [RUNS]}
bin=${2:-.build-static/release/pactoria}
runs=${3:-7}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PACTORIA_MASTER_KEY=$(python3 -c 'import os; print(os.urandom(32).hex())')
export PACTORIA_AUTHOR="Bench <bench@example.co.uk>"

cp -a "$ws" "$tmp/plain"
cp -a "$ws" "$tmp/sealed"
start=$(date +%s.%N)
for c in $(ls "$tmp/sealed/companies"); do
    (cd "$tmp/sealed" && "$bin" seal "$c" >/dev/null 2>&1) || echo "seal $c failed"
done
end=$(date +%s.%N)
echo "sealed $(ls "$tmp/sealed/companies" | wc -l) companies in $(python3 -c "print(round($end-$start,1))") s"

median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.stdin.read().split()]; print(round(statistics.median(v),1))'; }
timeit() { # dir, args...
    local dir=$1; shift
    for i in $(seq "$runs"); do
        local s=$(date +%s%N); (cd "$dir" && "$bin" "$@" >/dev/null 2>&1); local e=$(date +%s%N)
        echo $(( (e - s) / 1000000 ))
    done | median
}
commit_one() { # dir
    local dir=$1
    # A draft (an active contract's content may not change without being finalized again).
    local yaml=$(grep -l '^status: draft' "$dir"/companies/company-001/contracts/*.yaml | head -1)
    local md=${yaml%.yaml}.md
    for i in $(seq "$runs"); do
        echo "Edit $i." >> "$md"
        local s=$(date +%s%N); (cd "$dir" && "$bin" commit -m "Edit $i" >/dev/null 2>&1) || echo "commit failed in $dir" >&2
        local e=$(date +%s%N)
        echo $(( (e - s) / 1000000 ))
    done | median
}

printf '%-28s %10s %10s %7s %8s\n' operation "plain ms" "sealed ms" ratio target
for d in plain sealed; do (cd "$tmp/$d" && "$bin" status >/dev/null 2>&1 && "$bin" list >/dev/null 2>&1); done
row() { # label, target, plain, sealed
    printf '%-28s %10s %10s %7s %8s\n' "$1" "$3" "$4" "$(python3 -c "print(round($4/max($3,0.1),2))")" "$2"
}
row "status (warm)" "<=1.5x" "$(timeit "$tmp/plain" status)" "$(timeit "$tmp/sealed" status)"
row "list --status active (warm)" "<=1.5x" "$(timeit "$tmp/plain" list --status active)" \
    "$(timeit "$tmp/sealed" list --status active)"
row "commit of one contract" "<=2x" "$(commit_one "$tmp/plain")" "$(commit_one "$tmp/sealed")"
objects=$(cd "$tmp/sealed" && git cat-file --batch-all-objects --batch-check | wc -l)
sealed=$(cd "$tmp/sealed" && git ls-tree -r HEAD --name-only companies | head -200 \
    | while read -r p; do git cat-file -p "HEAD:$p" | grep -q 'BEGIN PACTORIA SEALED' && echo x; done | wc -l)
echo "sealed files among the first 200 contract files at HEAD: $sealed/200 ($objects objects in the repository)"
