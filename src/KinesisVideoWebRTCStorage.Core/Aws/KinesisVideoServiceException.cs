using System;
using System.Net;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>An error returned by a Kinesis Video endpoint, typed by its error code.</summary>
    public class KinesisVideoServiceException : Exception
    {
        public KinesisVideoServiceException(string errorType, string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(message)
        {
            ErrorType = errorType;
            StatusCode = statusCode;
            Operation = operation;
            RequestId = requestId;
        }

        /// <summary>The error code, e.g. ResourceNotFoundException.</summary>
        public string ErrorType { get; }
        public HttpStatusCode StatusCode { get; }
        /// <summary>The API operation that failed, e.g. DescribeSignalingChannel.</summary>
        public string Operation { get; }
        public string? RequestId { get; }
    }

    public sealed class AccessDeniedException : KinesisVideoServiceException
    {
        public AccessDeniedException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(AccessDeniedException), message, statusCode, operation, requestId) { }
    }

    public sealed class ClientLimitExceededException : KinesisVideoServiceException
    {
        public ClientLimitExceededException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(ClientLimitExceededException), message, statusCode, operation, requestId) { }
    }

    public sealed class InvalidArgumentException : KinesisVideoServiceException
    {
        public InvalidArgumentException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(InvalidArgumentException), message, statusCode, operation, requestId) { }
    }

    public sealed class ResourceNotFoundException : KinesisVideoServiceException
    {
        public ResourceNotFoundException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(ResourceNotFoundException), message, statusCode, operation, requestId) { }
    }

    public sealed class ResourceInUseException : KinesisVideoServiceException
    {
        public ResourceInUseException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(ResourceInUseException), message, statusCode, operation, requestId) { }
    }

    public sealed class VersionMismatchException : KinesisVideoServiceException
    {
        public VersionMismatchException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(VersionMismatchException), message, statusCode, operation, requestId) { }
    }

    public sealed class NotAuthorizedException : KinesisVideoServiceException
    {
        public NotAuthorizedException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(NotAuthorizedException), message, statusCode, operation, requestId) { }
    }

    public sealed class SessionExpiredException : KinesisVideoServiceException
    {
        public SessionExpiredException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(SessionExpiredException), message, statusCode, operation, requestId) { }
    }

    public sealed class AccountChannelLimitExceededException : KinesisVideoServiceException
    {
        public AccountChannelLimitExceededException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(AccountChannelLimitExceededException), message, statusCode, operation, requestId) { }
    }

    public sealed class TagsPerResourceExceededLimitException : KinesisVideoServiceException
    {
        public TagsPerResourceExceededLimitException(string message, HttpStatusCode statusCode, string operation, string? requestId)
            : base(nameof(TagsPerResourceExceededLimitException), message, statusCode, operation, requestId) { }
    }

    /// <summary>No answer from the endpoint within the configured bound.</summary>
    public sealed class KinesisVideoTimeoutException : TimeoutException
    {
        public KinesisVideoTimeoutException(string operation, Uri endpoint, TimeSpan timeout, int attempts)
            : base($"{operation} to {endpoint.GetLeftPart(UriPartial.Authority)} got no answer within {timeout.TotalSeconds:0.###} s " +
                   $"({attempts} attempt{(attempts == 1 ? "" : "s")}). Check the endpoint and the network, or raise the timeout.")
        {
            Operation = operation;
            Endpoint = endpoint;
        }

        public string Operation { get; }
        public Uri Endpoint { get; }
    }

    /// <summary>The endpoint could not be reached (DNS, refused connection, TLS, reset).</summary>
    public sealed class KinesisVideoConnectionException : Exception
    {
        public KinesisVideoConnectionException(string operation, Uri endpoint, int attempts, Exception inner)
            : base($"{operation} could not reach {endpoint.GetLeftPart(UriPartial.Authority)} after {attempts} attempt{(attempts == 1 ? "" : "s")}: " +
                   $"{inner.GetBaseException().Message} Check -EndpointUrl/-Region and the network.", inner)
        {
            Operation = operation;
            Endpoint = endpoint;
        }

        public string Operation { get; }
        public Uri Endpoint { get; }
    }

    /// <summary>An endpoint's TLS certificate is not trusted: a private CA that is not in AWS_CA_BUNDLE, or the wrong host.</summary>
    public sealed class KinesisVideoCertificateException : Exception
    {
        public KinesisVideoCertificateException(string operation, Uri endpoint, Exception inner)
            : base($"{operation}: the TLS certificate of {endpoint.GetLeftPart(UriPartial.Authority)} is not trusted ({inner.GetBaseException().Message}). {CaBundle.Advice}", inner)
        {
            Operation = operation;
            Endpoint = endpoint;
        }

        public string Operation { get; }
        public Uri Endpoint { get; }
    }
}
