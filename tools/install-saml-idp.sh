#!/usr/bin/env bash
# Installs the SAML IdP the token service's tests run against (tools/saml-idp: samlify + @authenio/samlify-node-xmllint,
# versions pinned in its package.json and package-lock.json) when it is missing or older than the lock file.
# .ci/run and the tests themselves (SamlifyIdp) call this script; it needs node and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/saml-idp"
command -v npm >/dev/null || { echo "npm not found: install Node.js 20+ to run the SAML tests" >&2; exit 1; }
if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]]; then exit 0; fi
npm ci --no-audit --no-fund --loglevel=error
