namespace KinesisVideoWebRTCStorage.Signaling
{
    /// <summary>The message types of the KVS signaling protocol, in both directions.</summary>
    public enum SignalingMessageType
    {
        SDP_OFFER,
        SDP_ANSWER,
        ICE_CANDIDATE,
        GO_AWAY,
        RECONNECT_ICE_SERVER,
        STATUS_RESPONSE,
    }

    /// <summary>What a client sends: {"action","recipientClientId"?,"messagePayload","correlationId"?}.</summary>
    public sealed class ClientMessage
    {
        public ClientMessage(SignalingMessageType action, string messagePayload, string? recipientClientId = null, string? correlationId = null)
        {
            Action = action;
            MessagePayload = messagePayload;
            RecipientClientId = recipientClientId;
            CorrelationId = correlationId;
        }

        public SignalingMessageType Action { get; }

        /// <summary>Base64 of the JSON payload (a session description or an ICE candidate).</summary>
        public string MessagePayload { get; }
        public string? RecipientClientId { get; }
        public string? CorrelationId { get; }
    }

    /// <summary>The error the service reports for a client message that carried a correlationId.</summary>
    public sealed class StatusResponse
    {
        public StatusResponse(string? correlationId, string? errorType, string? statusCode, string? description)
        {
            CorrelationId = correlationId;
            ErrorType = errorType;
            StatusCode = statusCode;
            Description = description;
        }

        public string? CorrelationId { get; }
        public string? ErrorType { get; }
        public string? StatusCode { get; }
        public string? Description { get; }

        public override string ToString() => $"{ErrorType} ({StatusCode}) for {CorrelationId}: {Description}";
    }

    /// <summary>What the service sends: {"senderClientId"?,"messageType","messagePayload"?,"statusResponse"?}.</summary>
    public sealed class ServiceMessage
    {
        public ServiceMessage(SignalingMessageType messageType, string? messagePayload = null, string? senderClientId = null, StatusResponse? statusResponse = null)
        {
            MessageType = messageType;
            MessagePayload = messagePayload;
            SenderClientId = senderClientId;
            StatusResponse = statusResponse;
        }

        public SignalingMessageType MessageType { get; }
        public string? MessagePayload { get; }

        /// <summary>Absent for messages of the storage service.</summary>
        public string? SenderClientId { get; }
        public StatusResponse? StatusResponse { get; }
    }

    /// <summary>The decoded messagePayload of SDP_OFFER and SDP_ANSWER.</summary>
    public sealed class SessionDescriptionPayload
    {
        public SessionDescriptionPayload(string type, string sdp)
        {
            Type = type;
            Sdp = sdp;
        }

        /// <summary>"offer" or "answer".</summary>
        public string Type { get; }
        public string Sdp { get; }
    }

    /// <summary>The decoded messagePayload of ICE_CANDIDATE.</summary>
    public sealed class IceCandidatePayload
    {
        public IceCandidatePayload(string candidate, string? sdpMid, int? sdpMLineIndex)
        {
            Candidate = candidate;
            SdpMid = sdpMid;
            SdpMLineIndex = sdpMLineIndex;
        }

        /// <summary>The candidate attribute ("candidate:…"); empty for end-of-candidates.</summary>
        public string Candidate { get; }
        public string? SdpMid { get; }
        public int? SdpMLineIndex { get; }
    }
}
