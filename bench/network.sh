#!/usr/bin/env bash
# Ingest through a real impaired uplink (shared/docs/network-lab.md): each scenario runs the emulator and
# `kvwebrtc ingest` inside a private network namespace whose loopback is capped by a tc tbf token bucket (MTU 1500)
# and/or loses UDP at random through nft, then judges the recording, not the sender's counters: video frames
# recorded, decode errors and the longest freeze (the largest gap between recorded video frames, or the media time no
# recording reaches). Each scenario runs twice, with congestion control on (the default) and with
# `--congestion-control off` (the reference: the ingest as it was before congestion control), and ends with an
# acceptance line against the scenario's bar.
#
#   sudo bash bench/network.sh [seconds per scenario (40)] [scenario letters, e.g. "a c" (all)]
#
# KVS_BENCH_KEEP=1 keeps the work folder (each run's ingest log with its --verbose estimate trace, summary JSON and
# recordings) and prints where it is.
#
#   a) live source (ffmpeg lavfi, transcoded) asking --video-bitrate 2500 through a 1500 kbit/s link
#   b) 2 Mbit/s pre-encoded file through 1500 kbit/s
#   c) live source asking 2500 kbit/s; link 3000 kbit/s, 800 kbit/s from 1/3 of the run, 3000 kbit/s again from 2/3
#   d) 1 Mbit/s file, 10 % random UDP loss, no cap
#   e) 1 Mbit/s file through 1200 and through 900 kbit/s (the rows measured before congestion control)
#
# Settle times come from the summary's VideoBitrateChanges (the encoder's target each time it changed, "At" seconds
# after the ingest started): after a drop, the seconds until the target is at or below 90 % of the new link rate; after
# a recovery, until it is back at or above 80 % of the target it had just before the drop (or of --video-bitrate when
# it had none). Link changes are placed on the ingest's clock through the summary's StartTime. In (a) the link is
# short of --video-bitrate from the start, so that settle time counts from the encoder's first target.
#
# A run whose flags this kvwebrtc does not know (--congestion-control, --video-bitrate come with congestion control)
# is not started and says so; a run that fails prints the ingest's error instead of figures.
#
# Needs root, iproute2 (ip, tc), nftables, ffmpeg and the .NET SDK. Nothing leaves the machine: all traffic stays
# on the namespace's own loopback, which is deleted afterwards.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-40}"
shift || true
selected="${*:-a b c d e}"
case "$seconds" in '' | *[!0-9]*) echo "bench/network.sh: the seconds argument must be a whole number, not '$seconds'" >&2; exit 2 ;; esac

if [ "$(id -u)" != 0 ]; then echo "bench/network.sh: needs root for ip netns, tc and nft" >&2; exit 2; fi
for tool in ip tc nft ffmpeg ffprobe dotnet python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench/network.sh: $tool is missing (apt-get install iproute2 nftables ffmpeg)" >&2; exit 2; }
done

cli_project="$root/src/KinesisVideoWebRTCStorage.Cli/KinesisVideoWebRTCStorage.Cli.csproj"
build_log="$(mktemp)"
if ! { if command -v flock >/dev/null 2>&1; then flock /tmp/kvs-build.lock dotnet build -c Release -v q -nologo "$cli_project"; \
       else dotnet build -c Release -v q -nologo "$cli_project"; fi; } > "$build_log" 2>&1; then
    grep -E "error|Error" "$build_log" | sort -u | head -20 >&2
    echo "bench/network.sh: the CLI does not build (above); nothing was run" >&2
    rm -f "$build_log"
    exit 1
fi
rm -f "$build_log"
cli="$root/src/KinesisVideoWebRTCStorage.Cli/bin/Release/net8.0/kvwebrtc.dll"
ingest_help="$(dotnet "$cli" ingest --help 2>&1 || true)"
# Whether this kvwebrtc's ingest takes an option (its --help lists each as "  --name <value>  description").
has_option() { grep -qE -- "(^|[[:space:],])$1([[:space:],]|$)" <<<"$ingest_help"; }

