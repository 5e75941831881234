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

        /// <summary>
        /// The channel given as -ChannelARN or -ChannelName. Both may arrive together from a piped object that has both
        /// properties (AWS.Tools' ChannelInfo); the ARN is used when it names the same channel.
        /// </summary>
        public static ChannelReference FromArnOrName(string? arn, string? name)
        {
            if (arn == null && name == null) throw new ArgumentException("Pass -ChannelARN or -ChannelName.");
            if (arn == null) return FromName(name!);
            var parsed = ChannelArn.Parse(arn);
            if (name != null && name != parsed.ChannelName)
                throw new ArgumentException($"-ChannelARN {arn} names channel '{parsed.ChannelName}' but -ChannelName is '{name}'; pass one of them.");
            return new ChannelReference(parsed.Value, null);
        }

        internal ChannelSelector ToSelector() => new ChannelSelector { ChannelARN = Arn, ChannelName = Arn == null ? Name : null };

        public override string ToString() => Arn ?? $"'{Name}'";
    }
}
