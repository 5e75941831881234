using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;

namespace KinesisVideoWebRTCStorage.Bench.Srtp
{
    /// <summary>
    /// SRTP protect throughput (AES-CM with HMAC-SHA1, and AES-GCM), packetize+protect cost per 1080p keyframe and
    /// steady-state allocations, next to the libsrtp2 figures and the OpenSSL ceilings of this machine that bench/srtp.sh
    /// measures in the same run and passes in (--libsrtp-mbps, --libsrtp-vector, --openssl-ctr/-hmac/-gcm, in MB/s).
    /// Prints figures; it asserts nothing.
    /// </summary>
    internal static class Program
    {
        private const int PacketLength = 1200;
        private const int Packets = 200_000;
        private const uint Ssrc = 0xCAFEBABE;

        private static int Main(string[] args)
        {
            double? libsrtpMbps = null, opensslCtr = null, opensslHmac = null, opensslGcm = null;
            string? libsrtpVector = null, libsrtpWrap = null, libsrtpRtcp = null;
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                if (args[i] == "--libsrtp-mbps") libsrtpMbps = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                else if (args[i] == "--openssl-ctr") opensslCtr = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                else if (args[i] == "--openssl-hmac") opensslHmac = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                else if (args[i] == "--openssl-gcm") opensslGcm = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                else if (args[i] == "--libsrtp-vector") libsrtpVector = args[i + 1];
                else if (args[i] == "--libsrtp-wrap") libsrtpWrap = args[i + 1];
                else if (args[i] == "--libsrtp-rtcp") libsrtpRtcp = args[i + 1];
            }

            // The libsrtp harness uses bytes 1..30 as master key then salt.
            var keyAndSalt = Enumerable.Range(1, 30).Select(i => (byte)i).ToArray();
            SrtpSession NewSession() => new SrtpSession(SrtpProtectionProfile.Aes128CmHmacSha1_80, keyAndSalt.AsSpan(0, 16), keyAndSalt.AsSpan(16, 14));

            var template = new byte[PacketLength];
            var payload = Enumerable.Range(12, PacketLength - 12).Select(i => (byte)(i * 7)).ToArray();
            RtpPacket.Write(template, new RtpHeader(96, 0, 0, Ssrc), payload);
            var buffer = new byte[PacketLength + SrtpProtectionProfiles.MaxTrailerLength];

            int exit = 0;
            if (libsrtpVector != null)
            {
                using var session = NewSession();
                template.CopyTo(buffer, 0);
                buffer[3] = 1;
                int length = session.ProtectRtp(buffer, PacketLength);
                bool same = Convert.ToHexString(buffer, 0, length) == libsrtpVector;
                Console.WriteLine($"interop with libsrtp2 (seq 1, 1200 B):  {(same ? "identical bytes" : "MISMATCH")}");
                if (!same) exit = 1;
            }

            if (libsrtpWrap != null && libsrtpRtcp != null)
            {
                using var receiver = NewSession();
                int unprotected = 0;
                foreach (var hex in libsrtpWrap.Split(','))
                {
                    var packet = Convert.FromHexString(hex);
                    if (!receiver.TryUnprotectRtp(packet, packet.Length, out int length)) continue;
                    var expected = (byte[])template.Clone();
                    expected[2] = packet[2];
                    expected[3] = packet[3];
                    if (packet.AsSpan(0, length).SequenceEqual(expected)) unprotected++;
                }
                var rtcp = Convert.FromHexString(libsrtpRtcp);
                bool rtcpOk = receiver.TryUnprotectRtcp(rtcp, rtcp.Length, out int rtcpLength)
                    && rtcp.AsSpan(0, rtcpLength).SequenceEqual(new byte[] { 0x81, 206, 0, 2, 0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 1 });
                Console.WriteLine($"libsrtp2 packets across the seq wrap:    {unprotected}/4 unprotected to the original; SRTCP {(rtcpOk ? "ok" : "FAILED")}");
                if (unprotected != 4 || !rtcpOk) exit = 1;
            }

