using System;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>What the storage side's connections (to the master and to each viewer) share: how they are made and how a participant's signaling reaches them.</summary>
    internal static class StorageSignaling
    {
        public static RtcPeerConnection NewConnection(EmulatorOptions options) => new RtcPeerConnection(new RtcConfiguration
        {
            LoopbackOnly = System.Net.IPAddress.TryParse(options.Host, out var host) && System.Net.IPAddress.IsLoopback(host),
            ConnectTimeout = options.StorageConnectTimeout,
        });

        /// <summary>Applies a participant's SDP_ANSWER or ICE_CANDIDATE; returns why it was refused, or null.</summary>
        /// <param name="answered">Called before an answer is applied.</param>
        public static string? Apply(RtcPeerConnection pc, ClientMessage message, Action? answered = null)
        {
            try
            {
                switch (message.Action)
                {
                    case SignalingMessageType.SDP_ANSWER:
                        var answer = SignalingCodec.DecodeSessionDescription(message.MessagePayload);
                        if (answer.Type != "answer") return null;
                        answered?.Invoke();
                        pc.SetRemoteDescription(new RtcSessionDescription(RtcSdpType.Answer, answer.Sdp));
                        break;
                    case SignalingMessageType.ICE_CANDIDATE:
                        var candidate = SignalingCodec.DecodeIceCandidate(message.MessagePayload);
                        pc.AddIceCandidate(new RtcIceCandidateInit(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex));
                        break;
                }
                return null;
            }
            catch (Exception e) when (e is SignalingFormatException || e is SdpFormatException || e is InvalidOperationException)
            {
                return e.Message;
            }
        }

        /// <summary>A local candidate as the storage service trickles it.</summary>
        public static ServiceMessage Candidate(RtcIceCandidateInit candidate) => new ServiceMessage(SignalingMessageType.ICE_CANDIDATE,
            SignalingCodec.EncodeIceCandidate(new IceCandidatePayload(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex)));
    }
}
