using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>
    /// An SDP session description (RFC 8866) as used by JSEP (RFC 8829). Lines and attributes are kept in order and
    /// unknown ones are preserved, so <see cref="Serialize"/> writes back what was parsed apart from line endings.
    /// <see cref="ToString"/> is a summary only: the full text carries ice-pwd.
    /// </summary>
    public sealed class SdpSessionDescription
    {
        /// <summary>Bounds the work a hostile peer can cause; real offers are a few kilobytes.</summary>
        public const int MaxLength = 256 * 1024;

        public SdpSessionDescription(SdpOrigin origin, string sessionName = "-")
        {
            Origin = origin;
            SessionName = sessionName;
        }

        public SdpOrigin Origin { get; set; }
        public string SessionName { get; set; }

        /// <summary>Session-level lines other than v=, o=, s= and a= (t=, c=, b=, ...), in order.</summary>
        public List<SdpLine> Lines { get; } = new List<SdpLine>();

        public List<SdpAttribute> Attributes { get; } = new List<SdpAttribute>();
        public List<SdpMediaDescription> Media { get; } = new List<SdpMediaDescription>();

        /// <summary>The mids of each <c>a=group:BUNDLE</c>.</summary>
        public IEnumerable<IReadOnlyList<string>> BundleGroups =>
            Attributes.GetAll("group").Select(g => g.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                .Where(parts => parts.Length > 0 && parts[0] == "BUNDLE").Select(parts => (IReadOnlyList<string>)parts.Skip(1).ToList());

        /// <summary>The peer runs ICE lite (RFC 8445 section 2.5), so a full agent facing it must take the controlling role.</summary>
        public bool IceLite => Attributes.Has("ice-lite");

        /// <summary>A media-level attribute, falling back to the session level as RFC 8839 and RFC 8122 allow.</summary>
        public string? GetMediaOrSessionAttribute(SdpMediaDescription media, string name) => media.Attributes.Get(name) ?? Attributes.Get(name);

        public string? IceUfragFor(SdpMediaDescription media) => GetMediaOrSessionAttribute(media, "ice-ufrag");
        public string? IcePwdFor(SdpMediaDescription media) => GetMediaOrSessionAttribute(media, "ice-pwd");

        public SdpFingerprint? FingerprintFor(SdpMediaDescription media) =>
            GetMediaOrSessionAttribute(media, "fingerprint") is string value ? SdpFingerprint.Parse(value) : null;

        public SdpSetup? SetupFor(SdpMediaDescription media) =>
            GetMediaOrSessionAttribute(media, "setup") is string value ? SdpSetupNames.Parse(value) : (SdpSetup?)null;

        public static SdpSessionDescription Parse(string text)
        {
            if (text.Length > MaxLength) throw new SdpFormatException($"description is longer than {MaxLength} characters");
            SdpSessionDescription? session = null;
            SdpMediaDescription? media = null;
            bool sawVersion = false, sawName = false;
            int lineNumber = 0;
            foreach (string raw in text.Split('\n'))
            {
                lineNumber++;
                string line = raw.EndsWith("\r", StringComparison.Ordinal) ? raw.Substring(0, raw.Length - 1) : raw;
                if (line.Length == 0) continue;
                if (line.Length < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
                    throw new SdpFormatException($"line {lineNumber} is not of the form <type>=<value>");
                char type = line[0];
                string value = line.Substring(2);
                if (!sawVersion)
                {
                    if (type != 'v' || value != "0") throw new SdpFormatException("description must start with v=0");
                    sawVersion = true;
                    continue;
                }
                if (session == null)
                {
                    if (type != 'o') throw new SdpFormatException($"line {lineNumber}: o= must follow v=");
                    session = new SdpSessionDescription(SdpOrigin.Parse(value, lineNumber));
                    continue;
                }
                switch (type)
                {
                    case 'v':
                    case 'o':
                        throw new SdpFormatException($"line {lineNumber}: repeated {type}=");
                    case 's':
                        if (sawName || media != null) throw new SdpFormatException($"line {lineNumber}: misplaced s=");
                        session.SessionName = value;
                        sawName = true;
                        break;
                    case 'm':
                        media = ParseMediaLine(value, lineNumber);
                        session.Media.Add(media);
                        break;
                    case 'a':
                        var attribute = ParseAttribute(value);
                        if (media != null) media.Attributes.Add(attribute);
                        else session.Attributes.Add(attribute);
                        break;
                    default:
                        if (media != null) media.Lines.Add(new SdpLine(type, value));
                        else session.Lines.Add(new SdpLine(type, value));
                        break;
                }
            }
            if (session == null) throw new SdpFormatException("description has no o= line");
            return session;
        }

        private static SdpAttribute ParseAttribute(string value)
        {
            int colon = value.IndexOf(':');
            return colon < 0 ? new SdpAttribute(value) : new SdpAttribute(value.Substring(0, colon), value.Substring(colon + 1));
        }

        private static SdpMediaDescription ParseMediaLine(string value, int lineNumber)
        {
            string[] parts = value.Split(' ');
            if (parts.Length < 3 || parts[0].Length == 0 || parts[2].Length == 0) throw new SdpFormatException($"line {lineNumber}: m= needs media, port and protocol");
            string portText = parts[1];
            int? count = null;
            int slash = portText.IndexOf('/');
            if (slash >= 0)
            {
                count = SdpNumbers.ParseInt(portText.Substring(slash + 1), $"line {lineNumber}: m= port count", 65535);
                portText = portText.Substring(0, slash);
            }
            int port = SdpNumbers.ParseInt(portText, $"line {lineNumber}: m= port", 65535);
            return new SdpMediaDescription(parts[0], port, parts[2], parts.Skip(3).Where(f => f.Length > 0)) { PortCount = count };
        }

        /// <summary>The SDP text with CRLF line endings. It contains ice-pwd: send it to the peer, never log it.</summary>
        public string Serialize()
        {
            var text = new StringBuilder();
            text.Append("v=0\r\n");
            text.Append("o=").Append(Origin).Append("\r\n");
            text.Append("s=").Append(SessionName).Append("\r\n");
            foreach (var line in Lines) text.Append(line).Append("\r\n");
            foreach (var attribute in Attributes) text.Append(attribute.ToLine()).Append("\r\n");
            foreach (var media in Media) media.Write(text);
            return text.ToString();
        }

        public override string ToString() => $"SDP session {Origin.SessionId} v{Origin.SessionVersion}: {string.Join(", ", Media.Select(m => m.Media + " mid=" + m.Mid))}";
    }
}
