using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Media.Ogg;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.Fuzz
{
    /// <summary>A parser of network or file input, driven with one input; only <see cref="WireFormatException"/> may escape it.</summary>
    public sealed class FuzzTarget
    {
        private readonly Action<byte[]> _parse;

        public FuzzTarget(string name, string seeds, Action<byte[]> parse)
        {
            Name = name;
            Seeds = seeds;
            _parse = parse;
        }

        public string Name { get; }

        /// <summary>Where its seed corpus lives, relative to the repository.</summary>
        public string Seeds { get; }

        public void Run(byte[] input)
        {
            try
            {
                _parse(input);
            }
            catch (WireFormatException)
            {
                // The typed answer to hostile input.
            }
        }
    }

    /// <summary>The parsers that read network or file input, each as a fuzz target.</summary>
    public static class FuzzTargets
    {
        private const string TestCorpus = "tests/KinesisVideoWebRTCStorage.Tests/WebRtc/Corpus/";
        private const string FuzzCorpus = "fuzz/corpus/";

        public static readonly IReadOnlyList<FuzzTarget> All = new[]
        {
            new FuzzTarget("stun", FuzzCorpus + "stun", Stun),
            new FuzzTarget("channeldata", FuzzCorpus + "channeldata", input => TurnChannelData.Parse(input, out _)),
            new FuzzTarget("rtp", TestCorpus + "rtp", Rtp),
            new FuzzTarget("rtcp", TestCorpus + "rtcp", input => RtcpCompoundPacket.Parse(input)),
            new FuzzTarget("sdp", TestCorpus + "sdp", input => SdpSessionDescription.Parse(Encoding.UTF8.GetString(input))),
            new FuzzTarget("dtls-record", TestCorpus + "dtls", input => DtlsRecordHeader.ParseDatagram(input)),
            new FuzzTarget("signaling", FuzzCorpus + "signaling", Signaling),
            new FuzzTarget("sigv4-presigned", FuzzCorpus + "sigv4-presigned", SigV4Presigned),
            new FuzzTarget("h264-rtp", FuzzCorpus + "h264-rtp", H264OverRtp),
            new FuzzTarget("annexb", FuzzCorpus + "annexb", input => ReadAll(H264AnnexBSource.OpenAsync(new MemoryStream(input), 30).GetAwaiter().GetResult())),
            new FuzzTarget("ogg", FuzzCorpus + "ogg", input => ReadAll(OggOpusSource.OpenAsync(new MemoryStream(input)).GetAwaiter().GetResult())),
            new FuzzTarget("matroska", FuzzCorpus + "matroska", input => ReadAll(MatroskaDemuxer.OpenAsync(new MemoryStream(input)).GetAwaiter().GetResult())),
        };

        public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

        private static void Stun(byte[] input)
        {
            var message = StunMessage.Parse(input);
            _ = message.Username;
            _ = message.Software;
            _ = message.Realm;
            _ = message.XorMappedAddress;
            _ = message.XorPeerAddress;
            _ = message.XorRelayedAddress;
        }

        private static void Rtp(byte[] input)
        {
            if (RtpPacket.TryParse(input, out var packet)) _ = packet.Payload.Length;
        }

        private static void Signaling(byte[] input)
        {
            var service = SignalingCodec.DecodeServiceMessage(input);
            if (service.MessagePayload is string payload)
            {
                if (service.MessageType == SignalingMessageType.ICE_CANDIDATE) SignalingCodec.DecodeIceCandidate(payload);
                else SignalingCodec.DecodeSessionDescription(payload);
            }
        }

        private static void SigV4Presigned(byte[] input)
        {
            // The emulator's check of a presigned signaling URL: the query is the attacker's.
            var verifier = new SigV4Verifier(key => key == "AKIDEXAMPLE" ? "secret" : null);
            verifier.Verify(new ReceivedRequest("GET", "/", Encoding.UTF8.GetString(input), new[] { new KeyValuePair<string, string>("host", "localhost") }, Array.Empty<byte>()));
        }

        /// <summary>The input is a run of RTP payloads, each after a one-byte length, sent as consecutive packets of one frame.</summary>
        private static void H264OverRtp(byte[] input)
        {
            var depacketizer = new H264Depacketizer((_, _, _) => { }) { DeliverIncomplete = true };
            var packet = new byte[RtpHeader.FixedLength + 255];
            ushort sequence = 1;
            for (int at = 0; at < input.Length;)
            {
                int length = Math.Min(input[at++], input.Length - at);
                packet[0] = 0x80;
                packet[1] = (byte)(96 | (at + length >= input.Length ? 0x80 : 0));
                packet[2] = (byte)(sequence >> 8);
                packet[3] = (byte)sequence++;
                input.AsSpan(at, length).CopyTo(packet.AsSpan(RtpHeader.FixedLength));
                at += length;
                depacketizer.Push(RtpPacket.Parse(packet.AsSpan(0, RtpHeader.FixedLength + length)));
            }
        }

        private static void ReadAll(IMediaSource source)
        {
            using (source)
            {
                while (source.ReadFrameAsync().AsTask().GetAwaiter().GetResult() != null)
                {
                }
            }
        }
    }
}
