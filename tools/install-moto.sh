#!/usr/bin/env bash
# Installs moto's server (the loopback DynamoDB/KMS-compatible server of the store, API and end-to-end tests) when
# python3 cannot import it. The one place its version is pinned: .ci/run and the tests themselves call this script.
set -euo pipefail
if python3 -c 'import moto.server' >/dev/null 2>&1; then exit 0; fi
python3 -m pip install --quiet --disable-pip-version-check 'moto[server]==5.2.1'
