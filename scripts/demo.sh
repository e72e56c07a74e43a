#!/usr/bin/env bash
# A short tour on a copy of example-repo: init, status, list, log, a change, commit, diff.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product pactoria
bin="$(swift build --show-bin-path)/pactoria"
demo="$(mktemp -d)/example-workspace"
cp -r example-repo "$demo"
export PACTORIA_AUTHOR="${PACTORIA_AUTHOR:-Demo User <demo@example.co.uk>}"
run() { printf '\n\033[1m$ pactoria %s\033[0m\n' "$*"; (cd "$demo" && "$bin" "$@"); }

run init
run status
run list --status active
run log -n 5
contract=website-redesign-services-agreement
md="$demo/companies/brickline-digital/contracts/$contract.md"
printf '\n## 14. Accessibility\n\nThe Supplier shall build the website to meet WCAG 2.2 level AA.\n' >> "$md"
sed -i 's/^status: active$/status: active/; s/amount: "24500.00"/amount: "26500.00"/' \
  "$demo/companies/brickline-digital/contracts/$contract.yaml"
printf '\n(edited %s: a new accessibility clause, and the fee raised to 26,500.00)\n' "$contract"
run status
run commit -m "Add accessibility clause and revise the fee"
run log "$contract"
run diff "$contract" HEAD~1 HEAD
run show "$contract" --version 3 --json | head -20
printf '\nThe demo workspace is at %s (a git repository: try `git -C %s log`).\n' "$demo" "$demo"
