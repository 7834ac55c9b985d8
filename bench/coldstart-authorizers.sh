#!/usr/bin/env bash
# Cold start (process start → first response through a loopback Runtime API) of both Native AOT authorizers,
# with the recipe's Python token authorizer side by side in the same interleaved run.
# Usage: bench/coldstart-authorizers.sh [RUNS]   (default 20). Needs python3 on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-20}"
OUT=artifacts/coldstart-authorizers
mkdir -p "$OUT"

dotnet publish authorizers/TokenAuthorizer -c Release -r linux-x64 -o "$OUT/token-aot" -v quiet -nologo
dotnet publish authorizers/RequestAuthorizer -c Release -r linux-x64 -o "$OUT/request-aot" -v quiet -nologo
dotnet build bench/ColdStart -c Release -v quiet -nologo
dotnet run -c Release --project bench/Authorizers.Benchmarks -v quiet -- mint "$OUT/inputs"

# The real interpreter, not a pyenv/asdf shim script (a shim would add its own start-up to Python's figure).
PYTHON="$(pyenv which python3 2>/dev/null || command -v python3)"
COLDSTART=bench/ColdStart/bin/Release/net10.0/ColdStart.dll

echo "== TOKEN: AOT TokenAuthorizer vs the recipe's Python token authorizer (same run, interleaved) =="
dotnet "$COLDSTART" \
  --candidate "token-aot=$OUT/token-aot/TokenAuthorizer" \
  --candidate "python-recipe=$PYTHON bench/recipe/runtime_loop.py" \
  --env "TokenAuthorizer__Issuer=$(cat "$OUT/inputs/issuer.txt")" \
  --env "TokenAuthorizer__Audiences=$(cat "$OUT/inputs/audience.txt")" \
  --env "TokenAuthorizer__Jwks=$(cat "$OUT/inputs/jwks.json")" \
  --env "RECIPE_DEMO_TOKEN=user-token" \
  --event "$OUT/inputs/token-event.json" --runs "$RUNS"

echo "== REQUEST: AOT RequestAuthorizer =="
dotnet "$COLDSTART" \
  --candidate "request-aot=$OUT/request-aot/RequestAuthorizer" \
  --env "RequestAuthorizer__ApiKeys=$(cat "$OUT/inputs/api-keys.json")" \
  --event "$OUT/inputs/request-event.json" --runs "$RUNS"
