using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>One <c>m=</c> section: the media line, its other lines in order, and its attributes in order.</summary>
    public sealed class SdpMediaDescription
    {
        public SdpMediaDescription(string media, int port, string protocol, IEnumerable<string> formats)
        {
            Media = media;
            Port = port;
            Protocol = protocol;
            Formats = formats.ToList();
        }

        /// <summary>"audio", "video", "application".</summary>
        public string Media { get; set; }

        /// <summary>0 rejects the section, or with <c>a=bundle-only</c> marks it as only usable inside a BUNDLE group.</summary>
        public int Port { get; set; }

        public int? PortCount { get; set; }
        public string Protocol { get; set; }
        public List<string> Formats { get; }
        public List<SdpLine> Lines { get; } = new List<SdpLine>();
        public List<SdpAttribute> Attributes { get; } = new List<SdpAttribute>();

        public string? Mid => Attributes.Get("mid");

        public SdpDirection Direction
        {
            get
            {
                foreach (var attribute in Attributes)
                    if (attribute.Value == null && SdpDirectionNames.TryParse(attribute.Name, out var direction)) return direction;
                return SdpDirection.SendRecv;
            }
        }

        public bool BundleOnly => Attributes.Has("bundle-only");
        public bool RtcpMux => Attributes.Has("rtcp-mux");
        public bool RtcpReducedSize => Attributes.Has("rtcp-rsize");
        public bool EndOfCandidates => Attributes.Has("end-of-candidates");
        public string? IceUfrag => Attributes.Get("ice-ufrag");
        public string? IcePwd => Attributes.Get("ice-pwd");
        public SdpSetup? Setup => Attributes.Get("setup") is string setup ? SdpSetupNames.Parse(setup) : (SdpSetup?)null;
        public SdpFingerprint? Fingerprint => Attributes.Get("fingerprint") is string value ? SdpFingerprint.Parse(value) : null;

        /// <summary>The <c>a=candidate</c> values, without the "candidate:" prefix of the attribute name.</summary>
        public IEnumerable<string> Candidates => Attributes.GetAll("candidate");

        // The typed lists skip values that do not parse, so one peer quirk in a codec nobody uses cannot fail a whole
        // negotiation; MalformedAttributes counts what was skipped.
        public IEnumerable<SdpRtpMap> RtpMaps => ParseEach("rtpmap", SdpRtpMap.Parse);
        public IEnumerable<SdpFmtp> Fmtps => ParseEach("fmtp", SdpFmtp.Parse);
        public IEnumerable<SdpRtcpFeedback> RtcpFeedback => ParseEach("rtcp-fb", SdpRtcpFeedback.Parse);
        public IEnumerable<SdpExtmap> Extmaps => ParseEach("extmap", SdpExtmap.Parse);
        public IEnumerable<SdpSsrc> Ssrcs => ParseEach("ssrc", SdpSsrc.Parse);

        /// <summary>rtpmap, fmtp, rtcp-fb, extmap and ssrc values that did not parse and are left out of the typed lists.</summary>
        public int MalformedAttributes =>
            CountMalformed("rtpmap", SdpRtpMap.Parse) + CountMalformed("fmtp", SdpFmtp.Parse) + CountMalformed("rtcp-fb", SdpRtcpFeedback.Parse)
            + CountMalformed("extmap", SdpExtmap.Parse) + CountMalformed("ssrc", SdpSsrc.Parse);

        private IEnumerable<T> ParseEach<T>(string name, Func<string, T> parse) where T : class
        {
            foreach (string value in Attributes.GetAll(name))
            {
                T? parsed = TryParse(parse, value);
                if (parsed != null) yield return parsed;
            }
        }

        private int CountMalformed<T>(string name, Func<string, T> parse) where T : class =>
            Attributes.GetAll(name).Count(value => TryParse(parse, value) == null);

        private static T? TryParse<T>(Func<string, T> parse, string value) where T : class
        {
            try
            {
                return parse(value);
            }
            catch (SdpFormatException)
            {
                return null;
            }
        }

        public SdpFmtp? FmtpFor(int payloadType) => Fmtps.FirstOrDefault(f => f.PayloadType == payloadType);

        /// <summary>Feedback for a payload type, including wildcard entries.</summary>
        public IEnumerable<SdpRtcpFeedback> RtcpFeedbackFor(int payloadType) =>
            RtcpFeedback.Where(f => f.PayloadType == payloadType || f.PayloadType < 0);

        public SdpMediaDescription AddAttribute(string name, string? value = null)
        {
            Attributes.Add(new SdpAttribute(name, value));
            return this;
        }

        internal void Write(StringBuilder text)
        {
            text.Append("m=").Append(Media).Append(' ').Append(Port.ToString(CultureInfo.InvariantCulture));
            if (PortCount.HasValue) text.Append('/').Append(PortCount.Value.ToString(CultureInfo.InvariantCulture));
            text.Append(' ').Append(Protocol);
            foreach (string format in Formats) text.Append(' ').Append(format);
            text.Append("\r\n");
            foreach (var line in Lines) text.Append(line).Append("\r\n");
            foreach (var attribute in Attributes) text.Append(attribute.ToLine()).Append("\r\n");
        }

        public override string ToString() => $"m={Media} {Port} {Protocol} ({Attributes.Count} attributes)";
    }
}
