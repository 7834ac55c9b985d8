#!/usr/bin/env bash
# Cold start of the Native AOT RequestAuthorizer to its first decision for a key that only the authorization store
# knows: process start → first response through a loopback Runtime API, including the store lookups (credential by
# hash, principal, route table: GetItem each) against a DynamoDB-compatible server (moto) on a free loopback port.
# Usage: bench/coldstart-request-store.sh [RUNS]   (default 20). Needs moto_server (pip install 'moto[server]').
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-20}"
OUT=artifacts/coldstart-request-store
TABLE=authz-bench
mkdir -p "$OUT"

dotnet publish authorizers/RequestAuthorizer -c Release -r linux-x64 -o "$OUT/request-aot" -v quiet -nologo
dotnet build bench/ColdStart -c Release -v quiet -nologo
dotnet build bench/Authorizers.Benchmarks -c Release -v quiet -nologo

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"
moto_server -H 127.0.0.1 -p "$PORT" >"$OUT/moto.log" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "$URL/moto-api/" && break; sleep 0.1; done

# One principal + api key through the store library itself (also creates the table).
dotnet run -c Release --no-build --project bench/Authorizers.Benchmarks -- seed-store "$URL" "$TABLE" "$OUT/inputs"

echo "== REQUEST: AOT RequestAuthorizer, key from the store (moto on $URL) =="
dotnet bench/ColdStart/bin/Release/net10.0/ColdStart.dll \
  --candidate "request-store-aot=$OUT/request-aot/RequestAuthorizer" \
  --env "AuthorizationStore__TableName=$TABLE" \
  --env "AuthorizationStore__ServiceUrl=$URL" \
  --env "AWS_ACCESS_KEY_ID=testing" --env "AWS_SECRET_ACCESS_KEY=testing" --env "AWS_REGION=us-east-1" \
  --event "$OUT/inputs/request-store-event.json" --runs "$RUNS"
