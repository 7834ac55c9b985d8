#!/usr/bin/env bash
# Cold start of the SecureApi function (process start -> first proxy response through a loopback Runtime API), all
# candidates interleaved in one run of the bench/ColdStart harness:
#   aot-in-memory  Native AOT, in-memory store and a development step-up key (no AWS calls; no deployment runs so);
#   aot-deployed   the same binary configured as serverless.template deploys it: AuthorizationStore__TableName and
#                  StepUp__KmsKeyId, here against moto on loopback (DynamoDB table + KMS key), credentials and region
#                  from the environment as Lambda sets them;
#   jit            the in-memory configuration published without AOT (framework-dependent JIT); JIT=0 leaves it out.
# Two events: GET /public (no authorizer context; rate-limited per source address, so one counter write when
# deployed) and GET /protected with requestContext.authorizer as API Gateway sends it (route table, principal,
# counters). Goals: AOT p50 <= 25 ms and <= 0.1x JIT; aot-deployed <= 1.2x aot-in-memory.
# BASELINE=<folder of another AOT publish> adds that build in both configurations (base-in-memory, base-deployed)
# to the same interleaved run, for a before/after under the same load.
# Needs moto_server (pip install 'moto[server]').
#   RUNS=20 JIT=0 bench/coldstart-api.sh
#   BASELINE=/tmp/main-aot RUNS=15 JIT=0 bench/coldstart-api.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-20}
JIT=${JIT:-1}
AOT=$ROOT/artifacts/api-aot
JIT_OUT=$ROOT/artifacts/api-jit
TABLE=authz-bench

dotnet publish "$ROOT/src/SecureApi" -c Release -r linux-x64 -o "$AOT" -nologo -v quiet
[ "$JIT" = 0 ] || dotnet publish "$ROOT/src/SecureApi" -c Release -p:PublishAot=false -o "$JIT_OUT" -nologo -v quiet
dotnet build "$ROOT/bench/ColdStart" -c Release -nologo -v quiet
dotnet build "$ROOT/bench/Authorizers.Benchmarks" -c Release -nologo -v quiet

source "$ROOT/bench/moto.sh"
start_moto "$ROOT/artifacts/api-moto.log"
# The table through the store library (seed-store also stores a principal and a key the API never reads here).
dotnet run -c Release --no-build --project "$ROOT/bench/Authorizers.Benchmarks" -- seed-store "$MOTO_URL" "$TABLE" "$ROOT/artifacts/api-seed" >/dev/null
KMS_KEY=$(moto_kms_key)

DEV_KEY=$(head -c 32 /dev/urandom | base64 -w0)
IN_MEMORY="env StepUp__DevelopmentKey=$DEV_KEY"
DEPLOYED="env AuthorizationStore__TableName=$TABLE AuthorizationStore__ServiceUrl=$MOTO_URL StepUp__KmsKeyId=$KMS_KEY StepUp__KmsServiceUrl=$MOTO_URL AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing"
CANDIDATES=(--candidate "aot-in-memory=$IN_MEMORY $AOT/SecureApi" --candidate "aot-deployed=$DEPLOYED $AOT/SecureApi")
[ "$JIT" = 0 ] || CANDIDATES+=(--candidate "jit=$IN_MEMORY dotnet $JIT_OUT/SecureApi.dll")
if [ -n "${BASELINE:-}" ]; then
  # Its own table: the two builds' rate-limit counters (one item per source address or principal) must not meet,
  # or each would find items in the other's shape.
  dotnet run -c Release --no-build --project "$ROOT/bench/Authorizers.Benchmarks" -- seed-store "$MOTO_URL" "$TABLE-base" "$ROOT/artifacts/api-seed-base" >/dev/null
  CANDIDATES+=(--candidate "base-in-memory=$IN_MEMORY $BASELINE/SecureApi" --candidate "base-deployed=${DEPLOYED/TableName=$TABLE/TableName=$TABLE-base} $BASELINE/SecureApi")
fi

# The functions start in the AOT publish folder, as Lambda starts them in /var/task (the content root).
cd "$AOT"
for EVENT in public protected; do
  echo "== GET /$EVENT (moto on $MOTO_URL; load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
  dotnet "$ROOT/bench/ColdStart/bin/Release/net10.0/ColdStart.dll" "${CANDIDATES[@]}" \
    --event "$ROOT/bench/api-$EVENT-event.json" --runs "$RUNS" \
    --env ASPNETCORE_ENVIRONMENT=Production --env Logging__LogLevel__Default=Warning ${SHOW_RESPONSE:+--show-response}
done
