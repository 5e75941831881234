#!/bin/sh
# Builds and runs the media benchmarks (needs ffmpeg on PATH). Arguments pass through:
#   bench/media.sh [pacing seconds (10)] [big file seconds (120)] [work directory]
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$root/bench/KinesisVideoWebRTCStorage.Bench.Media/KinesisVideoWebRTCStorage.Bench.Media.csproj"
# Build under the shared lock when there is one (several builds share few cores).
if command -v flock >/dev/null 2>&1; then
  flock /tmp/kvs-build.lock dotnet build -c Release -v q -nologo "$project"
else
  dotnet build -c Release -v q -nologo "$project"
fi
dotnet "$root/bench/KinesisVideoWebRTCStorage.Bench.Media/bin/Release/net8.0/KinesisVideoWebRTCStorage.Bench.Media.dll" "$@"
