#!/usr/bin/env bash
# Installs the Debian packages Pactoria builds against, if any is missing.
# libgit2-dev (git), libcurl4-openssl-dev (HTTP), libssl-dev (libcrypto), libyaml-dev (YAML), pkg-config;
# for the tests: chromium (the report in a real browser) and python3 (decoding its screenshot).
set -euo pipefail

missing=()
for pkg in libgit2-dev libcurl4-openssl-dev libssl-dev libyaml-dev pkg-config git chromium python3; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
