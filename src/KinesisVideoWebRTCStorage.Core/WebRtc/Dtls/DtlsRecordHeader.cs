using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>
    /// The 13-byte DTLS 1.0/1.2 record header: content type, version, epoch, 48-bit sequence number and length.
    /// Used to vet datagrams before they reach the TLS engine, so junk is dropped and counted rather than processed.
    /// </summary>
    public readonly struct DtlsRecordHeader
    {
        public const int Length = 13;
        public const byte ChangeCipherSpec = 20;
        public const byte Alert = 21;
        public const byte Handshake = 22;
        public const byte ApplicationData = 23;

        private DtlsRecordHeader(byte contentType, ushort version, ushort epoch, ulong sequenceNumber, int fragmentLength)
        {
            ContentType = contentType;
            Version = version;
            Epoch = epoch;
            SequenceNumber = sequenceNumber;
            FragmentLength = fragmentLength;
        }

        public byte ContentType { get; }

        /// <summary>0xFEFF for DTLS 1.0, 0xFEFD for DTLS 1.2 (one's complement of the TLS version).</summary>
        public ushort Version { get; }

        public ushort Epoch { get; }
        public ulong SequenceNumber { get; }
        public int FragmentLength { get; }

        /// <summary>Reads the header at the start of <paramref name="data"/> and checks the fragment fits.</summary>
        public static DtlsRecordHeader Parse(ReadOnlySpan<byte> data)
        {
            if (data.Length < Length) throw new DtlsFormatException("record is shorter than its header", data.Length);
            byte type = data[0];
            // Heartbeat (24) is never negotiated by WebRTC; DTLS 1.3 ciphertext headers (0x20-0x3F) are not DTLS 1.2.
            if (type < ChangeCipherSpec || type > ApplicationData) throw new DtlsFormatException($"unknown content type {type}", 0);
            if (data[1] != 0xFE) throw new DtlsFormatException("version is not DTLS", 1);
            ushort version = (ushort)((data[1] << 8) | data[2]);
            ushort epoch = (ushort)((data[3] << 8) | data[4]);
            ulong sequence = 0;
            for (int i = 5; i < 11; i++) sequence = (sequence << 8) | data[i];
            int length = (data[11] << 8) | data[12];
            // RFC 6347 section 4.1: a fragment never exceeds 2^14 bytes plus expansion for compression and MAC.
            if (length > 16384 + 2048) throw new DtlsFormatException("record length exceeds 2^14 + 2048", 11);
            if (length > data.Length - Length) throw new DtlsFormatException("record runs past the end of the datagram", 11);
            return new DtlsRecordHeader(type, version, epoch, sequence, length);
        }

        /// <summary>All records of a datagram (DTLS packs several records into one datagram), with the handshake fragments of plaintext records vetted.</summary>
        public static IReadOnlyList<DtlsRecordHeader> ParseDatagram(ReadOnlySpan<byte> datagram)
        {
            if (datagram.IsEmpty) throw new DtlsFormatException("datagram is empty");
            var records = new List<DtlsRecordHeader>();
            int offset = 0;
            while (offset < datagram.Length)
            {
                DtlsRecordHeader header;
                try
                {
                    header = Parse(datagram.Slice(offset));
                }
                catch (DtlsFormatException e)
                {
                    throw new DtlsFormatException(e.Message, offset);
                }
                // Epoch 0 is plaintext: its handshake fragments can be read, and lengths that lie refused here.
                if (header.ContentType == Handshake && header.Epoch == 0)
                {
                    try
                    {
                        DtlsHandshakeFragment.VetRecord(datagram.Slice(offset + Length, header.FragmentLength));
                    }
                    catch (DtlsFormatException e)
                    {
                        throw new DtlsFormatException(e.Message, offset + Length + Math.Max(0, e.Offset));
                    }
                }
                records.Add(header);
                offset += Length + header.FragmentLength;
            }
            return records;
        }

        public override string ToString() => $"DTLS record type {ContentType} epoch {Epoch} seq {SequenceNumber} ({FragmentLength} bytes)";
    }
}
