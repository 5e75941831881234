using System;
using System.Net;
using System.Text.Json;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>Turns a non-2xx response into a typed exception by the rest-json error rules.</summary>
    public static class ServiceErrorParser
    {
        // Error bodies worth reading are small; a larger one is treated as having no JSON.
        internal const int MaxErrorBodyBytes = 64 * 1024;

        public static KinesisVideoServiceException Parse(HttpStatusCode status, string? errorTypeHeader, byte[]? body, string operation, string? requestId)
        {
            string? type = TypeFromHeader(errorTypeHeader);
            string? bodyType = null;
            string? message = null;
            if (body != null && body.Length > 0 && body.Length <= MaxErrorBodyBytes)
                ReadBody(body, out bodyType, out message);
            type ??= bodyType;
            if (string.IsNullOrEmpty(type)) type = status >= HttpStatusCode.InternalServerError ? "InternalFailure" : "UnknownError";
            if (string.IsNullOrEmpty(message)) message = $"{operation} failed with HTTP {(int)status} {status} and no error message.";
            return Create(type!, message!, status, operation, requestId);
        }

        /// <summary>The text before the first ':' with any 'namespace#' prefix removed.</summary>
        public static string? TypeFromHeader(string? header)
        {
            if (string.IsNullOrWhiteSpace(header)) return null;
            var value = header!;
            int colon = value.IndexOf(':');
            if (colon >= 0) value = value.Substring(0, colon);
            return StripNamespace(value.Trim());
        }

        private static string? StripNamespace(string? value)
        {
            if (string.IsNullOrEmpty(value)) return null;
            int hash = value!.LastIndexOf('#');
            var stripped = hash >= 0 ? value.Substring(hash + 1) : value;
            return stripped.Length == 0 ? null : stripped;
        }

        private static void ReadBody(byte[] body, out string? type, out string? message)
        {
            type = null;
            message = null;
            try
            {
                using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return;
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String) continue;
                    switch (property.Name)
                    {
                        case "__type":
                            type = StripNamespace(property.Value.GetString());
                            break;
                        case "code":
                        case "Code":
                            type ??= StripNamespace(property.Value.GetString());
                            break;
                        case "message":
                        case "Message":
                            message ??= property.Value.GetString();
                            break;
                    }
                }
            }
            catch (JsonException)
            {
                // A non-JSON error body carries no type or message; the status code still types the error.
            }
        }

        public static KinesisVideoServiceException Create(string type, string message, HttpStatusCode status, string operation, string? requestId)
        {
            switch (type)
            {
                case nameof(AccessDeniedException): return new AccessDeniedException(message, status, operation, requestId);
                case nameof(ClientLimitExceededException): return new ClientLimitExceededException(message, status, operation, requestId);
                case nameof(InvalidArgumentException): return new InvalidArgumentException(message, status, operation, requestId);
                case nameof(ResourceNotFoundException): return new ResourceNotFoundException(message, status, operation, requestId);
                case nameof(ResourceInUseException): return new ResourceInUseException(message, status, operation, requestId);
                case nameof(VersionMismatchException): return new VersionMismatchException(message, status, operation, requestId);
                case nameof(NotAuthorizedException): return new NotAuthorizedException(message, status, operation, requestId);
                case nameof(SessionExpiredException): return new SessionExpiredException(message, status, operation, requestId);
                case nameof(AccountChannelLimitExceededException): return new AccountChannelLimitExceededException(message, status, operation, requestId);
                case nameof(TagsPerResourceExceededLimitException): return new TagsPerResourceExceededLimitException(message, status, operation, requestId);
                default: return new KinesisVideoServiceException(type, message, status, operation, requestId);
            }
        }
    }
}
