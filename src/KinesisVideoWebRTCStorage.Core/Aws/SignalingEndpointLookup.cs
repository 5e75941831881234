using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>The channel has no stream linked, so it has no WEBRTC endpoint and cannot be recorded.</summary>
    public sealed class MediaStorageNotEnabledException : InvalidOperationException
    {
        public MediaStorageNotEnabledException(string channel, string? status)
            : base($"Channel {channel} has media storage {status ?? "DISABLED"}; link a stream with Update-KVMediaStorageConfiguration " +
                   "(aws kinesisvideo update-media-storage-configuration), or ask only for -Protocol WSS,HTTPS.")
        {
            Channel = channel;
        }

        public string Channel { get; }
    }

    /// <summary>Finds a channel's endpoints by ARN or name, explaining a missing WEBRTC endpoint.</summary>
    public static class SignalingEndpointLookup
    {
        public static readonly IReadOnlyList<ChannelProtocol> AllProtocols = new[] { ChannelProtocol.WSS, ChannelProtocol.HTTPS, ChannelProtocol.WEBRTC };

        public static async Task<SignalingChannelEndpoints> GetAsync(KinesisVideoClient client, ChannelReference channel, ChannelRole role,
            IReadOnlyCollection<ChannelProtocol> protocols, CancellationToken cancellationToken)
        {
            var arn = await client.ResolveChannelArnAsync(channel, cancellationToken).ConfigureAwait(false);
            try
            {
                return await client.GetSignalingChannelEndpointAsync(arn, role, protocols, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidArgumentException) when (protocols.Contains(ChannelProtocol.WEBRTC))
            {
                // The service refuses WEBRTC for a channel without storage; say so in terms the user can act on.
                var storage = await client.DescribeMediaStorageConfigurationAsync(ChannelReference.FromArn(arn), cancellationToken).ConfigureAwait(false);
                if (!storage.IsEnabled) throw new MediaStorageNotEnabledException(Describe(channel, arn), storage.Status);
                throw;
            }
        }

        private static string Describe(ChannelReference channel, string arn) =>
            channel.Name != null ? $"'{channel.Name}'" : $"'{ChannelArn.Parse(arn).ChannelName}' ({arn})";
    }
}
