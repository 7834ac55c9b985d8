#!/usr/bin/env bash
# Cold start of the Native AOT RequestAuthorizer to its first decision (process start → first response through a
# loopback Runtime API), the same binary and settings, two events: an API key, and Authorization: Basic checked
# against slapd on loopback over ldaps (TLS handshake, bind, read of the entry's memberOf). Shows that the AOT
# function loads the native OpenLDAP client and decides Allow (--show-response prints the answers).
# Usage: bench/coldstart-directory.sh [RUNS]   (default 20). Installs slapd/ldap-utils when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-20}"
OUT=artifacts/coldstart-directory
rm -rf "$OUT/slapd" && mkdir -p "$OUT"
tools/install-slapd.sh

dotnet publish authorizers/RequestAuthorizer -c Release -r linux-x64 -o "$OUT/request-aot" -v quiet -nologo
dotnet build bench/ColdStart -c Release -v quiet -nologo
dotnet build bench/Authorizers.Benchmarks -c Release -v quiet -nologo

dotnet run -c Release --no-build --project bench/Authorizers.Benchmarks -- serve-slapd "$OUT/slapd" &
SERVER_PID=$!
trap 'touch "$OUT/slapd/stop"; wait "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -f "$OUT/slapd/ready" ] && break; sleep 0.1; done
[ -f "$OUT/slapd/ready" ] || { echo "slapd did not start" >&2; exit 1; }

COMMON=(--env "RequestAuthorizer__ApiKeys=$(cat "$OUT/slapd/api-keys.json")"
  --env "Directory__Url=$(cat "$OUT/slapd/url.txt")"
  --env "Directory__BindDnTemplate=$(cat "$OUT/slapd/bind-dn-template.txt")"
  --env "Directory__GroupRoleMap=$(cat "$OUT/slapd/group-role-map.json")"
  --env "Directory__TrustedCaCertificates=$(cat "$OUT/slapd/ca.pem")"
  --runs "$RUNS" ${SHOW_RESPONSE:+--show-response})

echo "== REQUEST (AOT): first decision for an API key =="
dotnet bench/ColdStart/bin/Release/net10.0/ColdStart.dll --candidate "request-apikey-aot=$OUT/request-aot/RequestAuthorizer" \
  --event "$OUT/slapd/request-apikey-event.json" "${COMMON[@]}"
echo "== REQUEST (AOT): first decision for a directory user (ldaps bind + entry read) =="
dotnet bench/ColdStart/bin/Release/net10.0/ColdStart.dll --candidate "request-directory-aot=$OUT/request-aot/RequestAuthorizer" \
  --event "$OUT/slapd/request-directory-event.json" "${COMMON[@]}"
