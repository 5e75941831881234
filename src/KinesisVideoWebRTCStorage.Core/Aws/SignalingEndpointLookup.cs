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
        /// <param name="channel">The channel as the user named it; its name is shown, and its ARN when named by ARN.</param>
        /// <param name="otherwise">Another way out that fits what was asked, as a sentence fragment, if any.</param>
        public MediaStorageNotEnabledException(ChannelReference channel, string arn, string? status, string? otherwise = null)
            : base($"Channel {Describe(channel, arn)} has media storage {status ?? "DISABLED"}; link a stream with Update-KVMediaStorageConfiguration " +
                   $"(aws kinesisvideo update-media-storage-configuration){(otherwise == null ? "" : ", or " + otherwise)}.")
        {
            ChannelARN = arn;
        }

        public string ChannelARN { get; }

        private static string Describe(ChannelReference channel, string arn) =>
            channel.Name != null ? $"'{channel.Name}'" : $"'{ChannelArn.Parse(arn).ChannelName}' ({arn})";
    }

    /// <summary>Finds a channel's endpoints by ARN or name, explaining a missing WEBRTC endpoint.</summary>
    public static class SignalingEndpointLookup
    {
        public static readonly IReadOnlyList<ChannelProtocol> AllProtocols = new[] { ChannelProtocol.WSS, ChannelProtocol.HTTPS, ChannelProtocol.WEBRTC };

        /// <param name="withoutStorage">What else the caller can do when the channel has no media storage, if anything.</param>
        public static async Task<SignalingChannelEndpoints> GetAsync(KinesisVideoClient client, ChannelReference channel, ChannelRole role,
            IReadOnlyCollection<ChannelProtocol> protocols, CancellationToken cancellationToken, string? withoutStorage = null)
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
                if (!storage.IsEnabled) throw new MediaStorageNotEnabledException(channel, arn, storage.Status, withoutStorage);
                throw;
            }
        }
    }
}
