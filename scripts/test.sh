#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds (the end-to-end tests run the built
# `pactoria` binary), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
