#!/usr/bin/env bash
# Cold start of the Native AOT RequestAuthorizer to its first decision (process start → first response through a
# loopback Runtime API) against a DynamoDB-compatible server (moto) on a free loopback port, twice:
#  1. a key from the function's configuration (the seed), without a store and with one (read once: the route table);
#  2. a key only the store knows: credential by hash and route table (read together), then the principal.
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

source bench/moto.sh
start_moto "$OUT/moto.log"
URL=$MOTO_URL

# One principal + api key through the store library itself (also creates the table).
dotnet run -c Release --no-build --project bench/Authorizers.Benchmarks -- seed-store "$URL" "$TABLE" "$OUT/inputs"

COMMON=(--env "AuthorizationStore__TableName=$TABLE" --env "AuthorizationStore__ServiceUrl=$URL"
  --env "AWS_ACCESS_KEY_ID=testing" --env "AWS_SECRET_ACCESS_KEY=testing" --env "AWS_REGION=us-east-1"
  --env "RequestAuthorizer__ApiKeys=$(cat "$OUT/inputs/seed-api-keys.json")" --runs "$RUNS")

# The same binary and key without a store (env -u drops the store settings) is the baseline: the difference is what
# the AWS SDK's first call and one lookup cost.
echo "== REQUEST: AOT RequestAuthorizer, configured key: no store vs one store lookup (route table; moto on $URL) =="
dotnet bench/ColdStart/bin/Release/net10.0/ColdStart.dll \
  --candidate "request-no-store-aot=env -u AuthorizationStore__TableName -u AuthorizationStore__ServiceUrl $OUT/request-aot/RequestAuthorizer" \
  --candidate "request-one-lookup-aot=$OUT/request-aot/RequestAuthorizer" \
  --event "$OUT/inputs/request-seed-event.json" "${COMMON[@]}" ${SHOW_RESPONSE:+--show-response}

echo "== REQUEST: AOT RequestAuthorizer, key only the store knows (credential + route table, then principal) =="
dotnet bench/ColdStart/bin/Release/net10.0/ColdStart.dll \
  --candidate "request-store-key-aot=$OUT/request-aot/RequestAuthorizer" \
  --event "$OUT/inputs/request-store-event.json" "${COMMON[@]}" ${SHOW_RESPONSE:+--show-response}

# What the AWS SDK adds to the function's size: compare with a build of main before the store (8.1 MB, bench/README.md).
echo "RequestAuthorizer AOT binary: $(du -b "$OUT/request-aot/RequestAuthorizer" | awk '{printf "%.2f MB", $1/1048576}')"
