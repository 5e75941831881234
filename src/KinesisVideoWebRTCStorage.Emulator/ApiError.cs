using System;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>An AWS error answer: x-amzn-ErrorType plus a JSON body, as the real endpoints send.</summary>
    public sealed class ApiError : Exception
    {
        public ApiError(int status, string type, string message) : base(message)
        {
            Status = status;
            Type = type;
        }

        public int Status { get; }
        public string Type { get; }

        public static ApiError NotFound(string message) => new ApiError(404, "ResourceNotFoundException", message);
        public static ApiError InvalidArgument(string message) => new ApiError(400, "InvalidArgumentException", message);
        public static ApiError InUse(string message) => new ApiError(400, "ResourceInUseException", message);
        public static ApiError AccessDenied(string message) => new ApiError(403, "AccessDeniedException", message);
        public static ApiError ClientLimitExceeded(string message) => new ApiError(400, "ClientLimitExceededException", message);
    }
}
