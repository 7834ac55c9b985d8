#!/usr/bin/env bash
# The in-process probe (bench/Api.Benchmarks --probe) as the function runs it: Native AOT. PipelineBenchmarks'
# GET /public, /protected and /protected/admin (event JSON → LambdaServer → response JSON), CPU time per request in
# seven interleaved rounds once every route is warm, and bytes. CPU time, not the wall clock, and interleaved rounds:
# on a shared host BenchmarkDotNet's Native AOT job moves by several µs between iterations when a neighbour runs,
# which hides a 1.3× goal (bench/README.md#the-protected-paths-cost). RUNS probes of one binary, one line each.
#   RUNS=3 bench/aot-probe.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
# Inside the repository: the probe's local-stage part reads serverless.template from the repository root.
OUT=bench/Api.Benchmarks/bin/aot-probe
rm -rf "$OUT"; mkdir -p "$OUT"
# The benchmark project pulls in BenchmarkDotNet and the token service, neither of which is AOT-clean; the API's own
# projects publish with zero warnings in their own builds (.ci/run). Warnings are not errors in this measurement build.
RestoreSources=${RestoreSources:-$HOME/.nuget/packages} dotnet publish bench/Api.Benchmarks -c Release -r linux-x64 \
  -p:PublishAot=true -p:IlcVersion=10.0.12 -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= -o "$OUT" >"$OUT/publish.log" 2>&1 \
  || { tail -20 "$OUT/publish.log" >&2; exit 1; }
for run in $(seq "$RUNS"); do
  "$OUT/Api.Benchmarks" --probe | awk -v run="$run" '
    /^\/public +[0-9]/ && !b { bytes_public = $2 } /^\/protected +[0-9]/ && !b { bytes_protected = $2; b = 1 }
    /interleaved rounds/ { r = 1; next }
    r && /^\/public / { pub = $2 } r && /^\/protected / { prot = $2; ratio = $4 } r && /^\/protected\/admin / { adm = $2; aratio = $4; r = 0 }
    END { printf "run %d: CPU µs /public %s, /protected %s (%s), /protected/admin %s (%s); bytes %s / %s (%.2f×)\n", run, pub, prot, ratio, adm, aratio, bytes_public, bytes_protected, bytes_protected / bytes_public }'
done
