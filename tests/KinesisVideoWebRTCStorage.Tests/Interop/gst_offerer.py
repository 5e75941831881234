#!/usr/bin/python3
"""GStreamer webrtcbin as a receiving WebRTC offerer, driven by GStreamerPeer.cs over JSON lines.

It offers recvonly Opus and H.264 under max-bundle, decodes what arrives with decodebin into fakesink and counts
what was decoded. Protocol (one JSON object per line):
  stdout: {"offer": sdp} once, {"candidate": c, "mlineindex": n} per local candidate, {"end_of_candidates": true},
          {"stats": {...}} in reply to each stats request, {"error": message} when the pipeline fails.
  stdin:  {"answer": sdp}, {"candidate": c, "mlineindex": n}, {"stats": true}.
It exits when stdin closes, so the process cannot outlive the test process that owns the pipe. (PR_SET_PDEATHSIG is
not used on purpose: it fires when the parent *thread* exits, and .NET starts children from pool threads.)
"""
import json
import sys
import threading

# A machine without GStreamer must fail the interop tests with a reason, not with a traceback to decipher.
try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstSdp", "1.0")
    gi.require_version("GstWebRTC", "1.0")
    gi.require_version("Nice", "0.1")
    from gi.repository import GLib, Gst, GstSdp, GstWebRTC
    # Imported so that the NiceAgent that webrtcbin hands out gets its methods (add_local_address takes a Nice.Address).
    from gi.repository import Nice
except (ImportError, ValueError) as missing:
    print(json.dumps({"error": "GStreamer's Python bindings are missing (%s); install the packages listed in .ci/run" % missing}),
          flush=True)
    sys.exit(2)

# webrtcbin and libnice, then what decodebin needs for H.264 and Opus.
REQUIRED_ELEMENTS = ("webrtcbin", "nicesrc", "dtlssrtpdec", "rtph264depay", "rtpopusdepay", "decodebin", "avdec_h264", "opusdec")

H264_CAPS = ("application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000,"
             "packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1")
# Without encoding-params the offer says "OPUS/48000" with no channel count, which RFC 7587 forbids and Chromium 156
# answers by rejecting the audio section (and with it the BUNDLE transport).
OPUS_CAPS = "application/x-rtp,media=audio,encoding-name=OPUS,payload=97,clock-rate=48000,encoding-params=(string)2"

_print_lock = threading.Lock()


def emit(message):
    # Signals arrive on GStreamer's streaming threads as well as the main loop; one line must never interleave another.
    with _print_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


