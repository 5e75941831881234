using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>An HTTP request as received, for signature verification.</summary>
    public sealed class ReceivedRequest
    {
        public ReceivedRequest(string method, string rawPath, string? rawQuery, IEnumerable<KeyValuePair<string, string>> headers, byte[] body)
        {
            Method = method;
            RawPath = string.IsNullOrEmpty(rawPath) ? "/" : rawPath;
            RawQuery = rawQuery?.TrimStart('?') ?? "";
            Headers = headers.ToList();
            Body = body;
        }

        public string Method { get; }
        public string RawPath { get; }
        public string RawQuery { get; }
        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }
        public byte[] Body { get; }

        public string? Header(string name) =>
            Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
    }

    public sealed class SigV4Verification
    {
        private SigV4Verification(bool valid, string? accessKeyId, string? region, string? service, string reason)
        {
            IsValid = valid;
            AccessKeyId = accessKeyId;
            Region = region;
            Service = service;
            Reason = reason;
        }

        public bool IsValid { get; }
        public string? AccessKeyId { get; }
        public string? Region { get; }
        public string? Service { get; }

        /// <summary>Why verification failed (never the expected signature or any secret).</summary>
        public string Reason { get; }

        internal static SigV4Verification Valid(string accessKeyId, string region, string service) =>
            new SigV4Verification(true, accessKeyId, region, service, "valid");

        internal static SigV4Verification Invalid(string reason, string? accessKeyId = null) =>
            new SigV4Verification(false, accessKeyId, null, null, reason);
    }

    /// <summary>
    /// Verifies AWS Signature Version 4, in the Authorization header or presigned in the query, from the request's own
    /// SignedHeaders list, so that every real client (SDKs, CLI, C SDK) that signs a different header set verifies.
    /// Written from the SigV4 specification, independently of AWSSDK.Core's signer, so it can check that signer too.
    /// </summary>
    public sealed class SigV4Verifier
    {
        private const string Algorithm = "AWS4-HMAC-SHA256";
        private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        private readonly Func<string, string?> secretForAccessKey;
        private readonly Func<DateTime> utcNow;

        public SigV4Verifier(Func<string, string?> secretForAccessKey, Func<DateTime>? utcNow = null)
        {
            this.secretForAccessKey = secretForAccessKey;
            this.utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        public TimeSpan AllowedClockSkew { get; set; } = TimeSpan.FromMinutes(5);

        public SigV4Verification Verify(ReceivedRequest request)
        {
            var query = ParseQuery(request.RawQuery);
            return query.Any(p => p.Key == "X-Amz-Signature") ? VerifyPresigned(request, query) : VerifyHeader(request, query);
        }

        private SigV4Verification VerifyHeader(ReceivedRequest request, List<KeyValuePair<string, string>> query)
        {
            var authorization = request.Header("Authorization");
            if (string.IsNullOrEmpty(authorization)) return SigV4Verification.Invalid("the request is not signed (no Authorization header)");
            if (!authorization!.StartsWith(Algorithm + " ", StringComparison.Ordinal))
                return SigV4Verification.Invalid($"unsupported authorization scheme; expected {Algorithm}");

            var fields = authorization.Substring(Algorithm.Length + 1).Split(',')
                .Select(part => part.Trim().Split(new[] { '=' }, 2))
                .Where(kv => kv.Length == 2)
                .GroupBy(kv => kv[0], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
            if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) ||
                !fields.TryGetValue("Signature", out var signature))
                return SigV4Verification.Invalid("the Authorization header lacks Credential, SignedHeaders or Signature");

            var amzDate = request.Header("X-Amz-Date");
            if (amzDate == null) return SigV4Verification.Invalid("the X-Amz-Date header is missing");
            if (!TryParseAmzDate(amzDate, out var signedAt)) return SigV4Verification.Invalid("X-Amz-Date is not in the form yyyyMMddTHHmmssZ");
            if ((utcNow() - signedAt).Duration() > AllowedClockSkew)
                return SigV4Verification.Invalid($"the request was signed at {signedAt:u}, more than {AllowedClockSkew.TotalMinutes} minutes from the server's clock");

            var payloadHash = Hex(Sha256(request.Body));
            var declaredHash = request.Header("X-Amz-Content-SHA256");
            if (declaredHash != null && declaredHash != payloadHash && declaredHash != "UNSIGNED-PAYLOAD")
                return SigV4Verification.Invalid("X-Amz-Content-SHA256 does not match the body");
            if (declaredHash == "UNSIGNED-PAYLOAD") payloadHash = declaredHash;

            return Check(request, query, credential, signedHeaders, signature, amzDate, payloadHash);
        }

        private SigV4Verification VerifyPresigned(ReceivedRequest request, List<KeyValuePair<string, string>> query)
        {
            string? Get(string key) => query.Where(p => p.Key == key).Select(p => p.Value).FirstOrDefault();
            if (Get("X-Amz-Algorithm") != Algorithm) return SigV4Verification.Invalid($"X-Amz-Algorithm must be {Algorithm}");
            var credential = Get("X-Amz-Credential");
            var signedHeaders = Get("X-Amz-SignedHeaders");
            var signature = Get("X-Amz-Signature");
            var amzDate = Get("X-Amz-Date");
            if (credential == null || signedHeaders == null || signature == null || amzDate == null)
                return SigV4Verification.Invalid("the presigned URL lacks X-Amz-Credential, X-Amz-SignedHeaders, X-Amz-Signature or X-Amz-Date");
            if (!TryParseAmzDate(amzDate, out var signedAt)) return SigV4Verification.Invalid("X-Amz-Date is not in the form yyyyMMddTHHmmssZ");
            if (!int.TryParse(Get("X-Amz-Expires") ?? "", NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires < 1 || expires > 604800)
                return SigV4Verification.Invalid("X-Amz-Expires must be between 1 and 604800 seconds");
            var now = utcNow();
            if (signedAt - now > AllowedClockSkew) return SigV4Verification.Invalid($"the URL is signed at {signedAt:u}, in the future");
            if (now > signedAt.AddSeconds(expires)) return SigV4Verification.Invalid($"the presigned URL expired at {signedAt.AddSeconds(expires):u}");

            var unsigned = query.Where(p => p.Key != "X-Amz-Signature").ToList();
            return Check(request, unsigned, credential, signedHeaders, signature, amzDate, EmptySha256);
        }

        private SigV4Verification Check(ReceivedRequest request, List<KeyValuePair<string, string>> query, string credential, string signedHeaders,
            string signature, string amzDate, string payloadHash)
        {
            var scope = credential.Split('/');
            if (scope.Length != 5 || scope[4] != "aws4_request")
                return SigV4Verification.Invalid("Credential must be <access key>/<date>/<region>/<service>/aws4_request");
            var accessKeyId = scope[0];
            if (scope[1] != amzDate.Substring(0, 8)) return SigV4Verification.Invalid("the credential scope date differs from X-Amz-Date", accessKeyId);
            var secret = secretForAccessKey(accessKeyId);
            if (secret == null) return SigV4Verification.Invalid($"the access key '{accessKeyId}' is not known", accessKeyId);

            var headerNames = signedHeaders.Split(';');
            if (!headerNames.Contains("host")) return SigV4Verification.Invalid("SignedHeaders must include host", accessKeyId);
            var canonicalHeaders = new StringBuilder();
            foreach (var name in headerNames)
            {
                var values = request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => CollapseSpaces(h.Value)).ToList();
                if (values.Count == 0) return SigV4Verification.Invalid($"signed header '{name}' is missing from the request", accessKeyId);
                canonicalHeaders.Append(name).Append(':').Append(string.Join(",", values)).Append('\n');
            }

            var canonicalRequest = string.Join("\n",
                request.Method.ToUpperInvariant(),
                CanonicalPath(request.RawPath),
                CanonicalQuery(query),
                canonicalHeaders.ToString(),
                signedHeaders,
                payloadHash);
            var scopeText = string.Join("/", scope[1], scope[2], scope[3], scope[4]);
            var stringToSign = string.Join("\n", Algorithm, amzDate, scopeText, Hex(Sha256(Encoding.UTF8.GetBytes(canonicalRequest))));

            var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), scope[1]);
            key = Hmac(key, scope[2]);
            key = Hmac(key, scope[3]);
            key = Hmac(key, "aws4_request");
            var expected = Hex(Hmac(key, stringToSign));
            if (!FixedTimeEquals(expected, signature))
                return SigV4Verification.Invalid("the signature does not match; check the secret key and the signed request", accessKeyId);
            return SigV4Verification.Valid(accessKeyId, scope[2], scope[3]);
        }

        /// <summary>Decoded query pairs in their order, keys repeated as sent.</summary>
        public static List<KeyValuePair<string, string>> ParseQuery(string rawQuery)
        {
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var part in rawQuery.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = part.IndexOf('=');
                var key = eq < 0 ? part : part.Substring(0, eq);
                var value = eq < 0 ? "" : part.Substring(eq + 1);
                pairs.Add(new KeyValuePair<string, string>(Uri.UnescapeDataString(key.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' '))));
            }
            return pairs;
        }

        private static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
            string.Join("&", query.Select(p => new KeyValuePair<string, string>(UriEncode(p.Key), UriEncode(p.Value)))
                .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
                .Select(p => p.Key + "=" + p.Value));

        // Non-S3 services sign the path encoded once more as sent ("double encoding").
        private static string CanonicalPath(string rawPath) => string.Join("/", rawPath.Split('/').Select(UriEncode));

        private static string UriEncode(string value)
        {
            var builder = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(value))
            {
                char c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
                    builder.Append(c);
                else
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            return builder.ToString();
        }

        private static string CollapseSpaces(string value) => string.Join(" ", value.Trim().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));

        private static bool TryParseAmzDate(string value, out DateTime date) =>
            DateTime.TryParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out date);

        private static byte[] Sha256(byte[] data)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(data);
        }

        private static byte[] Hmac(byte[] key, string data)
        {
            using var hmac = new HMACSHA256(key);
            return hmac.ComputeHash(Encoding.UTF8.GetBytes(data));
        }

        private static string Hex(byte[] bytes)
        {
            var builder = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) builder.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return builder.ToString();
        }

        private static bool FixedTimeEquals(string a, string b)
        {
            if (a.Length != b.Length) return false;
            int difference = 0;
            for (int i = 0; i < a.Length; i++) difference |= a[i] ^ b[i];
            return difference == 0;
        }
    }
}
