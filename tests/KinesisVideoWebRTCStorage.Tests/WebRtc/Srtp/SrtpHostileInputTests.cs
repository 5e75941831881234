using KinesisVideoWebRTCStorage.Tests.Fuzz;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp
{
    public class SrtpHostileInputTests
    {
        // Only a packet that authenticates from a new SSRC allocates: its stream state, once. Drops allocate nothing.
        private const long NewStreamState = 1024;

        [Fact]
        public void UnprotectRtpDropsMutationsWithoutThrowingOrAllocating() // any exception fails HostileInput.Run
        {
            using var receiver = SrtpSessionTests.Create();
            using var receiver32 = SrtpSessionTests.Create(SrtpProtectionProfile.Aes128CmHmacSha1_32);
            int accepted = 0, calls = 0;
            HostileInput.Run(SeedCorpus.Load("srtp"), 100_000, 3711, input =>
            {
                calls++; // the harness measures an input again when it looks over its allocation bound
                if (receiver.TryUnprotectRtp(input, input.Length, out _)) accepted++;
                else if (receiver32.TryUnprotectRtp(input, input.Length, out _)) accepted++;
            }, _ => false, _ => NewStreamState);
            // Only unmodified seeds authenticate, once each per session (an 80-bit-tag seed cut 6 bytes short is a valid
            // 32-bit-tag packet under the same keys); everything else is dropped and counted.
            Assert.InRange(accepted, 1, 5);
            var counters = receiver.Counters;
            // Every call is counted once, as unprotected or as one reason for a drop.
            Assert.Equal(calls, counters.RtpUnprotected + counters.AuthenticationFailures + counters.ReplaysDropped + counters.MalformedDropped);
            Assert.True(counters.AuthenticationFailures > 10_000);
            Assert.True(counters.MalformedDropped > 1_000);
        }

        [Fact]
        public void UnprotectRtcpDropsMutationsWithoutThrowingOrAllocating()
        {
            using var receiver = SrtpSessionTests.Create();
            int accepted = 0, calls = 0;
            HostileInput.Run(SeedCorpus.Load("srtcp"), 100_000, 3712, input =>
            {
                calls++; // the harness measures an input again when it looks over its allocation bound
                if (receiver.TryUnprotectRtcp(input, input.Length, out _)) accepted++;
            }, _ => false, _ => NewStreamState);
            Assert.InRange(accepted, 1, 2);
            var counters = receiver.Counters;
            Assert.Equal(calls, counters.RtcpUnprotected + counters.AuthenticationFailures + counters.ReplaysDropped + counters.MalformedDropped);
        }
    }
}
