#!/bin/sh
# SRTP benchmark: libsrtp2 srtp_protect vs our SrtpSession.ProtectRtp in one run, plus packetize+protect per keyframe.
# Needs gcc, pkg-config and libsrtp2-dev (Debian: apt-get install libsrtp2-dev pkg-config). Builds take the shared lock.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/out"
mkdir -p "$out"

gcc -O2 -o "$out/libsrtp_bench" "$here/srtp/libsrtp_bench.c" $(pkg-config --cflags --libs libsrtp2)
flock /tmp/kvs-build.lock dotnet build -c Release -v quiet -nologo "$here/KinesisVideoWebRTCStorage.Bench.Srtp" -o "$out/dotnet" >/dev/null

reference=$("$out/libsrtp_bench")
mbps=$(echo "$reference" | awk '$1 == "protect_mbps" { print $2 }')
vector=$(echo "$reference" | awk '$1 == "vector" { print $2 }')
wrap=$(echo "$reference" | awk '$1 == "wrap" { print $2 }' | paste -sd, -)
rtcp=$(echo "$reference" | awk '$1 == "rtcp" { print $2 }')
dotnet "$out/dotnet/KinesisVideoWebRTCStorage.Bench.Srtp.dll" --libsrtp-mbps "$mbps" --libsrtp-vector "$vector" \
    --libsrtp-wrap "$wrap" --libsrtp-rtcp "$rtcp"
