#!/usr/bin/env bash
# Kestrel throughput of a rate-limited route vs the same route unlimited: GET /public (limited per source address
# by the "plan" policy, in-memory counters, a default plan high enough never to refuse) on one API process vs the
# same build with RateLimits__Enabled=false on another. Goal: limited/unlimited >= 0.90x.
# JIT Release build with the local stage compiled in (as bench/throughput.sh). Needs wrk. The servers are pinned to
# CPU 0 and wrk to CPU 1; ROUNDS alternating runs of each are taken and the median ratio reported.
#   ROUNDS=3 DURATION=5s CONNECTIONS=32 bench/ratelimit-throughput.sh
source "$(dirname "$0")/kestrel-wrk.sh"
# A default plan high enough never to refuse; the unlimited server runs the same build with the limits off.
PLAN=(RateLimits__DefaultPlan__RatePerSecond=100000 RateLimits__DefaultPlan__Burst=1000000 RateLimits__DefaultPlan__Quota=2000000000)
LIMITED_PORT=$(free_port)
OPEN_PORT=$(free_port)
LIMITED_PID=$(start_api "$LIMITED_PORT" RateLimits__Enabled=true "${PLAN[@]}")
OPEN_PID=$(start_api "$OPEN_PORT" RateLimits__Enabled=false "${PLAN[@]}")
trap 'kill $LIMITED_PID $OPEN_PID 2>/dev/null; wait $LIMITED_PID $OPEN_PID 2>/dev/null || true' EXIT
curl -s -D - -o /dev/null "http://127.0.0.1:$LIMITED_PORT/public" | grep -qi '^RateLimit:' || { echo "the limited server sent no RateLimit field" >&2; exit 1; }
! curl -s -D - -o /dev/null "http://127.0.0.1:$OPEN_PORT/public" | grep -qi '^RateLimit:' || { echo "the unlimited server is limiting" >&2; exit 1; }

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
  RATIO=$(ratio "$LIMITED" "$OPEN")
  RATIOS+=("$RATIO")
  echo "round $round: unlimited $OPEN req/s, limited $LIMITED req/s, ratio ${RATIO}x"
done
median_ratio limited/unlimited 0.90 "${RATIOS[@]}"
