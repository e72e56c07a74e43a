#!/usr/bin/env bash
# The analyser's figures on the labelled corpus: gap precision and recall, risk-band accuracy and
# the false "compliant" rate, per contract type and overall (issue #14). Usage:
#   bench/eval.sh [--verbose] [--json] [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PACTORIA_BIN:-}
if [ -z "$bin" ]; then
  swift build --product pactoria >/dev/null
  bin="$(swift build --show-bin-path)/pactoria"
fi
args=()
dir=Tests/Fixtures/corpus
for a in "$@"; do
  case "$a" in
    --*) args+=("$a") ;;
    *) dir=$a ;;
  esac
done
exec "$bin" eval "${args[@]}" "$dir"
