#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the browser tests (tests/SecureApi.Browser.Tests drive it through
# Playwright for .NET with ExecutablePath=/usr/bin/chromium; no browser download). Only when it is missing.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
