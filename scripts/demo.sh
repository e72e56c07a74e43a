#!/usr/bin/env bash
# A tour on a copy of example-repo: the everyday verbs, the lifecycle rules, templates,
# generation and analysis, the audit trail, CI checks, and offline work synced through a remote.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product pactoria
bin="$(swift build --show-bin-path)/pactoria"
root="$(mktemp -d)"
demo="$root/example-workspace"
cp -r example-repo "$demo"
export PACTORIA_AUTHOR="${PACTORIA_AUTHOR:-Demo User <demo@example.co.uk>}"
export PACTORIA_TEMPLATES="$PWD/templates"
run() { printf '\n\033[1m$ pactoria %s\033[0m\n' "$*"; (cd "$demo" && "$bin" "$@"); }
# A command that is meant to be refused: show the refusal and its exit code, and carry on.
refused() { printf '\n\033[1m$ pactoria %s\033[0m   (expected to be refused)\n' "$*"; (cd "$demo" && "$bin" "$@") || echo "exit code $?"; }

run init
run status
run list --status active
run log -n 3
# Renewal terms (`renewal:`): the harbour appointment renews itself, the lease needs notice.
run expiring --days 240
run queue --days 120
run calendar --ics "$root/contracts.ics"

# The lifecycle rules hold however a change arrives: a hand edit of an active contract's fee.
active=website-redesign-services-agreement
yaml="$demo/companies/brickline-digital/contracts/$active.yaml"
sed -i 's/amount: "24500.00"/amount: "26500.00"/' "$yaml"
printf '\n(edited %s by hand: the fee of an active contract raised to 26,500.00)\n' "$active"
run status
refused commit -m "Raise the fee"
(cd "$demo" && git checkout -q -- "companies/brickline-digital/contracts/$active.yaml")

# A new contract from a template, generated from plain English, analysed, and taken to active.
run recommend "I run a web development consultancy and need contracts for client projects" --top 2
run new --company brickline-digital --title "Shopify Build for Acme Trading" --template template-it-001 \
  --client "Acme Trading Ltd" --client-email legal@acmetrading.co.uk --value 12000.00 --start 2027-02-01 \
  --input "Build and launch a Shopify store over three months, £4,000 a month, including product import and staff training"
new=shopify-build-for-acme-trading
run commit -m "Draft the Acme Shopify build"
run generate "$new"
run analyze "$new"
run submit "$new"
refused activate "$new"
run finalize "$new"
run activate "$new"
run audit --contract "$new"
run diff "$new" HEAD~4 HEAD --exit-code || true

# Analytics from the files and the history: now, per month, and as of an earlier date; the report.
run analytics business
run analytics series contracts_created --period monthly --days 90
run analytics compliance --company brickline-digital
run list --status active --as-of "$(cd "$demo" && git log -1 --format=%cs HEAD~3)"
run report --html "$root/report.html"
printf '(report written to %s: one HTML page with inline SVG charts; it opens offline and prints on A4)\n' "$root/report.html"

# CI: check every commit of a branch and summarise it for a pull request.
run check --base HEAD~6
run review --base HEAD~6 | head -40

# Offline work: a remote, a push, a second clone that diverges, and a field-by-field merge.
git init -q --bare -b main "$root/remote.git"
run remote add origin "$root/remote.git"
run push
printf '\n\033[1m$ pactoria clone %s %s\033[0m   (a second machine)\n' "$root/remote.git" "$root/laptop"
"$bin" clone "$root/remote.git" "$root/laptop"
care=website-care-plan-agreement
(cd "$root/laptop" && "$bin" submit "$care" -q)
(cd "$root/laptop" && "$bin" push -q)
sed -i 's/amount: "7800.00"/amount: "8400.00"/' "$demo/companies/brickline-digital/contracts/$care.yaml"
run commit -m "Care plan: agree the new monthly fee"
refused push
run pull
run log "$care" -n 3
run push
run status

# A crash in the middle of a write (simulated with the test-only fault hook): nothing half-done.
drone=drone-survey-subcontract-agreement
printf '\n\033[1m$ PACTORIA_FAULT=write.after-files pactoria submit %s\033[0m   (killed after writing its files)\n' "$drone"
(cd "$demo" && PACTORIA_FAULT=write.after-files "$bin" submit "$drone") || echo "killed (exit code $?)"
run status
run submit "$drone"
run log "$drone" -n 1
# Generation without a template: the recommender picks one, the parties land in their roles, and
# what the brief did not say is listed to complete. Then the analyser against the labelled corpus.
run new --company ancoats-bakehouse --title "Barista Employment Contract" --type employment_contract \
  --client "Sam Taylor" \
  --input "Part-time barista, 20 hours a week at £11.44 an hour, one month probation, starting 6 January 2027 at our Ancoats café"
run generate barista-employment-contract
run analyze barista-employment-contract
run eval "$PWD/Tests/Fixtures/corpus"
run analyze --all
# Data protection: seal a company (ciphertext in git, plaintext in the working tree), see what a
# retention obligation keeps (an erasure it covers is refused), and find a data subject.
export PACTORIA_MASTER_KEY="${PACTORIA_MASTER_KEY:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}"
run seal brickline-digital
printf '\n\033[1m$ git show HEAD:companies/brickline-digital/contracts/website-care-plan-agreement.md | sed -n 1,4p\033[0m   (what git and the remote hold)\n'
(cd "$demo" && git show HEAD:companies/brickline-digital/contracts/website-care-plan-agreement.md | sed -n '1,4p')
run show website-care-plan-agreement | sed -n '1,12p'
run retention | sed -n '1,8p'
refused gdpr erase "Grace Whitworth" --reason "Article 17 request received 2026-11-30"
run gdpr find "Sam Taylor" | sed -n '1,6p'
printf '\nThe demo workspace is at %s (a git repository: try `git -C %s log --graph`).\n' "$demo" "$demo"
