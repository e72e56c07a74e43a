#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds (the end-to-end tests run the built
# `pactoria` binary), then runs every test. A compiler warning in a project target (Sources/ or
# Tests/) fails the build step: the count stays at 0.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift build --build-tests 2>&1 | tee "$log"
warnings=$(grep -E "^$PWD/(Sources|Tests)/[^:]+:[0-9]+:[0-9]+: warning:" "$log" | sort -u || true)
if [[ -n $warnings ]]; then
  echo "$warnings" >&2
  echo "test.sh: $(echo "$warnings" | wc -l) compiler warning(s) in project targets; the build must have none" >&2
  exit 1
fi
swift test --skip-build "$@"
