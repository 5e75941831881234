#!/bin/sh
# SRTP benchmark: libsrtp2 srtp_protect and the physical ceiling (OpenSSL's AES-128-CTR, HMAC-SHA1 and AES-128-GCM on
# 1200-byte buffers, measured in the same run) vs our SrtpSession.ProtectRtp with AES-CM and AES-GCM, plus
# packetize+protect per keyframe.
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
# openssl speed prints thousands of bytes per second in its last column ("...k"); MB/s is that over 1000. The best of
# three runs, as ours is the best of its rounds: the machine's other load only ever slows a run down.
openssl_mbps() {
    for run in 1 2 3; do openssl speed -seconds 2 -bytes 1200 "$@" 2>/dev/null | tail -1; done |
        awk '{ v = $NF; sub(/k$/, "", v); if (v > best) best = v } END { printf "%.1f", best / 1000 }'
}
ctr=$(openssl_mbps -evp aes-128-ctr)
hmac=$(openssl_mbps -hmac sha1)
gcm=$(openssl_mbps -evp aes-128-gcm)
dotnet "$out/dotnet/KinesisVideoWebRTCStorage.Bench.Srtp.dll" --libsrtp-mbps "$mbps" --libsrtp-vector "$vector" \
    --libsrtp-wrap "$wrap" --libsrtp-rtcp "$rtcp" --openssl-ctr "$ctr" --openssl-hmac "$hmac" --openssl-gcm "$gcm"
