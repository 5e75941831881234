using System;
using System.Collections.Generic;
using System.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>SigV4 presigned GET URLs (signed header: host), as the signaling WebSocket expects, signed by AWSSDK.Core.</summary>
    public static class PresignedUrl
    {
        public static string Create(Uri endpoint, ImmutableCredentials credentials, string region,
            IEnumerable<KeyValuePair<string, string>> parameters, TimeSpan expires, DateTime? signedAt = null)
        {
            var request = new DefaultRequest(new SignableRequest(), "KinesisVideo")
            {
                HttpMethod = "GET",
                Endpoint = endpoint,
                ResourcePath = string.IsNullOrEmpty(endpoint.AbsolutePath) ? "/" : endpoint.AbsolutePath,
                AuthenticationRegion = region,
                OverrideSigningServiceName = KvsEndpoints.ServiceName,
                UseQueryString = true,
            };
            foreach (var parameter in parameters) request.Parameters[parameter.Key] = parameter.Value;
            request.Parameters["X-Amz-Expires"] = ((long)expires.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            // The token belongs inside the signed query.
            if (credentials.UseToken) request.Parameters["X-Amz-Security-Token"] = credentials.Token;

            var result = signedAt.HasValue
                ? AWS4PreSignedUrlSigner.SignRequest(request, SigningConfig.Instance, null, credentials.AccessKey, credentials.SecretKey,
                    KvsEndpoints.ServiceName, region, signedAt.Value)
                : AWS4PreSignedUrlSigner.SignRequest(request, SigningConfig.Instance, null, credentials.AccessKey, credentials.SecretKey,
                    KvsEndpoints.ServiceName, region);
            var query = string.Join("&", request.Parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            var baseUri = endpoint.GetLeftPart(UriPartial.Path);
            if (!baseUri.EndsWith("/", StringComparison.Ordinal)) baseUri += "/";
            return baseUri + "?" + query + "&" + result.ForQueryParameters;
        }
    }
}
