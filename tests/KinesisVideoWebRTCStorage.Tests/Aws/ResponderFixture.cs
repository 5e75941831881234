using System;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.TestResponder;

namespace KinesisVideoWebRTCStorage.Tests.Aws
{
    internal static class Connections
    {
        public static readonly RetryPolicy FastRetry = new RetryPolicy(3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20));

        public static KvsConnection To(KvsResponder responder, string? sessionToken = null, string? secretKey = null, RetryPolicy? retry = null,
            TimeSpan? timeout = null) =>
            KvsConnection.Create(new AwsConnectionOptions
            {
                AccessKey = responder.AccessKey,
                SecretKey = secretKey ?? responder.SecretKey,
                SessionToken = sessionToken,
                Region = KvsResponder.Region,
                EndpointUrl = responder.Endpoint.ToString(),
                Retry = retry ?? FastRetry,
                Timeout = timeout ?? TimeSpan.FromSeconds(10),
            });
    }
}
