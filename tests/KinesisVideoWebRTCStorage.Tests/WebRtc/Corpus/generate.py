#!/usr/bin/env python3
"""Writes the seed corpora for the WebRtc hostile-input tests.

SRTP seeds are protected here with the `cryptography` package, independently of the C# implementation, so the tests
that unprotect them double as an interoperability check. Run from this directory; the output is deterministic.
"""
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def write(parser, name, data):
    os.makedirs(parser, exist_ok=True)
    with open(os.path.join(parser, name + ".bin"), "wb") as f:
        f.write(data)


def rtp(pt, seq, ts, ssrc, payload, marker=False, csrcs=(), ext=None, padding=0):
    first = 0x80 | len(csrcs) | (0x10 if ext else 0) | (0x20 if padding else 0)
    out = struct.pack("!BBHII", first, (0x80 if marker else 0) | pt, seq, ts, ssrc)
    for c in csrcs:
        out += struct.pack("!I", c)
    if ext:
        profile, body = ext
        body += b"\0" * (-len(body) % 4)
        out += struct.pack("!HH", profile, len(body) // 4) + body
    out += payload
    if padding:
        out += b"\0" * (padding - 1) + bytes([padding])
    return out


# RTP
write("rtp", "plain", rtp(96, 1000, 90000, 0x11223344, b"\x65" + bytes(range(40))))
write("rtp", "csrc-marker", rtp(111, 65535, 1, 0xDEADBEEF, b"opus", marker=True, csrcs=(1, 2, 3)))
write("rtp", "ext-one-byte", rtp(96, 7, 3000, 5, b"pay", ext=(0xBEDE, b"\x10\xAA\x00\x21\x01\x02")))
write("rtp", "ext-two-byte", rtp(96, 8, 3000, 5, b"pay", ext=(0x1000, b"\x01\x02\xAB\xCD\x00\x05\x00")))
write("rtp", "padding", rtp(96, 9, 3000, 5, b"payload", padding=4))

# H.264 RTP payloads (RFC 6184)
sps = bytes([0x67, 0x42, 0xC0, 0x1F, 0x8C, 0x8D, 0x40])
pps = bytes([0x68, 0xCE, 0x3C, 0x80])
stap = bytes([0x78]) + struct.pack("!H", len(sps)) + sps + struct.pack("!H", len(pps)) + pps
write("h264", "stap-a", rtp(96, 100, 9000, 1, stap))
write("h264", "single", rtp(96, 101, 9000, 1, bytes([0x65]) + bytes(range(60)), marker=True))
idr = bytes([0x65]) + bytes(i & 0xFF for i in range(300))
write("h264", "fu-a-start", rtp(96, 102, 12000, 1, bytes([0x7C, 0x85]) + idr[1:100]))
write("h264", "fu-a-middle", rtp(96, 103, 12000, 1, bytes([0x7C, 0x05]) + idr[100:200]))
write("h264", "fu-a-end", rtp(96, 104, 12000, 1, bytes([0x7C, 0x45]) + idr[200:], marker=True))

# Opus (RFC 7587)
write("opus", "frame", rtp(111, 5, 960, 2, bytes([0xFC, 0xFF, 0xFE]) + bytes(50)))
write("opus", "dtx", rtp(111, 6, 1920, 2, b"\xf8", marker=True))

# RTCP
sr = struct.pack("!BBHIQIII", 0x81, 200, 12, 0x1111, 0xE1E2E3E4_80000000, 90000, 10, 12000) + \
    struct.pack("!IIIIII", 0x2222, 0x05000003, 0x00010010, 7, 0xABCD0000, 65536)
cname = b"user@host"
sdes_body = struct.pack("!I", 0x1111) + bytes([1, len(cname)]) + cname + b"\0"
sdes_body += b"\0" * (-len(sdes_body) % 4)
sdes = struct.pack("!BBH", 0x81, 202, len(sdes_body) // 4) + sdes_body
write("rtcp", "sr-sdes", sr + sdes)
rr = struct.pack("!BBHI", 0x81, 201, 7, 0x3333) + struct.pack("!IIIIII", 0x1111, 0x00FFFFFF, 0x00020000, 1, 2, 3)
reason = b"done"
bye_body = struct.pack("!I", 0x3333) + bytes([len(reason)]) + reason
bye_body += b"\0" * (-len(bye_body) % 4)
bye = struct.pack("!BBH", 0x81, 203, len(bye_body) // 4) + bye_body
write("rtcp", "rr-bye", rr + bye)
nack = struct.pack("!BBHIIHHHH", 0x81, 205, 4, 0x3333, 0x1111, 100, 0x8001, 65530, 0xFFFF)
pli = struct.pack("!BBHII", 0x81, 206, 2, 0x3333, 0x1111)
write("rtcp", "nack-pli", nack + pli)
fir = struct.pack("!BBHIIIBBBB", 0x84, 206, 4, 0x3333, 0, 0x1111, 9, 0, 0, 0)
remb = struct.pack("!BBHIIIIII", 0x8F, 206, 6, 0x3333, 0, 0x52454D42, (2 << 24) | (3 << 18) | 200000, 0x1111, 0x2222)
app = struct.pack("!BBHI", 0x80, 204, 2, 0x3333) + b"NAME"
write("rtcp", "fir-remb-app", fir + remb + app)
rsize = struct.pack("!BBHII", 0xA1, 206, 3, 0x3333, 0x1111) + b"\0\0\0\x04"  # padded reduced-size PLI
write("rtcp", "rsize-padded-pli", rsize)
# Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1). First sequence
# numbers 65533 to 28 (wrapping): a 2-bit vector, a run of 20 lost and a 2-bit vector of 5; small, large and negative
# deltas; zero padding inside the body. Then libwebrtc-style feedback: a run, a 1-bit vector, padding by the P bit.
twcc_body = struct.pack("!IIHHI", 0x3333, 0x1111, 65533, 32, (15 << 8) | 7) + struct.pack("!HHH", 0xD291, 0x0014, 0xD150) + \
    bytes([0xA0]) + struct.pack("!hh", -4, 256) + bytes([2, 4, 0xB6, 1, 0, 1])
twcc_body += b"\0" * (-len(twcc_body) % 4)
twcc = struct.pack("!BBH", 0x8F, 205, len(twcc_body) // 4) + twcc_body
twcc_padded_body = struct.pack("!IIHHI", 1, 2, 5, 17, 0xFFFFFFFF) + struct.pack("!HH", 0x2003, 0xA001) + bytes([1, 2, 3, 4, 5]) + b"\0\0\3"
twcc_padded = struct.pack("!BBH", 0xAF, 205, len(twcc_padded_body) // 4) + twcc_padded_body
write("rtcp", "twcc", twcc + twcc_padded)

# SRTP / SRTCP, AES_CM_128_HMAC_SHA1_80
master_key = bytes(range(1, 17))
master_salt = bytes(range(0x21, 0x2F))


def aes_cm(key, iv, data):
    enc = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def derive(label, length):
    x = bytearray(master_salt)
    x[7] ^= label
    return aes_cm(master_key, bytes(x) + b"\0\0", b"\0" * length)


def iv(salt, ssrc, index):
    v = int.from_bytes(salt + b"\0\0", "big") ^ (ssrc << 64) ^ (index << 16)
    return v.to_bytes(16, "big")


rtp_key, rtp_auth, rtp_salt = derive(0, 16), derive(1, 20), derive(2, 14)
rtcp_key, rtcp_auth, rtcp_salt = derive(3, 16), derive(4, 20), derive(5, 14)


def srtp(packet, header_length, roc, tag_length=10):
    seq, ssrc = struct.unpack("!H", packet[2:4])[0], struct.unpack("!I", packet[8:12])[0]
    index = (roc << 16) | seq
    enc = packet[:header_length] + aes_cm(rtp_key, iv(rtp_salt, ssrc, index), packet[header_length:])
    tag = hmac.new(rtp_auth, enc + struct.pack("!I", roc), hashlib.sha1).digest()[:tag_length]
    return enc + tag


def srtcp(packet, index):
    ssrc = struct.unpack("!I", packet[4:8])[0]
    enc = packet[:8] + aes_cm(rtcp_key, iv(rtcp_salt, ssrc, index), packet[8:]) + struct.pack("!I", 0x80000000 | index)
    return enc + hmac.new(rtcp_auth, enc, hashlib.sha1).digest()[:10]


write("srtp", "seq1-roc0", srtp(rtp(96, 1, 3000, 0xCAFEBABE, bytes(range(200))), 12, 0))
write("srtp", "ext-seq2-roc0", srtp(rtp(96, 2, 3000, 0xCAFEBABE, b"x" * 33, ext=(0xBEDE, b"\x10\xAA")), 20, 0))
write("srtp", "seq3-roc0-tag32", srtp(rtp(111, 3, 960, 0x0BADF00D, b"opus frame"), 12, 0, tag_length=4))
write("srtcp", "sr-sdes-index0", srtcp(sr + sdes, 0))
write("srtcp", "nack-index1", srtcp(nack, 1))
