using System;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>A channel named either by a checked ARN or by its name.</summary>
    public sealed class ChannelReference
    {
        private ChannelReference(string? arn, string? name)
        {
            Arn = arn;
            Name = name;
        }

        public string? Arn { get; }
        public string? Name { get; }

        public static ChannelReference FromArn(string arn) => new ChannelReference(ChannelArn.Parse(arn).Value, null);

        public static ChannelReference FromName(string name)
        {
            if (!ResourceNames.IsValid(name))
                throw new ArgumentException($"'{name}' is not a valid channel name: use 1 to 256 letters, digits, '_', '.' or '-'.", nameof(name));
            return new ChannelReference(null, name);
        }

        internal ChannelSelector ToSelector() => new ChannelSelector { ChannelARN = Arn, ChannelName = Arn == null ? Name : null };

        public override string ToString() => Arn ?? $"'{Name}'";
    }
}