work="$(mktemp -d /tmp/kvs-network-bench.XXXXXX)"
namespace="kvbench$$"
shaper=""
stop_shaper() {
    if [ -n "$shaper" ]; then
        kill $(ps -o pid= --ppid "$shaper" 2>/dev/null) "$shaper" 2>/dev/null || true
        wait "$shaper" 2>/dev/null || true
        shaper=""
    fi
}
cleanup() {
    stop_shaper
    ip netns pids "$namespace" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$namespace" 2>/dev/null || true
    if [ -n "${KVS_BENCH_KEEP:-}" ]; then echo "bench/network.sh: logs, summaries and recordings kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The files: 720p30 constrained-baseline H.264 at 1 and 2 Mbit/s (IDR every 2 s) with Opus, looped. The live source
# of (a) and (c) is ffmpeg's own lavfi test pattern and tone, transcoded by the ingest: it needs no file.
live_uri="testsrc2=size=1280x720:rate=30[out0];sine=frequency=440:sample_rate=48000[out1]"
live_kbps=2500
wants() { case " $selected " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
rates=()
if wants d || wants e; then rates+=(1); fi
if wants b; then rates+=(2); fi
for rate in ${rates[@]+"${rates[@]}"}; do
    ffmpeg -hide_banner -nostdin -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
        -t 30 -c:v libx264 -profile:v baseline -pix_fmt yuv420p -preset veryfast -b:v ${rate}M -maxrate ${rate}M -bufsize ${rate}M \
        -g 60 -bf 0 -c:a libopus -b:a 32k "$work/clip${rate}m.mkv"
done

# Sleeps until AT seconds after the wall-clock time T0 (both may be fractional).
sleep_until() {
    sleep "$(awk -v t0="$1" -v at="$2" -v now="$(date +%s.%N)" 'BEGIN { d = t0 + at - now; if (d < 0) d = 0; printf "%.3f", d }')"
}

# run ID MODE(on|off) MEDIA(file path or "live") LINK-SCHEDULE LOSS(per mille, 0 for none)
# LINK-SCHEDULE is "RATE" (kbit/s, 0 for no cap) or "RATE,RATE@FRACTION,..." (the rate from that fraction of the run).
# Leaves $work/ID.MODE.{status,json,ingest.log,links} and the recordings under $work/ID.MODE/.
run() {
    local id="$1" mode="$2" media="$3" schedule="$4" loss="$5"
    local base="$work/$id.$mode" data="$work/$id.$mode"
    mkdir -p "$data"
    : > "$base.links"
    local args=(--channel-name cam1 --duration "$seconds" --endpoint-url http://127.0.0.1:4566 --region us-west-2)
    if [ -n "${KVS_BENCH_KEEP:-}" ]; then args+=(--verbose); fi
    local needed=()
    if [ "$media" = live ]; then
        args+=(--input-format lavfi --input-uri "$live_uri" --video-bitrate "$live_kbps")
        needed+=(--video-bitrate)
    else
        args+=(--path "$media" --loop)
    fi
    if [ "$mode" = off ]; then
        args+=(--congestion-control off)
        needed+=(--congestion-control)
    fi
    local option
    for option in ${needed[@]+"${needed[@]}"}; do
        if ! has_option "$option"; then
            echo "not run: this kvwebrtc ingest has no $option option yet (it comes with congestion control)" > "$base.status"
            return 0
        fi
    done

    ip netns add "$namespace"
    ip -n "$namespace" link set lo up mtu 1500 # tbf drops what is larger than its burst: keep the MTU real
    local first="${schedule%%,*}"
    if [ "$first" != 0 ]; then
        tc -n "$namespace" qdisc add dev lo root tbf rate "${first}kbit" burst 30kb latency 300ms
    fi
    if [ "$loss" != 0 ]; then
        ip netns exec "$namespace" nft add table inet impair
        ip netns exec "$namespace" nft add chain inet impair out '{ type filter hook output priority 0; }'
        ip netns exec "$namespace" nft add rule inet impair out meta l4proto udp numgen random mod 1000 '<' "$loss" drop
    fi
    ip netns exec "$namespace" dotnet "$cli" emulator --port 4566 --json --data-dir "$data" --storage-channel cam1 \
        > "$base.ready" 2> "$base.emulator.log" &
    local emulator=$!
    for _ in $(seq 100); do [ -s "$base.ready" ] && break; sleep 0.1; done

    # The link's rate changes run in the background, timed from when the ingest starts; each is logged with its
    # wall-clock time so that the judge can place it on the ingest's own clock.
    local started
    started="$(date +%s.%N)"
    echo "$started $first" >> "$base.links"
    if [ "$schedule" != "$first" ]; then
        (
            IFS=, read -ra steps <<<"${schedule#*,}"
            for step in "${steps[@]}"; do
                rate="${step%@*}"
                sleep_until "$started" "$(awk -v s="$seconds" -v f="${step#*@}" 'BEGIN { printf "%.3f", s * f }')"
                tc -n "$namespace" qdisc change dev lo root tbf rate "${rate}kbit" burst 30kb latency 300ms 2>/dev/null || exit 0
                echo "$(date +%s.%N) $rate" >> "$base.links"
            done
        ) &
        shaper=$!
    fi
    local exit_code=0
    ip netns exec "$namespace" env AWS_ACCESS_KEY_ID=AKIDLOCALKVSEMULATOR AWS_SECRET_ACCESS_KEY=local/kvs/emulator/secret/key/for/tests \
        dotnet "$cli" ingest "${args[@]}" > "$base.json" 2> "$base.ingest.log" || exit_code=$?
    stop_shaper
    kill -TERM "$emulator" 2>/dev/null || true # the emulator finishes its recordings on SIGTERM
    wait "$emulator" 2>/dev/null || true
    ip netns del "$namespace"
    echo "exit $exit_code" > "$base.status"
}

# Judges both runs of a scenario from the recordings, summaries and link logs, prints them one above the other and
# the acceptance line of the scenario's bar.
judge() {
    python3 - "$@" <<'EOF'
import glob, json, re, subprocess, sys
from datetime import datetime, timezone

work, sid, label, bar, seconds, video_kbps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
due = int(seconds * 30)

def read(path):
    try:
        return open(path).read()
    except OSError:
        return ""

def utc_seconds(text):
    # System.Text.Json writes DateTime as 2025-01-02T03:04:05.1234567Z: parse it by hand (7 fraction digits).
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$", text or "")
    if not m:
        return None
    y, mo, d, h, mi, s = (int(v) for v in m.groups()[:6])
    value = datetime(y, mo, d, h, mi, s, tzinfo=timezone.utc).timestamp() + float("0." + (m.group(7) or "0"))
    zone = m.group(8)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        value -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return value

def recording(folder):
    frames, errors, freeze, span, where = 0, 0, 0.0, 0.0, ""
    for number, path in enumerate(sorted(glob.glob(folder + "/*/*.mkv")), 1):
        times = [float(t.strip(",")) for t in subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path],
            capture_output=True, text=True).stdout.split() if t.strip(",") not in ("", "N/A")]
        frames += len(times)
        times.sort()
        for a, b in zip(times, times[1:]):
            if b - a > freeze:
                freeze, where = b - a, f"from {a:.2f} s to {b:.2f} s of recording {number}"
        if times:
            span += times[-1] - times[0] + 1 / 30
        decode = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-"], capture_output=True, text=True).stderr
        errors += len([line for line in decode.splitlines() if line.strip()])
    # Media the recordings do not reach at all (a collapsed session records its start only) is a freeze too.
    if seconds - span > freeze:
        freeze, where = seconds - span, f"{seconds - span:.2f} s of the {seconds:.0f} s due that no recording reaches"
    return frames, errors, freeze, where

def settle_times(summary, links, launched):
    """[(kind, seconds or None, note)] for each time the link fell short of or rose above the encoder's target."""
    if video_kbps == 0:
        return []  # a file's bitrate is what it is: nothing to settle
    changes = summary.get("VideoBitrateChanges")
    if not isinstance(changes, list):
        return None
    changes = sorted((float(c["At"]), float(c["Bitrate"])) for c in changes if isinstance(c, dict) and "At" in c and "Bitrate" in c)
    origin = utc_seconds(summary.get("StartTime")) or launched
    events = [(wall - origin, rate) for wall, rate in links]
    def target_before(t):
        before = [b for a, b in changes if a < t]
        return before[-1] if before else None
    def window(t0, t1):
        return "" if t1 == float("inf") else f"; {t1 - t0:.1f} s to do it before the {'next link change' if t1 != finish else 'end'}"
    def first(t0, t1, ok):
        now = target_before(t0 + 1e-9)
        if now is not None and ok(now):
            return 0.0
        hits = [a - t0 for a, b in changes if t0 < a < t1 and ok(b)]
        return hits[0] if hits else None
    results, drop_time = [], None
    fixed = "" if changes else "; VideoBitrateChanges is empty: the target never changed"
    finish = summary.get("DurationSeconds")
    finish = float(finish) if isinstance(finish, (int, float)) else float("inf")
    for i, (t, rate) in enumerate(events):
        end = events[i + 1][0] if i + 1 < len(events) else finish
        previous = events[i - 1][1] if i > 0 else video_kbps
        if rate == 0:
            continue
        if rate < previous:
            start = t if i > 0 else (changes[0][0] if changes else t)
            drop_time = start
            results.append(("down", first(start, end, lambda b: b <= 0.9 * rate * 1000),
                            f"to <= {0.9 * rate:.0f} kbit/s" + ("" if i > 0 else ", from the first target") + window(start, end) + fixed))
        elif rate > previous and drop_time is not None:
            before = target_before(drop_time)
            reference, which = (before, "pre-drop target") if before else (video_kbps * 1000, "--video-bitrate")
            results.append(("up", first(t, end, lambda b: b >= 0.8 * reference),
                            f"to >= {0.8 * reference / 1000:.0f} kbit/s, 80 % of the {which} {reference / 1000:.0f}" + window(t, end) + fixed))
    return results

def judged(mode):
    base = f"{work}/{sid}.{mode}"
    status = read(base + ".status").strip()
    if status.startswith("not run"):
        return {"mode": mode, "failure": status}
    exit_code = status.split()[-1] if status else "?"
    try:
        summary = json.loads(read(base + ".json"))
    except ValueError:
        summary = None
    if not isinstance(summary, dict):
        log = [line.strip() for line in read(base + ".ingest.log").splitlines() if line.strip()]
        unknown = [line for line in log if line.startswith("Unrecognized command or argument")]
        why = unknown[0] + " (this kvwebrtc lacks a congestion-control flag)" if unknown else (log[-1] if log else "no output")
        return {"mode": mode, "failure": f"ingest failed (exit {exit_code}), no summary: {why}"}
    links = []
    for line in read(base + ".links").splitlines():
        wall, rate = line.split()
        links.append((float(wall), float(rate)))
    frames, errors, freeze, where = recording(base)
    minimum = summary.get("BandwidthEstimateMinimum")
    if minimum is None and summary.get("BandwidthEstimateMinimumKbps") is not None:
        minimum = summary["BandwidthEstimateMinimumKbps"] * 1000
    estimate = summary.get("BandwidthEstimate")
    if estimate is None and summary.get("BandwidthEstimateKbps") is not None:
        estimate = summary["BandwidthEstimateKbps"] * 1000
    return {
        "mode": mode, "frames": frames, "errors": errors, "freeze": freeze, "where": where, "summary": summary,
        "settle": settle_times(summary, links, links[0][0] if links else 0.0),
        "warnings": len(summary.get("Warnings") or []), "bwe": (minimum, estimate),
    }

def kbps(value):
    return "-" if value is None else f"{value / 1000:.0f}"

def settle_text(run):
    if run["settle"] is None:
        return "? (no VideoBitrateChanges)"
    if not run["settle"]:
        return "-"
    return "; ".join(f"{kind} {'never' if s is None else f'{s:.1f} s'}" for kind, s, _ in run["settle"])

runs = [judged("on"), judged("off")]
for run in runs:
    head = f"{label if run['mode'] == 'on' else '':<40} {run['mode']:<4}"
    if "failure" in run:
        print(f"{head} {run['failure']}")
        continue
    s = run["summary"]
    recorded, share = f"{run['frames']}/{due}", f"{100.0 * run['frames'] / due:.1f}%"
    bwe = f"{kbps(run['bwe'][0])}/{kbps(run['bwe'][1])}"
    print(f"{head} {recorded:>11} {share:>6}  {s.get('VideoFramesSent', '?'):>5}  {s.get('VideoFramesDroppedByCongestion', '?'):>7}  "
          f"{s.get('Retransmissions', '?'):>5}  {run['errors']:>6}  {run['freeze']:6.2f}  {run['warnings']:>5}  {bwe:>11}  "
          f"{s.get('EndReason', '?'):<15}  {settle_text(run)}")
    if run["freeze"] > 0.5:
        print(f"{'':<40} {'':<4}   longest freeze: {run['where']}")
    for kind, value, note in run["settle"] or []:
        print(f"{'':<40} {'':<4}   settle {kind}: {'never' if value is None else f'{value:.1f} s'} ({note})")

# The acceptance bar, judged on the congestion-controlled run.
on = runs[0]
if bar == "none":
    print(f"  => {sid}: no bar (reference row)")
elif "failure" in on:
    print(f"  => {sid}: NOT JUDGED, the congestion-controlled run has no figures: {on['failure']}")
else:
    checks = []  # (text, True/False/None for unknown)
    share = on["frames"] / due
    def settled(kind, limit):
        values = [v for k, v, _ in on["settle"] or [] if k == kind]
        if on["settle"] is None or not values:
            return (f"settle {kind} <= {limit} s: unknown (no VideoBitrateChanges or no such link change)", None)
        worst = None if any(v is None for v in values) else max(values)
        return (f"settle {kind} {'never' if worst is None else f'{worst:.1f} s'} (<= {limit} s)", worst is not None and worst <= limit)
    if bar == "a":
        checks = [(f"frames {100 * share:.1f} % (>= 90 %)", share >= 0.90), (f"decode errors {on['errors']} (0)", on["errors"] == 0),
                  (f"longest freeze {on['freeze']:.2f} s (<= 1 s)", on["freeze"] <= 1.0), settled("down", 5)]
    elif bar == "b":
        checks = [(f"decode errors {on['errors']} (0)", on["errors"] == 0), (f"frames {100 * share:.1f} % (>= 50 %)", share >= 0.50),
                  (f"longest freeze {on['freeze']:.2f} s (<= 2.5 s)", on["freeze"] <= 2.5), (f"warnings {on['warnings']} (>= 1)", on["warnings"] >= 1)]
    elif bar == "c":
        checks = [settled("down", 5), settled("up", 15), (f"decode errors {on['errors']} (0)", on["errors"] == 0)]
    elif bar == "d":
        checks = [(f"frames {100 * share:.1f} % (>= 99 %)", share >= 0.99)]
    verdict = "FAIL" if any(ok is False for _, ok in checks) else ("INCOMPLETE" if any(ok is None for _, ok in checks) else "PASS")
    marks = {True: "ok", False: "MISSED", None: "?"}
    print(f"  => {sid}: {verdict}: " + ", ".join(f"{text} {marks[ok]}" for text, ok in checks))
EOF
}

# scenario ID LABEL BAR MEDIA LINK-SCHEDULE LOSS: both runs, then their judgement.
scenario() {
    local id="$1" label="$2" bar="$3" media="$4" schedule="$5" loss="$6"
    run "$id" on "$media" "$schedule" "$loss"
    run "$id" off "$media" "$schedule" "$loss"
    judge "$work" "$id" "$label" "$bar" "$seconds" "$([ "$media" = live ] && echo "$live_kbps" || echo 0)" || echo "$label: the judge failed (see above)"
}

echo "bench/network.sh: ${seconds} s per scenario; 30 fps media, so $((seconds * 30)) video frames are due."
echo "Each scenario runs with congestion control on (the default), then off (--congestion-control off, the reference)."
has_option --congestion-control || echo "This kvwebrtc has no --congestion-control: the reference runs cannot be made."
has_option --video-bitrate || echo "This kvwebrtc has no --video-bitrate: the live-source scenarios (a, c) cannot be made."
printf '%-40s %-4s %11s %6s  %5s  %7s  %5s  %6s  %6s  %5s  %11s  %-15s  %s\n' scenario cc recorded/due share \
    sent cc-drop rtx decerr freeze warns bwe-min/last end settle
if wants a; then scenario a "a) live 2500 kbit/s, 1500 kbit/s link" a live 1500 0; fi
if wants b; then scenario b "b) 2 Mbit/s file, 1500 kbit/s link" b "$work/clip2m.mkv" 1500 0; fi
if wants c; then scenario c "c) live 2500, link 3000>800>3000 kbit/s" c live "3000,800@0.3333,3000@0.6667" 0; fi
if wants d; then scenario d "d) 1 Mbit/s file, 10 % UDP loss" d "$work/clip1m.mkv" 0 100; fi
if wants e; then
    scenario e1 "e) 1 Mbit/s file, 1200 kbit/s link" none "$work/clip1m.mkv" 1200 0
    scenario e2 "e) 1 Mbit/s file, 900 kbit/s link" none "$work/clip1m.mkv" 900 0
fi
