#!/usr/bin/env bash
# The first REQUEST decision for a directory user (nothing cached: one ldaps connection, one bind, one search against
# slapd on loopback) beside the first decision for an API key, in the same process and run (DirectoryFirstDecision).
# Usage: bench/directory-first-decision.sh [RUNS]   (default 50). Installs slapd/ldap-utils when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-50}"
tools/install-slapd.sh
dotnet run -c Release --project bench/Authorizers.Benchmarks -- directory-first "$RUNS"
