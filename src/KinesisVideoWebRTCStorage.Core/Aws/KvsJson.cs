using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>JSON settings of the Kinesis Video rest-json wire: members named exactly, nulls omitted.</summary>
    internal static class KvsJson
    {
        public static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            MaxDepth = 32,
            TypeInfoResolver = KvsJsonContext.Default,
            Encoder = MinimalJsonEncoder.Instance,
        };

        public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

        public static T Deserialize<T>(byte[] body, string operation) where T : class, new()
        {
            if (body.Length == 0) return new T();
            try
            {
                return JsonSerializer.Deserialize(body, TypeInfo<T>()) ?? new T();
            }
            catch (JsonException e)
            {
                throw new KinesisVideoResponseException($"{operation} returned a response that is not the expected JSON: {e.Message}", e);
            }
        }

        private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
    }

    /// <summary>rest-json timestamps: seconds since the epoch, possibly fractional.</summary>
    public sealed class EpochSecondsConverter : JsonConverter<DateTime?>
    {
        public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return null;
                case JsonTokenType.Number:
                    var seconds = reader.GetDouble();
                    if (double.IsNaN(seconds) || seconds < 0 || seconds > 253402300799) throw new JsonException($"timestamp {seconds} is out of range");
                    return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)).UtcDateTime;
                case JsonTokenType.String when DateTime.TryParse(reader.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed):
                    return parsed;
                default:
                    throw new JsonException("expected a timestamp");
            }
        }

        public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
        {
            if (value == null) writer.WriteNullValue();
            else writer.WriteNumberValue(new DateTimeOffset(value.Value.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        }
    }
}
