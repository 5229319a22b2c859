#!/usr/bin/env bash
# The whole test suite, as README and CI run it: set-up, static checks (types, lint, formatting,
# unused exports), unit/service tests (Vitest),
# then the real UI in Debian Chromium against browser mode (Playwright). Ends with one summary line
# "tests: N passed, N failed" counted from both runners' JSON reports.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

mkdir -p test-results
status=0
step() { echo; echo "=== $*"; "$@" || { echo "FAILED: $*"; status=1; }; }

step npm run --silent typecheck
step npm run --silent lint
step npm run --silent format:check
step npm run --silent check:exports
step npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
step npm run --silent test:e2e

node scripts/summarise-tests.mjs test-results/vitest.json test-results/playwright.json || status=1
exit $status
