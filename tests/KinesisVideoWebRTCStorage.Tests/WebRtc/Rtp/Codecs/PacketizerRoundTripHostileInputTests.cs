using System;
using KinesisVideoWebRTCStorage.Media.H264;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.Tests.Fuzz;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs
{
    /// <summary>
    /// Access units come from media files, so the packetizer sees hostile Annex-B too. For any input, packetizing and then
    /// depacketizing must give back exactly the NAL units the packetizer kept, each behind a 4-byte start code.
    /// </summary>
    public class PacketizerRoundTripHostileInputTests
    {
        [Fact]
        public void AnyAnnexBInputRoundTrips()
        {
            var seeds = new List<byte[]>
            {
                H264PacketizerTests.AnnexB(H264PacketizerTests.Sps, H264PacketizerTests.Pps, H264PacketizerTests.Nal(0x65, 700)),
                H264PacketizerTests.AnnexB(new byte[] { 0x09, 0x10 }, H264PacketizerTests.Nal(0x41, 90), H264PacketizerTests.Nal(0x01, 300)),
                H264PacketizerTests.AnnexB(H264PacketizerTests.Sps, H264PacketizerTests.Nal(0x06, 20), H264PacketizerTests.Pps),
            };
            var expected = new byte[64 * 1024];
            byte[]? rebuilt = null;
            int units = 0;
            var depacketizer = new H264Depacketizer((unit, _, complete) =>
            {
                Assert.True(complete);
                rebuilt = unit.ToArray();
                units++;
            });
            var sink = new ForwardingSink(depacketizer);
            // Small payloads force STAP-A, FU-A and single-NAL paths on short inputs.
            var packetizer = new H264Packetizer(1, 96, 0, maxPayloadSize: 64) { RepeatParameterSets = false };
            uint timestamp = 0;
            HostileInput.Run(seeds, 100_000, 6185, input =>
            {
                rebuilt = null;
                int emitted = packetizer.Packetize(input, timestamp += 3000, sink);
                int length = Canonical(input, expected);
                if (emitted == 0)
                {
                    Assert.Equal(0, length);
                    return;
                }
                Assert.NotNull(rebuilt);
                Assert.True(expected.AsSpan(0, length).SequenceEqual(rebuilt), "round trip differs");
            }, _ => false, _ => long.MaxValue);
            Assert.True(units > 50_000, $"only {units} units");
            Assert.Equal(0, depacketizer.LostPackets + depacketizer.MalformedPayloads + depacketizer.IncompleteUnits);
        }

        /// <summary>The kept units of <paramref name="annexB"/>, each with a 4-byte start code.</summary>
        private static int Canonical(ReadOnlySpan<byte> annexB, byte[] output)
        {
            var remaining = annexB;
            int length = 0;
            while (AnnexB.TryReadNal(ref remaining, out var nal))
            {
                int type = NalUnitType.Of(nal[0]);
                if (type == 0 || type == 9 || type == 12 || type >= 24) continue;
                output[length + 3] = 1;
                output[length] = output[length + 1] = output[length + 2] = 0;
                nal.CopyTo(output.AsSpan(length + 4));
                length += 4 + nal.Length;
            }
            return length;
        }

        private sealed class ForwardingSink : IRtpPacketSink
        {
            private readonly H264Depacketizer _depacketizer;

            public ForwardingSink(H264Depacketizer depacketizer) => _depacketizer = depacketizer;

            public void OnRtpPacket(byte[] buffer, int length) => _depacketizer.Push(RtpPacket.Parse(buffer.AsSpan(0, length)));
        }
    }
}
