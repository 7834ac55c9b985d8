#!/usr/bin/env bash
# Installs the SAML IdP the token service's tests run against (tools/saml-idp: samlify + @authenio/samlify-node-xmllint,
# versions pinned in its package.json and package-lock.json) when it is missing or older than the lock file.
# .ci/run and the tests themselves (SamlifyIdp) call this script; Node.js and npm come from apt when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/saml-idp"
if ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi
if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]]; then exit 0; fi
npm ci --no-audit --no-fund --loglevel=error
