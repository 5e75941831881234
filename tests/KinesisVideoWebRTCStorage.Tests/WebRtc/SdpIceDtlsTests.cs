using System;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using KinesisVideoWebRTCStorage.WebRtc.Mux;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc
{
    /// <summary>
    /// The layers wired the way a peer connection wires them: offer and answer carry ICE credentials and DTLS
    /// fingerprints, candidates trickle as strings, DTLS runs over the selected ICE pair, and both ends export the same
    /// SRTP keys.
    /// </summary>
    public class SdpIceDtlsTests
    {
        private static IceAgentOptions Loopback(IceRole role) => new IceAgentOptions
        {
            Role = role,
            LoopbackOnly = true,
            IncludeIPv6 = false,
            CheckInterval = TimeSpan.FromMilliseconds(10),
        };

        [Fact]
        public async Task OfferAnswerIceAndDtlsProduceMatchingSrtpKeys()
        {
            var storageCertificate = DtlsCertificate.Generate();
            var ingestCertificate = DtlsCertificate.Shared;
            // The offerer controls ICE (RFC 8445 section 6.1.1) and offers actpass; our answer takes the DTLS client role.
            using var storage = new IceAgent(Loopback(IceRole.Controlling));
            using var ingest = new IceAgent(Loopback(IceRole.Controlled));

            var offerText = SdpOfferBuilder.Build(new SdpLocalTransport(storage.LocalCredentials.Ufrag, storage.LocalCredentials.Password,
                SdpFingerprint.Parse(storageCertificate.Fingerprint.ToString()), SdpSetup.ActPass)).Serialize();
            var offer = SdpSessionDescription.Parse(offerText);
            var answerOptions = new SdpAnswerOptions(new SdpLocalTransport(ingest.LocalCredentials.Ufrag, ingest.LocalCredentials.Password,
                SdpFingerprint.Parse(ingestCertificate.Fingerprint.ToString()), SdpSetup.Active), 0x1234, 0x5678);
            var answer = SdpSessionDescription.Parse(SdpAnswerBuilder.Build(offer, answerOptions).Description.Serialize());

            var offeredMedia = offer.Media[0];
            var answeredMedia = answer.Media[0];
            ingest.SetRemoteCredentials(offer.IceUfragFor(offeredMedia)!, offer.IcePwdFor(offeredMedia)!);
            storage.SetRemoteCredentials(answer.IceUfragFor(answeredMedia)!, answer.IcePwdFor(answeredMedia)!);
            foreach (var candidate in storage.GatherCandidates()) ingest.AddRemoteCandidate(IceCandidate.Parse(candidate.ToAttributeValue()));
            foreach (var candidate in ingest.GatherCandidates()) storage.AddRemoteCandidate(IceCandidate.Parse(candidate.ToAttributeValue()));

            DtlsFingerprint FromSdp(SdpFingerprint f) => new DtlsFingerprint(f.Algorithm, f.Digest.Span);
            DtlsDatagramBridge Bridge(IceAgent agent)
            {
                var bridge = new DtlsDatagramBridge(datagram =>
                {
                    if (agent.SelectedPair != null) agent.Send(datagram);
                });
                agent.DataReceived += (kind, datagram, from) =>
                {
                    if (kind == PacketKind.Dtls) bridge.Deliver(datagram);
                };
                return bridge;
            }

            Assert.Equal(SdpSetup.Active, answer.SetupFor(answeredMedia));
            var ingestHandshake = DtlsSession.HandshakeAsync(DtlsRole.Client, Bridge(ingest), ingestCertificate, FromSdp(offer.FingerprintFor(offeredMedia)!));
            var storageHandshake = DtlsSession.HandshakeAsync(DtlsRole.Server, Bridge(storage), storageCertificate, FromSdp(answer.FingerprintFor(answeredMedia)!));
            using var client = await ingestHandshake.WaitAsync(TimeSpan.FromSeconds(30));
            using var server = await storageHandshake.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(IceConnectionState.Connected, ingest.State);
            Assert.Equal(client.SrtpKeys.LocalKey.ToArray(), server.SrtpKeys.RemoteKey.ToArray());
            Assert.Equal(client.SrtpKeys.LocalSalt.ToArray(), server.SrtpKeys.RemoteSalt.ToArray());
            Assert.True(client.RemoteFingerprint.Matches(storageCertificate.Fingerprint));
        }
    }
}
