/*
 * libsrtp2 reference figures for bench/srtp.sh: srtp_protect throughput with AES_CM_128_HMAC_SHA1_80 on 1200-byte RTP
 * packets, plus protected packets as hex for the .NET side: one it must reproduce byte for byte, a run across the
 * sequence-number wrap it must unprotect (ROC 0 -> 1), and one SRTCP packet.
 * Output lines are "key value" pairs for the script to pass on.
 */
#include <srtp2/srtp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PACKET_LENGTH 1200
#define PACKETS 200000

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void make_packet(uint8_t *packet, uint16_t sequence)
{
    packet[0] = 0x80;
    packet[1] = 96;
    packet[2] = sequence >> 8;
    packet[3] = sequence & 0xFF;
    memset(packet + 4, 0, 4);                                  /* timestamp 0 */
    packet[8] = 0xCA; packet[9] = 0xFE; packet[10] = 0xBA; packet[11] = 0xBE; /* SSRC */
    for (int i = 12; i < PACKET_LENGTH; i++) packet[i] = (uint8_t)(i * 7);
}

static srtp_t create_session(const uint8_t *key_and_salt)
{
    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    policy.ssrc.type = ssrc_any_outbound;
    policy.key = (unsigned char *)key_and_salt;
    policy.next = NULL;
    srtp_t session;
    if (srtp_create(&session, &policy) != srtp_err_status_ok) {
        fprintf(stderr, "srtp_create failed\n");
        exit(1);
    }
    return session;
}

int main(void)
{
    if (srtp_init() != srtp_err_status_ok) {
        fprintf(stderr, "srtp_init failed\n");
        return 1;
    }
    uint8_t key_and_salt[30];
    for (int i = 0; i < 30; i++) key_and_salt[i] = (uint8_t)(i + 1);

    /* Interop vector: sequence 1, ROC 0. */
    srtp_t session = create_session(key_and_salt);
    uint8_t packet[PACKET_LENGTH + SRTP_MAX_TRAILER_LEN];
    make_packet(packet, 1);
    int length = PACKET_LENGTH;
    if (srtp_protect(session, packet, &length) != srtp_err_status_ok) return 1;
    printf("vector ");
    for (int i = 0; i < length; i++) printf("%02X", packet[i]);
    printf("\n");

    /* A fresh session across the wrap: 65534, 65535 (ROC 0), 0, 1 (ROC 1). Payloads are make_packet's. */
    srtp_dealloc(session);
    session = create_session(key_and_salt);
    for (uint32_t s = 65534; s < 65538; s++) {
        make_packet(packet, (uint16_t)s);
        length = PACKET_LENGTH;
        if (srtp_protect(session, packet, &length) != srtp_err_status_ok) return 1;
        printf("wrap ");
        for (int i = 0; i < length; i++) printf("%02X", packet[i]);
        printf("\n");
    }

    /* SRTCP: a PLI from the same SSRC. */
    uint8_t rtcp[12 + SRTP_MAX_TRAILER_LEN] = { 0x81, 206, 0, 2, 0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 1 };
    length = 12;
    if (srtp_protect_rtcp(session, rtcp, &length) != srtp_err_status_ok) return 1;
    printf("rtcp ");
    for (int i = 0; i < length; i++) printf("%02X", rtcp[i]);
    printf("\n");
    srtp_dealloc(session);

    session = create_session(key_and_salt);
    uint8_t template_packet[PACKET_LENGTH];
    make_packet(template_packet, 0);
    for (int round = 0; round < 2; round++) { /* the first round warms caches and the CPU clock */
        double start = now_seconds();
        for (int i = 0; i < PACKETS; i++) {
            uint32_t sequence = (uint32_t)(round * PACKETS + i);
            memcpy(packet, template_packet, PACKET_LENGTH);
            packet[2] = (sequence >> 8) & 0xFF;
            packet[3] = sequence & 0xFF;
            length = PACKET_LENGTH;
            if (srtp_protect(session, packet, &length) != srtp_err_status_ok) {
                fprintf(stderr, "srtp_protect failed at %d\n", i);
                return 1;
            }
        }
        double elapsed = now_seconds() - start;
        if (round == 1) printf("protect_mbps %.1f\n", (double)PACKETS * PACKET_LENGTH / elapsed / 1e6);
    }
    srtp_dealloc(session);
    srtp_shutdown();
    return 0;
}
