using System;
using Amazon;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>Regional Kinesis Video control-plane endpoints for every partition AWSSDK.Core knows (aws, aws-cn, aws-us-gov, …).</summary>
    public static class KvsEndpoints
    {
        public const string ServiceName = "kinesisvideo";

        public static Uri ControlPlane(string region)
        {
            var dnsSuffix = RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix;
            return new Uri($"https://{ServiceName}.{region}.{dnsSuffix}");
        }

        /// <summary>The STUN server the API does not return: clients build it from the region.</summary>
        public static string StunUri(string region)
        {
            var dnsSuffix = RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix;
            return $"stun:stun.{ServiceName}.{region}.{dnsSuffix}:443";
        }

        /// <summary>Parses a user-supplied endpoint URL, adding https:// when no scheme is given.</summary>
        public static Uri ParseEndpointUrl(string endpointUrl)
        {
            var text = endpointUrl.Trim();
            if (!text.Contains("://")) text = "https://" + text;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"'{endpointUrl}' is not an http or https URL. Pass -EndpointUrl like https://kinesisvideo.us-west-2.amazonaws.com or http://127.0.0.1:4566.", nameof(endpointUrl));
            return uri;
        }
    }
}
