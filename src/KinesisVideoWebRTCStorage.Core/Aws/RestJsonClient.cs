using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>A 2xx answer whose body is not what the operation returns.</summary>
    public sealed class KinesisVideoResponseException : Exception
    {
        public KinesisVideoResponseException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// Sends SigV4-signed rest-json POSTs (service "kinesisvideo") with a per-attempt timeout and bounded,
    /// jittered retries for throttling, 5xx, timeouts and network errors.
    /// </summary>
    public sealed class RestJsonClient
    {
        internal const int MaxResponseBytes = 8 * 1024 * 1024;
        private static readonly HttpClient SharedHttp = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        private static readonly MediaTypeHeaderValue JsonContentType = new MediaTypeHeaderValue("application/json");

        private readonly HttpClient http;

        public RestJsonClient(AWSCredentials credentials, string region, TimeSpan timeout, RetryPolicy retry, HttpClient? http = null)
        {
            Credentials = credentials;
            Region = region;
            Timeout = timeout;
            Retry = retry;
            this.http = http ?? SharedHttp;
        }

        public AWSCredentials Credentials { get; }
        public string Region { get; }
        public TimeSpan Timeout { get; }
        public RetryPolicy Retry { get; }

        /// <summary>Receives one line per HTTP attempt (method, URL without query, status, time); never secrets.</summary>
        public Action<string>? Trace { get; set; }

        public async Task<byte[]> PostAsync(Uri endpoint, string path, string operation, byte[] body, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                bool last = attempt > Retry.MaxRetries;
                var started = Stopwatch.StartNew();
                using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    attemptCancellation.CancelAfter(Timeout);
                    try
                    {
                        var credentials = await GetCredentialsAsync().ConfigureAwait(false);
                        using var request = BuildSignedRequest(endpoint, path, body, credentials);
                        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCancellation.Token).ConfigureAwait(false);
                        byte[] content;
                        using (attemptCancellation.Token.Register(response.Dispose))
                            content = await ReadBoundedAsync(response, operation).ConfigureAwait(false);
                        Trace?.Invoke($"{operation}: POST {new Uri(endpoint, path)} -> {(int)response.StatusCode} in {started.ElapsedMilliseconds} ms (attempt {attempt})");
                        if (response.IsSuccessStatusCode) return content;

                        var error = ServiceErrorParser.Parse(response.StatusCode, HeaderValue(response, "x-amzn-ErrorType"), content, operation,
                            HeaderValue(response, "x-amzn-RequestId"));
                        if (last || !IsRetryable(error)) throw error;
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested && attemptCancellation.IsCancellationRequested && !(e is KinesisVideoServiceException))
                    {
                        Trace?.Invoke($"{operation}: POST {new Uri(endpoint, path)} timed out after {started.ElapsedMilliseconds} ms (attempt {attempt})");
                        if (last) throw new KinesisVideoTimeoutException(operation, endpoint, Timeout, attempt);
                    }
                    catch (Exception e) when (IsNetworkError(e) && CaBundle.IsUntrustedCertificate(e))
                    {
                        // Retrying cannot make a certificate trusted.
                        Trace?.Invoke($"{operation}: POST {new Uri(endpoint, path)}: the TLS certificate is not trusted (attempt {attempt})");
                        throw new KinesisVideoCertificateException(operation, endpoint, e);
                    }
                    catch (Exception e) when (IsNetworkError(e) && !cancellationToken.IsCancellationRequested)
                    {
                        Trace?.Invoke($"{operation}: POST {new Uri(endpoint, path)} failed: {e.GetBaseException().Message} (attempt {attempt})");
                        if (last) throw new KinesisVideoConnectionException(operation, endpoint, attempt, e);
                    }
                }

                await Task.Delay(Retry.DelayBefore(attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        internal async Task<ImmutableCredentials> GetCredentialsAsync()
        {
            try
            {
                return await Credentials.GetCredentialsAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                throw new CredentialResolutionException($"The AWS credentials could not be obtained: {e.Message}", e);
            }
        }

        private HttpRequestMessage BuildSignedRequest(Uri endpoint, string path, byte[] body, ImmutableCredentials credentials)
        {
            var signable = new DefaultRequest(new SignableRequest(), "KinesisVideo")
            {
                HttpMethod = "POST",
                Endpoint = endpoint,
                ResourcePath = path,
                Content = body,
                AuthenticationRegion = Region,
                OverrideSigningServiceName = KvsEndpoints.ServiceName,
            };
            signable.Headers["Content-Type"] = JsonContentType.MediaType;
            // The signer does not add the token itself; it must be present before signing so that it is signed.
            if (credentials.UseToken) signable.Headers["X-Amz-Security-Token"] = credentials.Token;
            new AWS4Signer().Sign(signable, SigningConfig.Instance, null, new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey));

            var message = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path))
            {
                Content = new ByteArrayContent(body),
            };
            message.Content.Headers.ContentType = JsonContentType;
            foreach (var header in signable.Headers)
            {
                if (string.Equals(header.Key, "Content-Type", StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(header.Key, "host", StringComparison.OrdinalIgnoreCase))
                    continue;
                message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            message.Headers.TryAddWithoutValidation("User-Agent", UserAgentHeader.Value);
            return message;
        }

        private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string operation)
        {
            var declared = response.Content.Headers.ContentLength;
            if (declared > MaxResponseBytes) throw TooLarge(operation);
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes) throw TooLarge(operation);
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }

        private static KinesisVideoResponseException TooLarge(string operation) =>
            new KinesisVideoResponseException($"{operation} returned a response larger than {MaxResponseBytes / (1024 * 1024)} MiB; refusing to read it.");

        private static string? HeaderValue(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

        private static bool IsRetryable(KinesisVideoServiceException error) =>
            error is ClientLimitExceededException || error.StatusCode >= HttpStatusCode.InternalServerError;

        private static bool IsNetworkError(Exception e) => e is HttpRequestException || e is IOException || e is ObjectDisposedException;
    }
}
