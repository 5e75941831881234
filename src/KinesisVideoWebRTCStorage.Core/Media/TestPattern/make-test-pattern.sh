#!/bin/sh
# Regenerates the built-in test pattern (run once; the outputs are committed and embedded in the assembly).
# 2 s of 640x480 30 fps constrained-baseline H.264 with an IDR every second, and Opus whose 100 packets of 20 ms
# cover exactly the same 2 s (1.9935 s of input plus the 6.5 ms encoder pre-skip), so that looping is seamless.
set -e
cd "$(dirname "$0")"
ffmpeg -hide_banner -v error -y -f lavfi -i testsrc=size=640x480:rate=30 -t 2 -c:v libx264 -profile:v baseline \
  -pix_fmt yuv420p -g 30 -bf 0 -crf 30 -x264-params aud=0 -bsf:v h264_mp4toannexb -f h264 test-pattern.h264
ffmpeg -hide_banner -v error -y -f lavfi -i sine=frequency=440:sample_rate=48000:duration=1.9935 -c:a libopus -b:a 24k \
  -frame_duration 20 test-pattern.ogg
# A viewer's built-in microphone: 1 s of an 880 Hz tone (an octave above the test pattern's, so the two are told
# apart in a mix), 50 packets of 20 ms, looped seamlessly the same way.
ffmpeg -hide_banner -v error -y -f lavfi -i sine=frequency=880:sample_rate=48000:duration=0.9935 -c:a libopus -b:a 24k \
  -frame_duration 20 tone-880.ogg
