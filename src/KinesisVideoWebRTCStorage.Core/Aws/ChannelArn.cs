using System;
using System.Text.RegularExpressions;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>A signaling channel ARN checked against the KinesisVideo API model's pattern.</summary>
    public sealed class ChannelArn
    {
        public const string ExpectedForm = "arn:<partition>:kinesisvideo:<region>:<account-id>:channel/<channel-name>/<creation-time-ms>";

        // The pattern of the API model; the channel resource type is fixed to "channel".
        private static readonly Regex Pattern = new Regex(
            @"^arn:(?<partition>aws[a-zA-Z-]*):kinesisvideo:(?<region>[a-z0-9-]+):(?<account>[0-9]+):(?<type>[a-z]+)/(?<name>[a-zA-Z0-9_.-]+)/(?<time>[0-9]+)$",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        public const int MaxLength = 1024;

        private ChannelArn(string value, Match match)
        {
            Value = value;
            Partition = match.Groups["partition"].Value;
            Region = match.Groups["region"].Value;
            AccountId = match.Groups["account"].Value;
            ResourceType = match.Groups["type"].Value;
            ChannelName = match.Groups["name"].Value;
            CreationTime = match.Groups["time"].Value;
        }

        public string Value { get; }
        public string Partition { get; }
        public string Region { get; }
        public string AccountId { get; }
        public string ResourceType { get; }
        public string ChannelName { get; }
        public string CreationTime { get; }

        public static bool TryParse(string? value, out ChannelArn? arn)
        {
            arn = null;
            if (string.IsNullOrEmpty(value) || value!.Length > MaxLength) return false;
            var match = Pattern.Match(value);
            if (!match.Success) return false;
            arn = new ChannelArn(value, match);
            return true;
        }

        /// <summary>Parses the ARN or throws <see cref="InvalidChannelArnException"/> naming the value and the expected form.</summary>
        public static ChannelArn Parse(string? value)
        {
            if (TryParse(value, out var arn)) return arn!;
            throw new InvalidChannelArnException(value);
        }

        public override string ToString() => Value;
    }

    /// <summary>Raised before any request when a channel ARN does not match the API's pattern.</summary>
    public sealed class InvalidChannelArnException : ArgumentException
    {
        public InvalidChannelArnException(string? value)
            : base($"'{Shorten(value)}' is not a valid signaling channel ARN. Expected the form {ChannelArn.ExpectedForm}, " +
                   "for example arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam1/1700000000000. " +
                   "Pass -ChannelName to look the ARN up by name.")
        {
            Value = value;
        }

        public string? Value { get; }

        private static string Shorten(string? value)
        {
            if (value == null) return "";
            return value.Length <= 200 ? value : value.Substring(0, 200) + "…";
        }
    }
}
