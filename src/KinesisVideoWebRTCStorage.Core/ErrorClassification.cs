using System;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage
{
    /// <summary>
    /// A stable error id and the name of the PowerShell ErrorCategory for a failure, so that every host
    /// (cmdlets, CLI) reports the same thing. Category names are members of System.Management.Automation.ErrorCategory.
    /// </summary>
    public readonly struct ErrorClassification
    {
        public ErrorClassification(string errorId, string category)
        {
            ErrorId = errorId;
            Category = category;
        }

        public string ErrorId { get; }
        public string Category { get; }

        public static ErrorClassification Of(Exception error)
        {
            switch (error)
            {
                case ResourceNotFoundException e: return new ErrorClassification(e.ErrorType, "ObjectNotFound");
                case AccessDeniedException e: return new ErrorClassification(e.ErrorType, "PermissionDenied");
                case NotAuthorizedException e: return new ErrorClassification(e.ErrorType, "PermissionDenied");
                case InvalidArgumentException e: return new ErrorClassification(e.ErrorType, "InvalidArgument");
                case ClientLimitExceededException e: return new ErrorClassification(e.ErrorType, "LimitsExceeded");
                case ResourceInUseException e: return new ErrorClassification(e.ErrorType, "ResourceBusy");
                case VersionMismatchException e: return new ErrorClassification(e.ErrorType, "InvalidOperation");
                case SessionExpiredException e: return new ErrorClassification(e.ErrorType, "AuthenticationError");
                case AccountChannelLimitExceededException e: return new ErrorClassification(e.ErrorType, "QuotaExceeded");
                case TagsPerResourceExceededLimitException e: return new ErrorClassification(e.ErrorType, "QuotaExceeded");
                case KinesisVideoServiceException e:
                    return new ErrorClassification(e.ErrorType, (int)e.StatusCode >= 500 ? "ResourceUnavailable" : "NotSpecified");
                case KinesisVideoTimeoutException _: return new ErrorClassification("EndpointTimeout", "OperationTimeout");
                case KinesisVideoConnectionException _: return new ErrorClassification("EndpointUnreachable", "ConnectionError");
                case KinesisVideoCertificateException _: return new ErrorClassification("EndpointCertificateNotTrusted", "SecurityError");
                case CaBundleException _: return new ErrorClassification("CaBundleInvalid", "InvalidArgument");
                case KinesisVideoResponseException _: return new ErrorClassification("InvalidServiceResponse", "InvalidResult");
                case MediaStorageNotEnabledException _: return new ErrorClassification("MediaStorageNotEnabled", "InvalidOperation");
                case KinesisVideoWebRTCStorage.Hosting.LocalEmulatorStartException _: return new ErrorClassification("EmulatorStartFailed", "ResourceUnavailable");
                case KinesisVideoWebRTCStorage.Ingest.IngestMediaException e:
                    return e.NotFound ? new ErrorClassification("MediaFileNotFound", "ObjectNotFound") : new ErrorClassification("UnsupportedMedia", "InvalidData");
                case KinesisVideoWebRTCStorage.Viewer.ViewerFailedException _: return new ErrorClassification("ViewerFailed", "ConnectionError");
                case KinesisVideoWebRTCStorage.Viewer.ViewerAudioException e:
                    return e.NotFound ? new ErrorClassification("MediaFileNotFound", "ObjectNotFound") : new ErrorClassification("UnsupportedMedia", "InvalidData");
                case KinesisVideoWebRTCStorage.Viewer.ViewerOptionsException e:
                    return new ErrorClassification(e.ParamName == "ClientId" ? "InvalidClientId" : "ViewerOptionInvalid", "InvalidArgument");
                case KinesisVideoWebRTCStorage.Ingest.ReceivedAudioPathException _: return new ErrorClassification("ReceivedAudioPathInvalid", "InvalidArgument");
                case KinesisVideoWebRTCStorage.Ingest.IngestFailedException _: return new ErrorClassification("IngestFailed", "ConnectionError");
                case KinesisVideoWebRTCStorage.Signaling.SignalingConnectException _: return new ErrorClassification("SignalingConnectFailed", "ConnectionError");
                case KinesisVideoWebRTCStorage.WebRtc.RtcConnectionFailedException _: return new ErrorClassification("WebRtcConnectionFailed", "ConnectionError");
                case InvalidChannelArnException _: return new ErrorClassification("InvalidChannelArn", "InvalidArgument");
                case CredentialResolutionException _: return new ErrorClassification("CredentialsNotFound", "AuthenticationError");
                case RegionResolutionException _: return new ErrorClassification("RegionNotFound", "InvalidArgument");
                case ArgumentException _: return new ErrorClassification("InvalidArgument", "InvalidArgument");
                case OperationCanceledException _: return new ErrorClassification("OperationStopped", "OperationStopped");
                default: return new ErrorClassification("UnexpectedError", "NotSpecified");
            }
        }
    }
}
