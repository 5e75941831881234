#!/bin/sh
# Builds and runs the ingest benchmarks (needs ffmpeg on PATH for the 1 Mbps media). Arguments pass through:
#   bench/ingest.sh [first-frame runs (20)] [concurrent sessions, comma-separated (10,50,100)] [seconds per load run (20)]
#                   [seconds of the single kvwebrtc ingest process (60; issue 15 judges memory over 300)]
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$root/bench/KinesisVideoWebRTCStorage.Bench.Ingest/KinesisVideoWebRTCStorage.Bench.Ingest.csproj"
cli="$root/src/KinesisVideoWebRTCStorage.Cli/KinesisVideoWebRTCStorage.Cli.csproj"
# Build under the shared lock when there is one (several builds share few cores).
if command -v flock >/dev/null 2>&1; then
  flock /tmp/kvs-build.lock sh -c "dotnet build -c Release -v q -nologo '$project' && dotnet build -c Release -v q -nologo '$cli'"
else
  dotnet build -c Release -v q -nologo "$project" && dotnet build -c Release -v q -nologo "$cli"
fi
dotnet "$root/bench/KinesisVideoWebRTCStorage.Bench.Ingest/bin/Release/net8.0/KinesisVideoWebRTCStorage.Bench.Ingest.dll" \
  "$root/src/KinesisVideoWebRTCStorage.Cli/bin/Release/net8.0/kvwebrtc.dll" "$@"