class Offerer:
    def __init__(self, loop):
        self.loop = loop
        self.video_frames = 0
        self.audio_buffers = 0
        self.video_width = 0
        self.video_height = 0
        self.offer_sent = False

        self.pipeline = Gst.Pipeline.new("offerer")
        self.webrtc = Gst.ElementFactory.make("webrtcbin", "webrtc")
        self.webrtc.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.pipeline.add(self.webrtc)

        # libnice does not gather on loopback unless told to. The agent object must stay referenced: the Python
        # wrapper owns a reference, and losing it drops the address configuration.
        self.ice = self.webrtc.get_property("ice-agent")
        self.ice.set_property("ice-tcp", False)  # the peers under test speak UDP only; TCP pairs would only fail
        self.nice_agent = self.ice.get_property("agent")
        loopback = Nice.Address.new()
        loopback.set_from_string("127.0.0.1")
        self.nice_agent.add_local_address(loopback)

        # Audio first, so that under max-bundle the video section is the one offered with port 0 and bundle-only.
        for caps in (OPUS_CAPS, H264_CAPS):
            self.webrtc.emit("add-transceiver", GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY, Gst.Caps.from_string(caps))

        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.webrtc.connect("on-ice-candidate", self.on_ice_candidate)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering_state)
        self.webrtc.connect("pad-added", self.on_webrtc_pad)

        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self.on_error)

    def start(self):
        self.pipeline.set_state(Gst.State.PLAYING)

    # --- offer -----------------------------------------------------------------------------------------------------

    def on_negotiation_needed(self, _element):
        self.create_offer()

    def create_offer(self):
        promise = Gst.Promise.new_with_change_func(self.on_offer_created)
        self.webrtc.emit("create-offer", None, promise)

    def on_offer_created(self, promise):
        promise.wait()
        reply = promise.get_reply()
        offer = reply.get_value("offer") if reply is not None and reply.has_field("offer") else None
        if offer is None:
            # webrtcbin sometimes answers the first create-offer with nothing (transceivers not settled yet).
            GLib.timeout_add(50, self._retry_offer)
            return
        if self.offer_sent:
            return
        self.offer_sent = True
        self.webrtc.emit("set-local-description", offer, Gst.Promise.new())
        emit({"offer": offer.sdp.as_text()})

    def _retry_offer(self):
        if not self.offer_sent:
            self.create_offer()
        return False

    def on_ice_candidate(self, _element, mline_index, candidate):
        emit({"candidate": candidate, "mlineindex": mline_index})

    def on_gathering_state(self, _element, _pspec):
        if self.webrtc.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            emit({"end_of_candidates": True})

    # --- signalling from the test ----------------------------------------------------------------------------------

    def handle(self, message):
        if "answer" in message:
            result, sdp = GstSdp.SDPMessage.new_from_text(message["answer"])
            if result != GstSdp.SDPResult.OK:
                emit({"error": "answer SDP did not parse: %s" % result})
                return
            answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
            self.webrtc.emit("set-remote-description", answer, Gst.Promise.new())
        elif "candidate" in message:
            candidate = message["candidate"]
            # webrtcbin expects the attribute value without the "a=" prefix; an empty one ends the candidates,
            # which webrtcbin 1.22 has no way to accept, so it is dropped.
            if candidate.startswith("a="):
                candidate = candidate[2:]
            if candidate:
                self.webrtc.emit("add-ice-candidate", int(message.get("mlineindex") or 0), candidate)
        elif message.get("stats"):
            self.webrtc.emit("get-stats", None, Gst.Promise.new_with_change_func(self.on_stats))

    def on_stats(self, promise):
        promise.wait()
        reply = promise.get_reply()
        inbound = []
        if reply is not None:
            def collect(_field, value):
                # Each report is a structure named after its type ("inbound-rtp", "codec", ...).
                if isinstance(value, Gst.Structure) and value.has_field("type"):
                    if value.get_value("type") == GstWebRTC.WebRTCStatsType.INBOUND_RTP:
                        inbound.append({
                            "ssrc": value.get_value("ssrc"),
                            "packets_received": value.get_value("packets-received") or 0,
                            "packets_lost": value.get_value("packets-lost") or 0,
                        })
                return True
            reply.foreach(collect)
        emit({"stats": {
            "video_frames": self.video_frames,
            "audio_buffers": self.audio_buffers,
            "video_width": self.video_width,
            "video_height": self.video_height,
            "ice_state": self.webrtc.get_property("ice-connection-state").value_nick,
            "connection_state": self.webrtc.get_property("connection-state").value_nick,
            "inbound": inbound,
        }})

    # --- decoding --------------------------------------------------------------------------------------------------

    def on_webrtc_pad(self, _element, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        decoder = Gst.ElementFactory.make("decodebin")
        decoder.connect("pad-added", self.on_decoded_pad)
        self.pipeline.add(decoder)
        decoder.sync_state_with_parent()
        pad.link(decoder.get_static_pad("sink"))

    def on_decoded_pad(self, _decoder, pad):
        caps = pad.get_current_caps() or pad.query_caps(None)
        name = caps.get_structure(0).get_name()
        queue = Gst.ElementFactory.make("queue")
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        self.pipeline.add(queue)
        self.pipeline.add(sink)
        queue.link(sink)
        queue.sync_state_with_parent()
        sink.sync_state_with_parent()
        pad.link(queue.get_static_pad("sink"))
        counter = self.count_video if name.startswith("video/") else self.count_audio
        sink.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, counter)

    def count_video(self, pad, _info):
        self.video_frames += 1
        if self.video_width == 0:
            caps = pad.get_current_caps()
            if caps is not None:
                structure = caps.get_structure(0)
                self.video_width = structure.get_value("width") or 0
                self.video_height = structure.get_value("height") or 0
        return Gst.PadProbeReturn.OK

    def count_audio(self, _pad, _info):
        self.audio_buffers += 1
        return Gst.PadProbeReturn.OK

    def on_error(self, _bus, message):
        error, debug = message.parse_error()
        emit({"error": "%s (%s)" % (error.message, debug)})

    def stop(self):
        self.pipeline.set_state(Gst.State.NULL)
        self.loop.quit()


def read_commands(offerer):
    for line in sys.stdin:
        line = line.strip()
        if line:
            message = json.loads(line)
            GLib.idle_add(lambda m=message: offerer.handle(m) and False)
    # stdin closed: the owner is gone or done with us.
    GLib.idle_add(lambda: offerer.stop() and False)


def main():
    Gst.init(None)
    missing = [name for name in REQUIRED_ELEMENTS if Gst.ElementFactory.find(name) is None]
    if missing:
        emit({"error": "GStreamer elements are missing: %s; install the packages listed in .ci/run" % ", ".join(missing)})
        sys.exit(2)
    loop = GLib.MainLoop()
    offerer = Offerer(loop)
    threading.Thread(target=read_commands, args=(offerer,), daemon=True).start()
    offerer.start()
    loop.run()


if __name__ == "__main__":
    main()
