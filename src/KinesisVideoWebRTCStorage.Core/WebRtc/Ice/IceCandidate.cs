using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>
    /// An ICE candidate as in <c>candidate:foundation component transport priority address port typ type [raddr a rport p]
    /// [name value]...</c> (RFC 8839 section 5.1). Extension pairs such as generation, ufrag, network-id and tcptype are kept.
    /// </summary>
    public sealed class IceCandidate
    {
        private const int MaxLength = 4096;

        public IceCandidate(string foundation, int component, string transport, uint priority, string address, int port, IceCandidateType type,
            string? relatedAddress = null, int? relatedPort = null, IEnumerable<KeyValuePair<string, string>>? extensions = null)
        {
            Foundation = foundation;
            Component = component;
            Transport = transport;
            Priority = priority;
            Address = address;
            Port = port;
            Type = type;
            RelatedAddress = relatedAddress;
            RelatedPort = relatedPort;
            Extensions = (extensions ?? Enumerable.Empty<KeyValuePair<string, string>>()).ToList();
        }

        public string Foundation { get; }
        public int Component { get; }

        /// <summary>"udp" or "tcp", lower case.</summary>
        public string Transport { get; }

        public uint Priority { get; }

        /// <summary>An IP literal, or an mDNS name (".local") that the agent cannot use without resolving it.</summary>
        public string Address { get; }

        public int Port { get; }
        public IceCandidateType Type { get; }
        public string? RelatedAddress { get; }
        public int? RelatedPort { get; }
        public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; }

        public string? Extension(string name) => Extensions.FirstOrDefault(e => e.Key == name).Value;

        /// <summary>The endpoint, or null when the address is not an IP literal.</summary>
        public IPEndPoint? EndPoint => IPAddress.TryParse(Address, out var ip) ? new IPEndPoint(ip, Port) : null;

        /// <summary>Parses an attribute value, with or without the leading "candidate:" (trickle messages carry it).</summary>
        public static IceCandidate Parse(string text)
        {
            if (text.Length > MaxLength) throw new IceFormatException("candidate is too long");
            if (text.StartsWith("a=", StringComparison.Ordinal)) text = text.Substring(2);
            if (text.StartsWith("candidate:", StringComparison.Ordinal)) text = text.Substring("candidate:".Length);
            // Split on any whitespace so no token can carry a tab or line break back out when formatted.
            string[] parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 8 || parts[6] != "typ") throw new IceFormatException("candidate needs foundation, component, transport, priority, address, port and typ");
            if (parts[0].Length > 32) throw new IceFormatException("foundation is longer than 32 characters");
            int component = ParseInt(parts[1], "component", 256);
            if (component < 1) throw new IceFormatException("component must be 1-256");
            if (!uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint priority)) throw new IceFormatException("priority is not a 32-bit number");
            int port = ParseInt(parts[5], "port", 65535);
            IceCandidateType type = parts[7] switch
            {
                "host" => IceCandidateType.Host,
                "srflx" => IceCandidateType.ServerReflexive,
                "prflx" => IceCandidateType.PeerReflexive,
                "relay" => IceCandidateType.Relayed,
                _ => throw new IceFormatException("unknown candidate type"),
            };
            string? relatedAddress = null;
            int? relatedPort = null;
            var extensions = new List<KeyValuePair<string, string>>();
            for (int i = 8; i < parts.Length; i += 2)
            {
                if (i + 1 >= parts.Length) throw new IceFormatException("extension has a name but no value");
                switch (parts[i])
                {
                    case "raddr": relatedAddress = parts[i + 1]; break;
                    case "rport": relatedPort = ParseInt(parts[i + 1], "rport", 65535); break;
                    default: extensions.Add(new KeyValuePair<string, string>(parts[i], parts[i + 1])); break;
                }
            }
            return new IceCandidate(parts[0], component, parts[2].ToLowerInvariant(), priority, parts[4], port, type, relatedAddress, relatedPort, extensions);
        }

        private static int ParseInt(string text, string what, int max)
        {
            if (text.Length > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > max)
                throw new IceFormatException($"{what} is out of range");
            return value;
        }

        /// <summary>The attribute value with the "candidate:" prefix, as trickled to a peer.</summary>
        public string ToAttributeValue()
        {
            var text = new StringBuilder("candidate:");
            text.Append(Foundation).Append(' ').Append(Component.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Transport)
                .Append(' ').Append(Priority.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Address).Append(' ')
                .Append(Port.ToString(CultureInfo.InvariantCulture)).Append(" typ ").Append(Type.ToName());
            if (RelatedAddress != null) text.Append(" raddr ").Append(RelatedAddress);
            if (RelatedPort.HasValue) text.Append(" rport ").Append(RelatedPort.Value.ToString(CultureInfo.InvariantCulture));
            foreach (var extension in Extensions) text.Append(' ').Append(extension.Key).Append(' ').Append(extension.Value);
            return text.ToString();
        }

        /// <summary>RFC 8445 section 5.1.2.1: (2^24)*type preference + (2^8)*local preference + (256 - component).</summary>
        public static uint ComputePriority(IceCandidateType type, int localPreference, int component) =>
            (uint)((type.Preference() << 24) + ((localPreference & 0xFFFF) << 8) + (256 - component));

        public override string ToString() => ToAttributeValue();
    }
}
