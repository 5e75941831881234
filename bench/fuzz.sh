#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that reads network or file input (issue 13): SharpFuzz instruments the
# built KinesisVideoWebRTCStorage.Core.dll and AFL++ drives each target of fuzz/KinesisVideoWebRTCStorage.Fuzz for a
# bounded time from its committed seed corpus. Prints one line per target (executions, corpus, edges, crashes, hangs)
# and exits 1 if any target crashed or hung; a finding is replayed with
#   dotnet <work>/bin/KinesisVideoWebRTCStorage.Fuzz.dll <target> <file>
# and then belongs in the test suite as a regression test. CI does not run this.
#
#   bash bench/fuzz.sh [seconds per target (60)] [targets, e.g. "stun rtcp" (all)]
#
# Needs afl++ (apt-get install afl++) and the SharpFuzz.CommandLine tool (installed here if missing).
# KVS_FUZZ_KEEP=1 keeps the work folder (instrumented build, AFL output with its queue, crashes and hangs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
targets="${2:-stun channeldata rtp rtcp sdp dtls-record signaling sigv4-presigned h264-rtp annexb ogg matroska}"

if ! command -v afl-fuzz >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y --no-install-recommends afl++ >/dev/null
    else echo "bench/fuzz.sh: afl-fuzz is missing: apt-get install afl++" >&2; exit 2; fi
fi
export PATH="$PATH:$HOME/.dotnet/tools"
command -v sharpfuzz >/dev/null 2>&1 || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null

work="$(mktemp -d /tmp/kvs-fuzz.XXXXXX)"
if [ "${KVS_FUZZ_KEEP:-}" = 1 ]; then echo "bench/fuzz.sh: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi

build="dotnet build -c Release -v q -nologo '$root/fuzz/KinesisVideoWebRTCStorage.Fuzz' -o '$work/bin'"
if command -v flock >/dev/null 2>&1; then flock /tmp/kvs-build.lock sh -c "$build" >/dev/null; else sh -c "$build" >/dev/null; fi
# Only our code is instrumented: coverage of the runtime or of BouncyCastle would only dilute the map.
sharpfuzz "$work/bin/KinesisVideoWebRTCStorage.Core.dll" >/dev/null

# dotnet itself is not instrumented (the coverage map comes from the instrumented assembly), and this harness has no
# core dumps or CPU governor to tune.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export DOTNET_TieredPGO=0 DOTNET_TieredCompilation=0

findings=0
mkdir -p "$work/out"
printf '%-16s %8s %10s %8s %8s %8s %6s\n' target seconds execs corpus edges crashes hangs
for target in $targets; do
    seeds=$(dotnet "$work/bin/KinesisVideoWebRTCStorage.Fuzz.dll" --seeds "$target")
    out="$work/out/$target"
    afl-fuzz -V "$seconds" -i "$root/$seeds" -o "$out" -t 5000 -m none -- dotnet "$work/bin/KinesisVideoWebRTCStorage.Fuzz.dll" "$target" \
        >"$work/$target.log" 2>&1 || { echo "$target: afl-fuzz did not run:"; tail -20 "$work/$target.log"; exit 2; }
    stats="$out/default/fuzzer_stats"
    value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
    crashes=$(find "$out/default/crashes" -type f -name 'id:*' | wc -l)
    hangs=$(find "$out/default/hangs" -type f -name 'id:*' | wc -l)
    printf '%-16s %8s %10s %8s %8s %8s %6s\n' "$target" "$(value run_time)" "$(value execs_done)" "$(value corpus_count)" "$(value edges_found)" "$crashes" "$hangs"
    if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
        findings=$((findings + crashes + hangs))
        find "$out/default/crashes" "$out/default/hangs" -type f -name 'id:*' | head -5 | sed 's/^/    finding: /'
    fi
done
if [ "$findings" -gt 0 ]; then
    echo "bench/fuzz.sh: $findings findings; kept in $work"
    trap - EXIT
    exit 1
fi
echo "bench/fuzz.sh: no findings in $seconds s per target"
