#!/usr/bin/env bash
# Installs the loopback OpenID providers of the TOKEN authorizer's integration tests (tools/oidc-provider:
# panva/oidc-provider, pinned in package.json and package-lock.json) when they are missing. Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/oidc-provider"
if [ -f node_modules/oidc-provider/package.json ] && node -e 'process.exit(require("./node_modules/oidc-provider/package.json").version === "9.13.3" ? 0 : 1)'; then
  exit 0
fi
npm ci --no-audit --no-fund --ignore-scripts
