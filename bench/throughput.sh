#!/usr/bin/env bash
# Local Kestrel throughput of the API behind the local gateway stage on 127.0.0.1: GET /protected (stage with a
# cached TOKEN authorizer result + ApiGatewayAuthorizer scheme + route check against the in-memory store) vs
# GET /public. Goal: >= 0.8x. The stage is development-only, so this is the JIT Release build with the stage
# compiled in (-p:WithLocalGateway=true); the Native AOT binary Lambda runs has no stage to measure.
# Needs wrk (apt-get install -y wrk). The server is pinned to CPU 0 and wrk to CPU 1 (taskset), and ROUNDS
# alternating runs of each route are taken so machine noise hits both alike; the median ratio is reported.
# Bounded: 10 s warm-up per route (a JIT build: tiered compilation settles first), then ROUNDS x 2 x DURATION.
#   ROUNDS=3 DURATION=5s CONNECTIONS=32 bench/throughput.sh
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

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KEY=$(head -c 32 /dev/urandom | base64 -w0)
API_KEY_SHA=$(head -c 16 /dev/urandom | sha256sum | cut -d' ' -f1)   # a REQUEST authorizer entry nobody knows
# A short-lived HS256 token for this run only (issuer/audience/key exist only in this process's environment).
TOKEN=$(python3 - "$KEY" <<'PY'
import base64, hashlib, hmac, json, sys, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
claims = b64(json.dumps({"iss": "bench-issuer", "aud": "bench-api", "sub": "bench-user", "role": "user",
                         "permissions": "read", "iat": now, "nbf": now, "exp": now + 600}).encode())
sig = hmac.new(base64.b64decode(sys.argv[1]), f"{header}.{claims}".encode(), hashlib.sha256).digest()
print(f"{header}.{claims}.{b64(sig)}")
PY
)

# Rate limits off: this measures the stage and authorization; bench/ratelimit-throughput.sh measures the limiter.
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning RateLimits__Enabled=false StepUp__DevelopmentKey="$(head -c 32 /dev/urandom | base64)" \
TokenAuthorizer__Issuer=bench-issuer TokenAuthorizer__Audiences=bench-api TokenAuthorizer__SymmetricKey="$KEY" \
RequestAuthorizer__ApiKeys="[{\"sha256\":\"$API_KEY_SHA\",\"principalId\":\"nobody\",\"role\":\"user\",\"permissions\":\"read\"}]" \
  taskset -c "$PIN_SERVER" dotnet "$OUT/SecureApi.dll" --urls "http://127.0.0.1:$PORT" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/public" && break; sleep 0.1; done

STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/protected")
[ "$STATUS" = 200 ] || { echo "GET /protected answered $STATUS, expected 200" >&2; exit 1; }

load() { taskset -c "$PIN_LOAD" wrk -t"$THREADS" -c"$CONNECTIONS" "$@"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
PUBLIC_URL="http://127.0.0.1:$PORT/public"
PROTECTED_URL="http://127.0.0.1:$PORT/protected"
load -d10s "$PUBLIC_URL" >/dev/null                                           # warm-up (tiered JIT)
load -d10s -H "Authorization: Bearer $TOKEN" "$PROTECTED_URL" >/dev/null       # warm-up (tiered JIT; fills the TOKEN cache)

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS rounds (127.0.0.1; server on CPU $PIN_SERVER, wrk on CPU $PIN_LOAD; JIT Release build with the local stage, Production, cached TOKEN result)"
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  PUBLIC=$(load -d"$DURATION" "$PUBLIC_URL" | rps)
  PROTECTED=$(load -d"$DURATION" -H "Authorization: Bearer $TOKEN" "$PROTECTED_URL" | rps)
  RATIO=$(python3 -c "print(f'{float($PROTECTED)/float($PUBLIC):.3f}')")
  RATIOS+=("$RATIO")
  echo "round $round: GET /public $PUBLIC req/s, GET /protected $PROTECTED req/s, ratio ${RATIO}x"
done
python3 -c "import statistics,sys; r=[float(x) for x in sys.argv[1:]]; print(f'median protected/public = {statistics.median(r):.2f}x (goal >= 0.80x)')" "${RATIOS[@]}"
