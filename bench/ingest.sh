#!/bin/sh
# Builds and runs the ingest benchmarks (needs ffmpeg on PATH for the 1 Mbps media). Arguments pass through:
#   bench/ingest.sh [first-frame runs (20)] [concurrent sessions, comma-separated (10,50,100)] [seconds per load run (20)]
#                   [seconds of the single kvwebrtc ingest process (60; issue 15 judges memory over 300)]
#                   [seconds of the single 1 Mbit/s ingest (60; issue 15 judges memory over 600)] [fresh pwsh processes (5)]
#                   [viewers with one master in the emulator's multi-party session (10; 0 skips it)]
# The single-process section judges the native kvwebrtc (dotnet publish -r linux-x64, which needs clang and zlib1g-dev)
# and prints the framework-dependent kvwebrtc.dll beside it as the reference of the same run.
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$root/bench/KinesisVideoWebRTCStorage.Bench.Ingest/KinesisVideoWebRTCStorage.Bench.Ingest.csproj"
cli="$root/src/KinesisVideoWebRTCStorage.Cli/KinesisVideoWebRTCStorage.Cli.csproj"
module="$root/src/KinesisVideoWebRTCStorage.PowerShell/KinesisVideoWebRTCStorage.PowerShell.csproj"
# The Release module, as users get it, into module/bin (the first Start-KVWebRTCIngest in a fresh pwsh).
KVS_BENCH_MODULE="$root/KinesisVideoWebRTCStorage.psd1"
export KVS_BENCH_MODULE
native="$root/artifacts/kvwebrtc/linux-x64"
build="dotnet build -c Release -v q -nologo '$project' && dotnet build -c Release -v q -nologo '$cli' && dotnet build -c Release -v q -nologo '$module'"
if command -v clang >/dev/null 2>&1; then
  build="$build && dotnet publish -c Release -r linux-x64 -v q -nologo -o '$native' '$cli'"
  KVS_BENCH_NATIVE_CLI="$native/kvwebrtc"
  export KVS_BENCH_NATIVE_CLI
fi
# Build under the shared lock when there is one (several builds share few cores).
if command -v flock >/dev/null 2>&1; then
  flock /tmp/kvs-build.lock sh -c "$build"
else
  sh -c "$build"
fi
dotnet "$root/bench/KinesisVideoWebRTCStorage.Bench.Ingest/bin/Release/net8.0/KinesisVideoWebRTCStorage.Bench.Ingest.dll" \
  "$root/src/KinesisVideoWebRTCStorage.Cli/bin/Release/net8.0/kvwebrtc.dll" "$@"
