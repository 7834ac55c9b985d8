#!/usr/bin/env bash
# Kestrel throughput of a rate-limited route vs the same route unlimited: GET /public (limited per source address
# by the "plan" policy, in-memory counters, a default plan high enough never to refuse) on one API process vs the
# same build with RateLimits__Enabled=false on another. Goal: limited/unlimited >= 0.90x.
# JIT Release build with the local stage compiled in (as bench/throughput.sh). Needs wrk. The servers are pinned to
# CPU 0 and wrk to CPU 1; ROUNDS alternating runs of each are taken and the median ratio reported.
#   ROUNDS=3 DURATION=5s CONNECTIONS=32 bench/ratelimit-throughput.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PIN_SERVER=${PIN_SERVER:-0}
PIN_LOAD=${PIN_LOAD:-1}
OUT=$ROOT/artifacts/api-local
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 2; }

dotnet publish "$ROOT/src/SecureApi" -c Release -p:PublishAot=false -p:WithLocalGateway=true -o "$OUT" -nologo -v quiet

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
LIMITED_PORT=$(free_port)
OPEN_PORT=$(free_port)
KEY=$(head -c 32 /dev/urandom | base64 -w0)                          # the stage's TOKEN authorizer needs settings; no token is sent
API_KEY_SHA=$(head -c 16 /dev/urandom | sha256sum | cut -d' ' -f1)
start() { # port, RateLimits__Enabled
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  TokenAuthorizer__Issuer=bench-issuer TokenAuthorizer__Audiences=bench-api TokenAuthorizer__SymmetricKey="$KEY" \
  RequestAuthorizer__ApiKeys="[{\"sha256\":\"$API_KEY_SHA\",\"principalId\":\"nobody\",\"role\":\"user\",\"permissions\":\"read\"}]" \
  RateLimits__Enabled="$2" RateLimits__DefaultPlan__RatePerSecond=100000 RateLimits__DefaultPlan__Burst=1000000 \
  RateLimits__DefaultPlan__Quota=2000000000 StepUp__DevelopmentKey="$(head -c 32 /dev/urandom | base64 -w0)" \
    taskset -c "$PIN_SERVER" dotnet "$OUT/SecureApi.dll" --urls "http://127.0.0.1:$1" >/dev/null 2>&1 &
  echo $!
}
LIMITED_PID=$(start "$LIMITED_PORT" true)
OPEN_PID=$(start "$OPEN_PORT" false)
trap 'kill $LIMITED_PID $OPEN_PID 2>/dev/null; wait $LIMITED_PID $OPEN_PID 2>/dev/null || true' EXIT
for port in "$LIMITED_PORT" "$OPEN_PORT"; do
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/public" && break; sleep 0.1; done
done
curl -s -D - -o /dev/null "http://127.0.0.1:$LIMITED_PORT/public" | grep -qi '^RateLimit:' || { echo "the limited server sent no RateLimit field" >&2; exit 1; }
! curl -s -D - -o /dev/null "http://127.0.0.1:$OPEN_PORT/public" | grep -qi '^RateLimit:' || { echo "the unlimited server is limiting" >&2; exit 1; }

load() { taskset -c "$PIN_LOAD" wrk -t"$THREADS" -c"$CONNECTIONS" "$@"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
non2xx() { awk '/Non-2xx/ {print $5}'; }
LIMITED_URL="http://127.0.0.1:$LIMITED_PORT/public"
OPEN_URL="http://127.0.0.1:$OPEN_PORT/public"
load -d10s "$OPEN_URL" >/dev/null      # warm-up (tiered JIT)
load -d10s "$LIMITED_URL" >/dev/null

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS rounds (127.0.0.1; servers on CPU $PIN_SERVER, wrk on CPU $PIN_LOAD; JIT Release build, Production, in-memory counters)"
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  OPEN=$(load -d"$DURATION" "$OPEN_URL" | rps)
  OUTPUT=$(load -d"$DURATION" "$LIMITED_URL")
  LIMITED=$(echo "$OUTPUT" | rps)
  REFUSED=$(echo "$OUTPUT" | non2xx)
  [ -z "$REFUSED" ] || { echo "the limited route answered $REFUSED non-2xx responses: the plan is not roomy enough" >&2; exit 1; }
  RATIO=$(python3 -c "print(f'{float($LIMITED)/float($OPEN):.3f}')")
  RATIOS+=("$RATIO")
  echo "round $round: unlimited $OPEN req/s, limited $LIMITED req/s, ratio ${RATIO}x"
done
python3 -c "import statistics,sys; r=[float(x) for x in sys.argv[1:]]; print(f'median limited/unlimited = {statistics.median(r):.2f}x (goal >= 0.90x)')" "${RATIOS[@]}"
