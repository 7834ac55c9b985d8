#!/usr/bin/env bash
# Cold start of the SecureApi function (process start -> first proxy response through a loopback Runtime API),
# Native AOT vs the same app published without AOT (framework-dependent JIT), interleaved in one run.
# Goals: AOT p50 <= 25 ms and <= 0.1x JIT. Uses the runtime branch's bench/ColdStart harness.
#   RUNS=20 bench/coldstart-api.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-20}
AOT=$ROOT/artifacts/api-aot
JIT=$ROOT/artifacts/api-jit

dotnet publish "$ROOT/src/SecureApi" -c Release -r linux-x64 -o "$AOT" -nologo -v quiet
dotnet publish "$ROOT/src/SecureApi" -c Release -p:PublishAot=false -o "$JIT" -nologo -v quiet
dotnet build "$ROOT/bench/ColdStart" -c Release -nologo -v quiet

# The event is GET /protected with requestContext.authorizer as API Gateway sends it, so the first response
# exercises hosting, the ApiGatewayAuthorizer scheme, the route policy and the endpoint. The functions start in
# the AOT publish folder, as Lambda starts them in /var/task (the content root; not the repository).
cd "$AOT"
dotnet "$ROOT/bench/ColdStart/bin/Release/net10.0/ColdStart.dll" \
  --candidate aot="$AOT/SecureApi" \
  --candidate jit="dotnet $JIT/SecureApi.dll" \
  --event "$ROOT/bench/api-protected-event.json" \
  --runs "$RUNS" \
  --env ASPNETCORE_ENVIRONMENT=Production \
  --env StepUp__DevelopmentKey="$(head -c 32 /dev/urandom | base64)" \
  --env Logging__LogLevel__Default=Warning
