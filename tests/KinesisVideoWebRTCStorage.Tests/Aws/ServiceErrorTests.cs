using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.TestResponder;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Aws
{
    public class ServiceErrorTests : IDisposable
    {
        private readonly KvsResponder responder = new KvsResponder();

        public void Dispose() => responder.Dispose();

        public static TheoryData<string, int, Type> DocumentedErrors => new TheoryData<string, int, Type>
        {
            { "AccessDeniedException", 403, typeof(AccessDeniedException) },
            { "ClientLimitExceededException", 400, typeof(ClientLimitExceededException) },
            { "InvalidArgumentException", 400, typeof(InvalidArgumentException) },
            { "ResourceNotFoundException", 404, typeof(ResourceNotFoundException) },
            { "ResourceInUseException", 400, typeof(ResourceInUseException) },
            { "VersionMismatchException", 400, typeof(VersionMismatchException) },
            { "NotAuthorizedException", 401, typeof(NotAuthorizedException) },
            { "SessionExpiredException", 400, typeof(SessionExpiredException) },
            { "AccountChannelLimitExceededException", 400, typeof(AccountChannelLimitExceededException) },
            { "TagsPerResourceExceededLimitException", 400, typeof(TagsPerResourceExceededLimitException) },
        };

        private async Task<KinesisVideoServiceException> Describe()
        {
            var client = Connections.To(responder, retry: RetryPolicy.None).ControlPlane();
            return await Assert.ThrowsAnyAsync<KinesisVideoServiceException>(() => client.DescribeSignalingChannelAsync(ChannelReference.FromName("cam1")));
        }

        [Theory]
        [MemberData(nameof(DocumentedErrors))]
        public async Task TypeFromTheHeaderAndCapitalMessage(string type, int status, Type expected)
        {
            responder.Script = _ => new ScriptedResponse(status, "{\"Message\":\"From the service: " + type + "\"}",
                type + ":http://internal.amazon.com/coral/com.amazonaws.kinesisvideo.v20170930/");
            var error = await Describe();
            Assert.IsType(expected, error);
            Assert.Equal(type, error.ErrorType);
            Assert.Equal((HttpStatusCode)status, error.StatusCode);
            Assert.Equal("From the service: " + type, error.Message);
            Assert.Equal("DescribeSignalingChannel", error.Operation);
            Assert.NotNull(error.RequestId);
        }

        [Theory]
        [MemberData(nameof(DocumentedErrors))]
        public async Task TypeFromTheBodyWithoutTheHeader(string type, int status, Type expected)
        {
            responder.Script = _ => new ScriptedResponse(status, "{\"__type\":\"com.amazonaws.kinesisvideo#" + type + "\",\"message\":\"lower-case message\"}");
            var error = await Describe();
            Assert.IsType(expected, error);
            Assert.Equal("lower-case message", error.Message);
        }

        [Fact]
        public async Task CodeMemberTypesTheErrorWhenNothingElseDoes()
        {
            responder.Script = _ => new ScriptedResponse(404, "{\"code\":\"ResourceNotFoundException\",\"Message\":\"gone\"}");
            var error = await Describe();
            Assert.IsType<ResourceNotFoundException>(error);
            Assert.Equal("gone", error.Message);
        }

        [Fact]
        public async Task HeaderWinsOverBody()
        {
            responder.Script = _ => new ScriptedResponse(400, "{\"__type\":\"ResourceInUseException\",\"message\":\"m\"}", "aws.protocols#InvalidArgumentException:extra");
            Assert.IsType<InvalidArgumentException>(await Describe());
        }

        [Fact]
        public async Task AnUnknownTypeKeepsItsName()
        {
            responder.Script = _ => new ScriptedResponse(400, "{\"message\":\"new error\"}", "BrandNewException");
            var error = await Describe();
            Assert.Equal(typeof(KinesisVideoServiceException), error.GetType());
            Assert.Equal("BrandNewException", error.ErrorType);
            Assert.Equal("new error", error.Message);
        }

        [Fact]
        public async Task ANonJsonBodyStillGivesATypedError()
        {
            responder.Script = _ => new ScriptedResponse(404, "<html>not json</html>", "ResourceNotFoundException");
            var error = await Describe();
            Assert.IsType<ResourceNotFoundException>(error);
            Assert.Contains("HTTP 404", error.Message);
        }

        [Fact]
        public async Task ThrottlingIsRetriedABoundedNumberOfTimesThenSurfaces()
        {
            responder.Script = _ => new ScriptedResponse(400, "{\"Message\":\"slow down\"}", "ClientLimitExceededException");
            var client = Connections.To(responder, retry: new RetryPolicy(3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20))).ControlPlane();

            var error = await Assert.ThrowsAsync<ClientLimitExceededException>(() => client.DescribeSignalingChannelAsync(ChannelReference.FromName("cam1")));
            Assert.Equal("slow down", error.Message);
            Assert.Equal(4, responder.Requests.Count);
            Assert.All(responder.Requests, r => Assert.True(r.Signature.IsValid, r.Signature.Reason));
        }

        [Fact]
        public async Task ThrottlingThenSuccessSucceeds()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: true);
            int calls = 0;
            responder.Script = _ => ++calls <= 2 ? new ScriptedResponse(400, "{\"Message\":\"slow down\"}", "ClientLimitExceededException") : null;
            var info = await Connections.To(responder).ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromName("cam1"));
            Assert.Equal(arn, info.ChannelARN);
            Assert.Equal(3, responder.Requests.Count);
        }

        [Fact]
        public async Task ServerErrorsAreRetriedButClientErrorsAreNot()
        {
            responder.Script = _ => new ScriptedResponse(503, "{\"message\":\"unavailable\"}", "ServiceUnavailableException");
            var client = Connections.To(responder, retry: new RetryPolicy(2, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5))).ControlPlane();
            await Assert.ThrowsAnyAsync<KinesisVideoServiceException>(() => client.DescribeSignalingChannelAsync(ChannelReference.FromName("cam1")));
            Assert.Equal(3, responder.Requests.Count);

            var other = new KvsResponder();
            try
            {
                other.Script = _ => new ScriptedResponse(400, "{\"Message\":\"bad\"}", "InvalidArgumentException");
                var once = Connections.To(other).ControlPlane();
                await Assert.ThrowsAsync<InvalidArgumentException>(() => once.DescribeSignalingChannelAsync(ChannelReference.FromName("cam1")));
                Assert.Single(other.Requests);
            }
            finally
            {
                other.Dispose();
            }
        }

        [Fact]
        public async Task AServerThatNeverAnswersTimesOutWithinTheBound()
        {
            responder.NeverAnswer = true;
            var timeout = TimeSpan.FromMilliseconds(400);
            var client = Connections.To(responder, retry: new RetryPolicy(1, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)), timeout: timeout).ControlPlane();
            var watch = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<KinesisVideoTimeoutException>(() => client.DescribeSignalingChannelAsync(ChannelReference.FromName("cam1")));

            watch.Stop();
            // Both attempts waited out their timeout; timers may fire a few ms before the stopwatch agrees. The upper
            // bound only catches a hang.
            Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(2 * 400 - 20), TimeSpan.FromSeconds(30));
            // The server records a request once its body is read, which on a loaded machine can trail the client's timeout.
            var recorded = Stopwatch.StartNew();
            while (responder.Requests.Count < 2 && recorded.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(10);
            Assert.Equal(2, responder.Requests.Count);
            Assert.Contains("no answer within 0.4 s (2 attempts)", error.Message);
            Assert.Equal("DescribeSignalingChannel", error.Operation);
        }

        [Fact]
        public async Task ARefusedConnectionIsATypedConnectionError()
        {
            var port = responder.Port;
            responder.Dispose();
            var connection = KvsConnection.Create(new AwsConnectionOptions
            {
                AccessKey = "AKID", SecretKey = "secret", Region = "us-west-2", EndpointUrl = $"http://127.0.0.1:{port}",
                Retry = new RetryPolicy(1, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)),
            });
            var error = await Assert.ThrowsAsync<KinesisVideoConnectionException>(() => connection.ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromName("x")));
            Assert.Contains($"127.0.0.1:{port}", error.Message);
            Assert.Contains("2 attempts", error.Message);
        }

        [Fact]
        public async Task WebRtcOnAChannelWithoutStorageNamesTheFix()
        {
            responder.AddChannel("nostore", storageEnabled: false);
            var client = Connections.To(responder).ControlPlane();
            var error = await Assert.ThrowsAsync<MediaStorageNotEnabledException>(() =>
                SignalingEndpointLookup.GetAsync(client, ChannelReference.FromName("nostore"), ChannelRole.MASTER, SignalingEndpointLookup.AllProtocols, default,
                    withoutStorage: "ask only for -Protocol WSS,HTTPS"));
            Assert.Equal("Channel 'nostore' has media storage DISABLED; link a stream with Update-KVMediaStorageConfiguration " +
                "(aws kinesisvideo update-media-storage-configuration), or ask only for -Protocol WSS,HTTPS.", error.Message);
            Assert.Equal(new[] { "/describeSignalingChannel", "/getSignalingChannelEndpoint", "/describeMediaStorageConfiguration" },
                responder.Requests.Select(r => r.Path));
        }

        [Fact]
        public async Task AnOversizedResponseIsRefused()
        {
            responder.Script = _ => new ScriptedResponse(200, "{\"ChannelInfo\":{\"ChannelName\":\"" + new string('x', RestJsonClient.MaxResponseBytes) + "\"}}");
            var error = await Assert.ThrowsAsync<KinesisVideoResponseException>(() =>
                Connections.To(responder).ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromName("cam1")));
            Assert.Contains("larger than 8 MiB", error.Message);
        }

        [Fact]
        public async Task AMalformedSuccessBodyIsATypedResponseError()
        {
            responder.Script = _ => new ScriptedResponse(200, "{\"ChannelInfo\": [1,2");
            var error = await Assert.ThrowsAsync<KinesisVideoResponseException>(() =>
                Connections.To(responder).ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromName("cam1")));
            Assert.StartsWith("DescribeSignalingChannel returned a response that is not the expected JSON", error.Message);
        }

        [Theory]
        [InlineData("ResourceNotFoundException:http://internal.amazon.com/", "ResourceNotFoundException")]
        [InlineData("aws.protocols#AccessDeniedException", "AccessDeniedException")]
        [InlineData("  InvalidArgumentException  ", "InvalidArgumentException")]
        [InlineData("", null)]
        [InlineData(":nothing", null)]
        public void HeaderTypeRules(string header, string? expected) => Assert.Equal(expected, ServiceErrorParser.TypeFromHeader(header));
    }
}
