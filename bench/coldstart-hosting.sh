#!/usr/bin/env bash
# Cold start of an ASP.NET Core app on AddLambdaHosting (samples/HostingSample, GET /hello):
# Native AOT vs JIT side by side, interleaved, in one run of the bench/ColdStart harness
# (process start → first POST /invocation/{id}/response on a loopback Runtime API double).
# Usage: bench/coldstart-hosting.sh [runs]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
out=artifacts/hosting-sample

dotnet publish samples/HostingSample -c Release -r linux-x64 -o "$out-aot"                          # PublishAot=true
dotnet publish samples/HostingSample -c Release -p:PublishAot=false -o "$out-jit"                  # framework-dependent JIT
dotnet build bench/ColdStart -c Release

dotnet bench/ColdStart/bin/Release/net10.0/ColdStart.dll \
  --candidate aot="$out-aot/HostingSample" \
  --candidate jit="dotnet $out-jit/HostingSample.dll" \
  --event samples/HostingSample/hello-event.json \
  --runs "$runs"
