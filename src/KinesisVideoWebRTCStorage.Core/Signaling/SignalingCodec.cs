using System;
using System.IO;
using System.Text.Json;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.Signaling
{
    /// <summary>
    /// Reads and writes KVS signaling messages. Input is untrusted: anything but a well-formed message within the
    /// size limit is a <see cref="SignalingFormatException"/>. Readers accept camelCase keys and the capitalised
    /// keys the C SDK sends.
    /// </summary>
    public static class SignalingCodec
    {
        /// <summary>The service's limit on one message.</summary>
        public const int MaxMessageBytes = 10 * 1024;

        private static readonly JsonDocumentOptions DocumentOptions = new JsonDocumentOptions { MaxDepth = 8 };
        public static bool IsValidCorrelationId(string? value) => ResourceNames.IsValid(value);

        public static bool IsValidClientId(string? value) => ResourceNames.IsValid(value);

        public static byte[] Encode(ClientMessage message)
        {
            if (message.CorrelationId != null && !IsValidCorrelationId(message.CorrelationId))
                throw new ArgumentException("A correlationId is 1 to 256 of [a-zA-Z0-9_.-].", nameof(message));
            var bytes = Write(writer =>
            {
                writer.WriteString("action", message.Action.ToString());
                if (message.RecipientClientId != null) writer.WriteString("recipientClientId", message.RecipientClientId);
                writer.WriteString("messagePayload", message.MessagePayload);
                if (message.CorrelationId != null) writer.WriteString("correlationId", message.CorrelationId);
            });
            if (bytes.Length > MaxMessageBytes)
                throw new ArgumentException($"The {message.Action} message is {bytes.Length} bytes; signaling allows at most {MaxMessageBytes}.", nameof(message));
            return bytes;
        }

        public static byte[] Encode(ServiceMessage message) => Write(writer =>
        {
            if (message.SenderClientId != null) writer.WriteString("senderClientId", message.SenderClientId);
            writer.WriteString("messageType", message.MessageType.ToString());
            if (message.MessagePayload != null) writer.WriteString("messagePayload", message.MessagePayload);
            if (message.StatusResponse != null)
            {
                writer.WriteStartObject("statusResponse");
                if (message.StatusResponse.CorrelationId != null) writer.WriteString("correlationId", message.StatusResponse.CorrelationId);
                if (message.StatusResponse.ErrorType != null) writer.WriteString("errorType", message.StatusResponse.ErrorType);
                if (message.StatusResponse.StatusCode != null) writer.WriteString("statusCode", message.StatusResponse.StatusCode);
                if (message.StatusResponse.Description != null) writer.WriteString("description", message.StatusResponse.Description);
                writer.WriteEndObject();
            }
        });

        public static ClientMessage DecodeClientMessage(ReadOnlyMemory<byte> utf8)
        {
            using var document = Parse(utf8);
            var root = document.RootElement;
            var action = ParseType(RequiredString(root, "action", "Action"), "action");
            if (action != SignalingMessageType.SDP_OFFER && action != SignalingMessageType.SDP_ANSWER && action != SignalingMessageType.ICE_CANDIDATE)
                throw new SignalingFormatException($"'{action}' is not an action a client may send.");
            // Empty means no recipient, that is the storage session: the C SDK answers the storage offer, which names
            // no sender, with "RecipientClientId": "".
            var recipient = OptionalString(root, "recipientClientId", "RecipientClientId") is { Length: > 0 } named ? named : null;
            if (recipient != null && !IsValidClientId(recipient)) throw new SignalingFormatException("recipientClientId is not a valid client id.");
            var correlation = OptionalString(root, "correlationId", "CorrelationId");
            if (correlation != null && !IsValidCorrelationId(correlation)) throw new SignalingFormatException("correlationId must be 1 to 256 of [a-zA-Z0-9_.-].");
            return new ClientMessage(action, RequiredString(root, "messagePayload", "MessagePayload"), recipient, correlation);
        }

        /// <summary>
        /// The correlationId of a message even when the rest of it is invalid or cut off (an oversized message is
        /// read only up to the limit), so that the refusal can name it.
        /// </summary>
        public static string? TryReadCorrelationId(ReadOnlySpan<byte> utf8)
        {
            var reader = new Utf8JsonReader(utf8.Length > MaxMessageBytes ? utf8.Slice(0, MaxMessageBytes) : utf8, isFinalBlock: false, state: default);
            try
            {
                while (reader.Read())
                {
                    if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                    bool isCorrelation = reader.ValueTextEquals("correlationId") || reader.ValueTextEquals("CorrelationId");
                    if (!reader.Read()) return null;
                    if (isCorrelation && reader.TokenType == JsonTokenType.String)
                    {
                        var value = reader.GetString();
                        return IsValidCorrelationId(value) ? value : null;
                    }
                    if (reader.TokenType == JsonTokenType.StartObject || reader.TokenType == JsonTokenType.StartArray) reader.Skip();
                }
            }
            catch (Exception e) when (e is JsonException || e is InvalidOperationException)
            {
            }
            return null;
        }

        public static ServiceMessage DecodeServiceMessage(ReadOnlyMemory<byte> utf8)
        {
            using var document = Parse(utf8);
            var root = document.RootElement;
            var type = ParseType(RequiredString(root, "messageType", "MessageType"), "messageType");
            StatusResponse? status = null;
            if (TryGet(root, "statusResponse", "StatusResponse", out var statusElement) && statusElement.ValueKind == JsonValueKind.Object)
            {
                status = new StatusResponse(
                    OptionalString(statusElement, "correlationId", "CorrelationId"),
                    OptionalString(statusElement, "errorType", "ErrorType"),
                    OptionalString(statusElement, "statusCode", "StatusCode"),
                    OptionalString(statusElement, "description", "Description"));
            }
            var payload = OptionalString(root, "messagePayload", "MessagePayload");
            if ((type == SignalingMessageType.SDP_OFFER || type == SignalingMessageType.SDP_ANSWER || type == SignalingMessageType.ICE_CANDIDATE) && payload == null)
                throw new SignalingFormatException($"{type} has no messagePayload.");
            return new ServiceMessage(type, payload, OptionalString(root, "senderClientId", "SenderClientId"), status);
        }

        public static string EncodeSessionDescription(SessionDescriptionPayload description) =>
            Base64Json(writer =>
            {
                writer.WriteString("type", description.Type);
                writer.WriteString("sdp", description.Sdp);
            });

        public static string EncodeIceCandidate(IceCandidatePayload candidate) =>
            Base64Json(writer =>
            {
                writer.WriteString("candidate", candidate.Candidate);
                if (candidate.SdpMid != null) writer.WriteString("sdpMid", candidate.SdpMid);
                if (candidate.SdpMLineIndex != null) writer.WriteNumber("sdpMLineIndex", candidate.SdpMLineIndex.Value);
            });

        public static SessionDescriptionPayload DecodeSessionDescription(string messagePayload)
        {
            using var document = Parse(FromBase64(messagePayload));
            var type = RequiredString(document.RootElement, "type", "Type");
            if (type != "offer" && type != "answer") throw new SignalingFormatException($"'{type}' is not a session description type.");
            return new SessionDescriptionPayload(type, RequiredString(document.RootElement, "sdp", "Sdp"));
        }

        public static IceCandidatePayload DecodeIceCandidate(string messagePayload)
        {
            using var document = Parse(FromBase64(messagePayload));
            var root = document.RootElement;
            int? index = null;
            if (TryGet(root, "sdpMLineIndex", "SdpMLineIndex", out var indexElement) && indexElement.ValueKind == JsonValueKind.Number)
            {
                if (!indexElement.TryGetInt32(out var parsed) || parsed < 0 || parsed > 1024) throw new SignalingFormatException("sdpMLineIndex is out of range.");
                index = parsed;
            }
            return new IceCandidatePayload(RequiredString(root, "candidate", "Candidate"), OptionalString(root, "sdpMid", "SdpMid"), index);
        }

        private static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
        {
            if (utf8.Length > MaxMessageBytes) throw new SignalingFormatException($"the message is {utf8.Length} bytes; the limit is {MaxMessageBytes}.");
            try
            {
                var document = JsonDocument.Parse(utf8, DocumentOptions);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    document.Dispose();
                    throw new SignalingFormatException("a message must be a JSON object.");
                }
                return document;
            }
            catch (JsonException e)
            {
                throw new SignalingFormatException("the message is not valid JSON: " + e.Message);
            }
        }

        private static byte[] FromBase64(string value)
        {
            if (value.Length > MaxMessageBytes * 2) throw new SignalingFormatException("the payload is too large.");
            try
            {
                return Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                throw new SignalingFormatException("messagePayload is not base64.");
            }
        }

        private static SignalingMessageType ParseType(string value, string member)
        {
            if (Enum.TryParse<SignalingMessageType>(value, ignoreCase: false, out var type) && Enum.IsDefined(typeof(SignalingMessageType), type) &&
                !char.IsDigit(value[0]))
                return type;
            throw new SignalingFormatException($"'{Shorten(value)}' is not a known {member}.");
        }

        private static bool TryGet(JsonElement element, string name, string alternateName, out JsonElement value) =>
            element.TryGetProperty(name, out value) || element.TryGetProperty(alternateName, out value);

        private static string? OptionalString(JsonElement element, string name, string alternateName)
        {
            if (!TryGet(element, name, alternateName, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.String) throw new SignalingFormatException($"{name} must be a string.");
            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException)
            {
                throw new SignalingFormatException($"{name} is not valid UTF-8.");
            }
        }

        private static string RequiredString(JsonElement element, string name, string alternateName) =>
            OptionalString(element, name, alternateName) is { Length: > 0 } value ? value : throw new SignalingFormatException($"{name} is missing.");

        private static byte[] Write(Action<Utf8JsonWriter> body)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, MinimalJsonEncoder.WriterOptions))
            {
                writer.WriteStartObject();
                body(writer);
                writer.WriteEndObject();
            }
            return stream.ToArray();
        }

        private static string Base64Json(Action<Utf8JsonWriter> body) => Convert.ToBase64String(Write(body));

        private static string Shorten(string value) => value.Length <= 40 ? value : value.Substring(0, 40) + "…";
    }
}
