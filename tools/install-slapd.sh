#!/usr/bin/env bash
# Installs OpenLDAP's server and client tools (Debian packages slapd, ldap-utils) when missing, for the directory
# tests (tests/SecureApi.Authorizers.Tests/Directory, Category=Integration). The packages' own post-install
# configuration is skipped: the tests start slapd from a configuration they generate in a temp folder.
set -euo pipefail
if command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ]; then
  if command -v ldapsearch >/dev/null 2>&1; then exit 0; fi
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
# No debconf questions (admin password, domain): the packaged database is never used.
echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends slapd ldap-utils >/dev/null
# The package starts a system slapd on :389 when it can; the tests never use it.
$SUDO service slapd stop >/dev/null 2>&1 || true
