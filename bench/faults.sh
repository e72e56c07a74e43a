#!/usr/bin/env bash
# The long fault-injection campaign of issue #12 (not run in CI): at least 200 injected faults
# across lifecycle verbs, new, commit, generate, server writes, pull, a full disk and kill -9 at
# random moments, each in a fresh copy of example-repo; prints a table of faults recovered
# without help, with the hinted command, and needing manual repair, plus silent wrong answers.
# Targets: 0 manual repair, 0 silent wrong answers. The fault hook is PACTORIA_FAULT (see
# Sources/PactoriaWorkspace/Store/Fault.swift); the full-disk faults need root (tmpfs mounts).
#
#   bench/faults.sh [--bin PATH] [--kills 200] [--seed 12] [--verbose] [--keep]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
bin=""
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ -z $bin ]]; then
  (cd "$repo" && swift build --product pactoria >&2)
  bin="$(cd "$repo" && swift build --show-bin-path)/pactoria"
fi
command -v git >/dev/null || { echo "faults.sh: needs git (to check the repositories it damages)" >&2; exit 2; }
exec python3 "$here/faults.py" --bin "$bin" --repo "$repo" "${args[@]}"