            double protectMbps, unprotectMbps;
            long allocated;
            using (var sender = NewSession())
            using (var receiver = NewSession())
            {
                var protectedPackets = new byte[2048][];
                Measure(sender, template, buffer, Packets, 0); // warm-up: JIT tiers, caches
                long before = GC.GetAllocatedBytesForCurrentThread();
                double seconds = BestOf(sender, template, buffer, Packets);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                protectMbps = (double)Packets * PacketLength / seconds / 1e6;

                // Unprotect: pre-protect a window of packets, then time unprotect of copies in order.
                using var source = NewSession();
                var work = new byte[buffer.Length];
                int protectedLength = 0;
                var stopwatch = new Stopwatch();
                for (int round = 0; round < Packets / protectedPackets.Length; round++)
                {
                    for (int i = 0; i < protectedPackets.Length; i++)
                    {
                        var p = protectedPackets[i] ??= new byte[buffer.Length];
                        template.CopyTo(p, 0);
                        ushort seq = (ushort)(round * protectedPackets.Length + i);
                        p[2] = (byte)(seq >> 8);
                        p[3] = (byte)seq;
                        protectedLength = source.ProtectRtp(p, PacketLength);
                    }
                    stopwatch.Start();
                    for (int i = 0; i < protectedPackets.Length; i++)
                    {
                        protectedPackets[i].AsSpan(0, protectedLength).CopyTo(work);
                        if (!receiver.TryUnprotectRtp(work, protectedLength, out _)) throw new InvalidOperationException("unprotect failed");
                    }
                    stopwatch.Stop();
                }
                unprotectMbps = (double)(Packets / protectedPackets.Length * protectedPackets.Length) * PacketLength / stopwatch.Elapsed.TotalSeconds / 1e6;
            }

            if (libsrtpMbps is double reference)
                Console.WriteLine($"libsrtp2 srtp_protect, 1200 B packets:   {reference,8:F1} MB/s");
            if (opensslCtr is double ctr && opensslHmac is double hmac)
            {
                // Encrypting and then authenticating each byte once: the two costs add up.
                double ceiling = 1 / (1 / ctr + 1 / hmac);
                Console.WriteLine($"OpenSSL AES-128-CTR / HMAC-SHA1, 1200 B: {ctr,8:F1} / {hmac:F1} MB/s, together {ceiling:F1} MB/s (the AES-CM ceiling)");
                Console.WriteLine($"ours ProtectRtp AES-CM / that ceiling:   {protectMbps / ceiling,8:F2} (target >= 0.80)");
            }
            Console.WriteLine($"ours ProtectRtp, platform HMAC:          {protectMbps,8:F1} MB/s");
            if (libsrtpMbps is double r) Console.WriteLine($"ratio ours / libsrtp2:                   {protectMbps / r,8:F2}x (target >= 0.70)");
            Console.WriteLine($"ours TryUnprotectRtp, platform HMAC:     {unprotectMbps,8:F1} MB/s");
            Console.WriteLine($"allocations per protected packet:        {(double)allocated / (Rounds * Packets),8:F3} B (steady state, {Rounds * Packets} packets)");

            // The managed SHA-1 HMAC is what runs where IncrementalHash lacks span APIs (Windows PowerShell 5.1 on .NET Framework).
            AppContext.SetSwitch("KinesisVideoWebRTCStorage.Srtp.UseManagedHmac", true);
            using (var managed = NewSession())
            {
                Measure(managed, template, buffer, Packets / 4, 0);
                double seconds = Measure(managed, template, buffer, Packets, Packets / 4);
                double mbps = (double)Packets * PacketLength / seconds / 1e6;
                Console.WriteLine($"ours ProtectRtp, managed HMAC fallback:  {mbps,8:F1} MB/s" + (libsrtpMbps is double m ? $" ({mbps / m:F2}x libsrtp2)" : ""));
            }
            AppContext.SetSwitch("KinesisVideoWebRTCStorage.Srtp.UseManagedHmac", false);

