#!/usr/bin/env bash
# Cold start (process start → first response through a loopback Runtime API) of the Native AOT TOKEN authorizer with
# six registered issuers, beside bench/ColdStart/EchoFunction (an AOT function that only echoes the event on our
# runtime), in the same interleaved run. Issue 23's goal: TOKEN (6 issuers) ≤ 1.5× the echo function.
# The token comes from the sixth issuer (static JWKS); the other five name a JWKS URL that is never fetched: no
# issuer's keys are fetched before its first token.
# Usage: bench/coldstart-token-issuers.sh [RUNS]   (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-20}"
OUT=artifacts/coldstart-token-issuers
mkdir -p "$OUT"

dotnet publish authorizers/TokenAuthorizer -c Release -r linux-x64 -o "$OUT/token-aot" -v quiet -nologo
dotnet publish bench/ColdStart/EchoFunction -c Release -r linux-x64 -o "$OUT/echo-aot" -v quiet -nologo
dotnet build bench/ColdStart -c Release -v quiet -nologo
dotnet run -c Release --project bench/Authorizers.Benchmarks -v quiet -- mint "$OUT/inputs"

ISSUERS=()
for i in 0 1 2 3 4; do
  ISSUERS+=(--env "TokenAuthorizer__Issuers__${i}__Name=idp-$i"
            --env "TokenAuthorizer__Issuers__${i}__Issuer=https://idp-$i.example.test/"
            --env "TokenAuthorizer__Issuers__${i}__Audiences=secure-api"
            --env "TokenAuthorizer__Issuers__${i}__JwksUri=https://idp-$i.example.test/jwks.json")
done

echo "== TOKEN (6 issuers) vs EchoFunction (same run, interleaved; the first candidate is the ratio's baseline) =="
dotnet bench/ColdStart/bin/Release/net10.0/ColdStart.dll \
  --candidate "echo-aot=$OUT/echo-aot/EchoFunction" \
  --candidate "token-aot-6-issuers=$OUT/token-aot/TokenAuthorizer" \
  "${ISSUERS[@]}" \
  --env "TokenAuthorizer__Issuers__5__Name=bench" \
  --env "TokenAuthorizer__Issuers__5__Issuer=$(cat "$OUT/inputs/issuer.txt")" \
  --env "TokenAuthorizer__Issuers__5__Audiences=$(cat "$OUT/inputs/audience.txt")" \
  --env "TokenAuthorizer__Issuers__5__Jwks=$(cat "$OUT/inputs/jwks.json")" \
  --event "$OUT/inputs/token-event.json" --runs "$RUNS"
