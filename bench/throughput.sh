#!/usr/bin/env bash
# Local Kestrel throughput of the API behind the local gateway stage on 127.0.0.1: GET /protected (stage with a
# cached TOKEN authorizer result + ApiGatewayAuthorizer scheme + route check against the in-memory store) vs
# GET /public. Goal: >= 0.85x. The stage is development-only, so this is the JIT Release build with the stage
# compiled in (-p:WithLocalGateway=true); the Native AOT binary Lambda runs has no stage to measure.
# Needs wrk (apt-get install -y wrk). The server is pinned to CPU 0 and wrk to CPU 1 (taskset), and ROUNDS
# alternating runs of each route are taken so machine noise hits both alike; the median ratio is reported.
# Bounded: 10 s warm-up per route (a JIT build: tiered compilation settles first), then ROUNDS x 2 x DURATION.
#   ROUNDS=3 DURATION=5s CONNECTIONS=32 bench/throughput.sh
source "$(dirname "$0")/kestrel-wrk.sh"
PORT=$(free_port)
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
PID=$(start_api "$PORT" RateLimits__Enabled=false)
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT

STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/protected")
[ "$STATUS" = 200 ] || { echo "GET /protected answered $STATUS, expected 200" >&2; exit 1; }

PUBLIC_URL="http://127.0.0.1:$PORT/public"
PROTECTED_URL="http://127.0.0.1:$PORT/protected"
load -d10s "$PUBLIC_URL" >/dev/null                                           # warm-up (tiered JIT)
load -d10s -H "Authorization: Bearer $TOKEN" "$PROTECTED_URL" >/dev/null       # warm-up (tiered JIT; fills the TOKEN cache)

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS rounds (127.0.0.1; server on CPU $PIN_SERVER, wrk on CPU $PIN_LOAD; JIT Release build with the local stage, Production, cached TOKEN result)"
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  PUBLIC=$(load -d"$DURATION" "$PUBLIC_URL" | rps)
  PROTECTED=$(load -d"$DURATION" -H "Authorization: Bearer $TOKEN" "$PROTECTED_URL" | rps)
  RATIO=$(ratio "$PROTECTED" "$PUBLIC")
  RATIOS+=("$RATIO")
  echo "round $round: GET /public $PUBLIC req/s, GET /protected $PROTECTED req/s, ratio ${RATIO}x"
done
median_ratio protected/public 0.85 "${RATIOS[@]}"