            foreach (var profile in new[] { SrtpProtectionProfile.AeadAes128Gcm, SrtpProtectionProfile.AeadAes256Gcm })
            {
                using var gcm = new SrtpSession(profile, Enumerable.Repeat((byte)7, profile.MasterKeyLength()).ToArray(), keyAndSalt.AsSpan(16, 12));
                Measure(gcm, template, buffer, Packets / 4, 0);
                long before = GC.GetAllocatedBytesForCurrentThread();
                double seconds = BestOf(gcm, template, buffer, Packets / 4);
                long gcmAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
                double mbps = (double)Packets * PacketLength / seconds / 1e6;
                Console.WriteLine($"ours ProtectRtp, {profile}:{new string(' ', 23 - profile.ToString().Length)}{mbps,8:F1} MB/s, {(double)gcmAllocated / (Rounds * Packets):F3} B allocated per packet");
                if (opensslGcm is double ceiling && profile == SrtpProtectionProfile.AeadAes128Gcm)
                    Console.WriteLine($"OpenSSL AES-128-GCM, 1200 B:             {ceiling,8:F1} MB/s; ours / OpenSSL {mbps / ceiling:F2} (target >= 0.70)");
            }

            KeyframeBenchmark(NewSession);
            return exit;
        }

        /// <summary>Timed rounds of <see cref="Packets"/> each, of which the fastest counts, as OpenSSL's best of its runs does in srtp.sh.</summary>
        private const int Rounds = 5;

        /// <summary>Seconds of the fastest of <see cref="Rounds"/> rounds: the machine's other load only ever slows a round down.</summary>
        private static double BestOf(SrtpSession session, byte[] template, byte[] buffer, int firstSequence)
        {
            double best = double.MaxValue;
            for (int round = 0; round < Rounds; round++)
                best = Math.Min(best, Measure(session, template, buffer, Packets, firstSequence + round * Packets));
            return best;
        }

        private static double Measure(SrtpSession session, byte[] template, byte[] buffer, int count, int firstSequence)
        {
            var stopwatch = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                template.CopyTo(buffer, 0);
                ushort sequence = (ushort)(firstSequence + i);
                buffer[2] = (byte)(sequence >> 8);
                buffer[3] = (byte)sequence;
                session.ProtectRtp(buffer, PacketLength);
            }
            return stopwatch.Elapsed.TotalSeconds;
        }

        /// <summary>A ~150 KB IDR (a 1080p keyframe at a few Mbit/s) with SPS and PPS, packetized to 1200 B and protected.</summary>
        private static void KeyframeBenchmark(Func<SrtpSession> newSession)
        {
            var random = new Random(1080);
            var idr = new byte[150_000];
            random.NextBytes(idr);
            for (int i = 0; i < idr.Length; i++) if (idr[i] == 0) idr[i] = 1; // no accidental start codes
            idr[0] = 0x65;
            var accessUnit = new byte[] { 0, 0, 0, 1, 0x67, 0x64, 0x00, 0x28, 0xAC, 0xD9, 0x40, 0x78, 0x02, 0x27, 0xE5, 0x84, 0, 0, 0, 1, 0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0, 0, 0, 0, 1 }
                .Concat(idr).ToArray();

            using var session = newSession();
            var sink = new ProtectingSink(session);
            var packetizer = new H264Packetizer(Ssrc, 96, 0, maxPayloadSize: 1200);
            for (int i = 0; i < 50; i++) packetizer.Packetize(accessUnit, (uint)(i * 3000), sink);
            const int frames = 500;
            long packetsBefore = sink.Packets;
            long before = GC.GetAllocatedBytesForCurrentThread();
            var stopwatch = Stopwatch.StartNew();
            for (int i = 0; i < frames; i++) packetizer.Packetize(accessUnit, (uint)((50 + i) * 3000), sink);
            stopwatch.Stop();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long packets = sink.Packets - packetsBefore;
            Console.WriteLine($"packetize+protect per 150 KB keyframe:   {stopwatch.Elapsed.TotalMilliseconds * 1000 / frames,8:F1} us ({packets / frames} packets)");
            Console.WriteLine($"allocations per packet (packetize+protect): {(double)allocated / packets,5:F3} B (steady state)");
        }

        private sealed class ProtectingSink : IRtpPacketSink
        {
            private readonly SrtpSession _session;
            public long Packets;

            public ProtectingSink(SrtpSession session) => _session = session;

            public void OnRtpPacket(byte[] buffer, int length)
            {
                _session.ProtectRtp(buffer, length);
                Packets++;
            }
        }
    }
}
