#!/usr/bin/env bash
# Lints the OpenAPI document `dotnet run` serves, as a client generator's user would: starts the API (Debug build,
# Development, local stage in front) on a free loopback port, saves /openapi/v1.json to artifacts/openapi/v1.json,
# stops the API and runs @redocly/cli lint (recommended rules, tools/openapi-lint/redocly.yaml). Any error fails;
# so does an operation-4xx-response warning (every operation lists the problem responses it can give).
# Usage: bash tools/openapi-lint/lint.sh [--no-build]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$PWD"
OUT="$ROOT/artifacts/openapi"
mkdir -p "$OUT"
bash tools/install-openapi-lint.sh

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log="$OUT/api.log"
ASPNETCORE_ENVIRONMENT=Development dotnet run --project src/SecureApi/SecureApi.csproj --no-launch-profile ${1:-} \
  --urls "http://127.0.0.1:$port" >"$log" 2>&1 &
api_pid=$!
trap 'kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$port/openapi/v1.json" -o "$OUT/v1.json" 2>/dev/null; then break; fi
  kill -0 "$api_pid" 2>/dev/null || { cat "$log"; echo "the API stopped before serving its OpenAPI document" >&2; exit 1; }
  sleep 0.5
done
[[ -s "$OUT/v1.json" ]] || { cat "$log"; echo "no OpenAPI document from the API" >&2; exit 1; }

cd tools/openapi-lint
set +e
NO_COLOR=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly lint "$OUT/v1.json" \
  --config redocly.yaml --format stylish >"$OUT/lint.txt" 2>&1
lint_rc=$?
set -e
cat "$OUT/lint.txt"
if [[ $lint_rc -ne 0 ]]; then echo "OpenAPI lint: errors (above)" >&2; exit 1; fi
if grep -q 'operation-4xx-response' "$OUT/lint.txt"; then echo "OpenAPI lint: an operation declares no 4xx response" >&2; exit 1; fi
echo "OpenAPI lint: no errors"
