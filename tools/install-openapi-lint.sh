#!/usr/bin/env bash
# Installs @redocly/cli (the OpenAPI linter .ci/run runs on the API's document) from tools/openapi-lint's
# package-lock.json: the one place its version is pinned. Idempotent: skipped when the pinned version is installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/openapi-lint"
if [[ -x node_modules/.bin/redocly ]] && node_modules/.bin/redocly --version 2>/dev/null | grep -qx "$(node -p "require('./package.json').devDependencies['@redocly/cli']")"; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
