# Shared by bench/throughput.sh and bench/ratelimit-throughput.sh (sourced, not run): the JIT Release build of the
# API with the local stage compiled in, started on loopback pinned to one CPU, and wrk pinned to the other.
# Settings (environment): ROUNDS (3), DURATION (5s), CONNECTIONS (32), THREADS (1), PIN_SERVER (0), PIN_LOAD (1).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PIN_SERVER=${PIN_SERVER:-0}
PIN_LOAD=${PIN_LOAD:-1}
OUT=$ROOT/artifacts/api-local
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 2; }

dotnet publish "$ROOT/src/SecureApi" -c Release -p:PublishAot=false -p:WithLocalGateway=true -o "$OUT" -nologo -v quiet

# Settings the stage's authorizers need, made up for this run only: an HS256 key (TOKEN) and a REQUEST entry nobody knows.
KEY=$(head -c 32 /dev/urandom | base64 -w0)
API_KEY_SHA=$(head -c 16 /dev/urandom | sha256sum | cut -d' ' -f1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_api PORT [NAME=VALUE ...]: the API in Production on PORT (pinned to PIN_SERVER) with the extra settings;
# prints its pid once GET /public answers.
start_api() {
  local port=$1; shift
  env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    TokenAuthorizer__Issuer=bench-issuer TokenAuthorizer__Audiences=bench-api TokenAuthorizer__SymmetricKey="$KEY" \
    RequestAuthorizer__ApiKeys="[{\"sha256\":\"$API_KEY_SHA\",\"principalId\":\"nobody\",\"role\":\"user\",\"permissions\":\"read\"}]" \
    StepUp__DevelopmentKey="$(head -c 32 /dev/urandom | base64 -w0)" "$@" \
    taskset -c "$PIN_SERVER" dotnet "$OUT/SecureApi.dll" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/public" && break; sleep 0.1; done
  echo "$pid"
}

load() { taskset -c "$PIN_LOAD" wrk -t"$THREADS" -c"$CONNECTIONS" "$@"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
ratio() { python3 -c "print(f'{float($1)/float($2):.3f}')"; }
# median_ratio LABEL GOAL RATIO...: the line each script ends with.
median_ratio() {
  local label=$1 goal=$2; shift 2
  python3 -c "import statistics,sys; r=[float(x) for x in sys.argv[1:]]; print(f'median $label = {statistics.median(r):.2f}x (goal >= ${goal}x)')" "$@"
}
