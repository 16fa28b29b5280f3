/*
 * Multicast through the Winsock layer on loopback: memberships (any-source, source-specific,
 * blocking), the outgoing interface, TTL and loop, and delivery to a member.
 *
 * Windows names an IPv4 interface by index in the 0.0.0.index form of ip_mreq; Wine 8 hands
 * ip_mreq to Linux unchanged, which reads that as an address and refuses it (-EINVAL here).
 * Under Wine the delivery check therefore joins on the loopback address through a raw option.
 */
#include "socket_test.h"

static const uint8_t GROUP4[POLLEN_ADDR_SIZE] = { 4, 239, 255, 77, 1 };
static const uint8_t GROUP6[POLLEN_ADDR_SIZE] = { 16, 0xff, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42, 0x42 };
/* The loopback interface's index: lo on Linux (so under Wine), Loopback Pseudo-Interface 1 on Windows. */
#define LOOPBACK_INDEX 1

static int wine;

static void options_and_interface(void) {
    uint8_t sa[POLLEN_ADDR_SIZE], ifaddr[POLLEN_ADDR_SIZE];
    pollen_fd s = udp_bound(0, LOOPBACK4, sa);
    int v = -1;
    CHECK_RC(pollen_dgram_set_multicast_if(s, 0, 0, LOOPBACK4));
    CHECK(pollen_dgram_get_multicast_if(s, 0, ifaddr) == 0);
    CHECK(ifaddr[0] == 4 && memcmp(ifaddr + 1, LOOPBACK4 + 1, 4) == 0);
    CHECK_RC(pollen_dgram_get_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, &v));
    CHECK(v == 1);
    CHECK_RC(pollen_dgram_set_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, 0));
    CHECK_RC(pollen_dgram_get_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, &v));
    CHECK(v == 0);
    CHECK_RC(pollen_dgram_get_option(s, 0, POLLEN_DGRAM_MULTICAST_LOOP, &v));
    CHECK(v == 1);
    CHECK_RC(pollen_dgram_set_option(s, 0, POLLEN_DGRAM_MULTICAST_LOOP, 0));
    CHECK_RC(pollen_dgram_get_option(s, 0, POLLEN_DGRAM_MULTICAST_LOOP, &v));
    CHECK(v == 0);
    CHECK_RC(pollen_socket_close(s));
    /* IPv6: the interface is an index. */
    uint8_t a6[POLLEN_ADDR_SIZE];
    pollen_fd s6 = udp_bound(1, ANY6, a6);
    CHECK_RC(pollen_dgram_set_multicast_if(s6, 1, LOOPBACK_INDEX, NULL));
    CHECK(pollen_dgram_get_multicast_if(s6, 1, ifaddr) == LOOPBACK_INDEX);
    CHECK_RC(pollen_dgram_set_option(s6, 1, POLLEN_DGRAM_MULTICAST_TTL, 3));
    CHECK_RC(pollen_dgram_get_option(s6, 1, POLLEN_DGRAM_MULTICAST_TTL, &v));
    CHECK(v == 3);
    CHECK_RC(pollen_socket_close(s6));
}

static void ipv4_memberships(void) {
    uint8_t ra[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(0, ANY4, ra);
    /* By interface index. */
    int rc = pollen_dgram_membership(r, 0, 1, GROUP4, LOOPBACK_INDEX, NULL);
    if (wine) {
        printf("  Wine 8 passes the 0.0.0.index form to Linux as an address: -EINVAL\n");
        CHECK(rc == -EINVAL);
    } else {
        CHECK_RC(rc);
        CHECK_RC(pollen_dgram_membership(r, 0, 0, GROUP4, LOOPBACK_INDEX, NULL));
    }
    /* On the default interface. */
    CHECK_RC(pollen_dgram_membership(r, 0, 1, GROUP4, 0, NULL));
    CHECK(pollen_dgram_membership(r, 0, 1, GROUP4, 0, NULL) == -EADDRINUSE);
    CHECK_RC(pollen_dgram_membership(r, 0, 0, GROUP4, 0, NULL));
    /* Leaving a group not joined: WSAEADDRNOTAVAIL (EADDRNOTAVAIL, as on Linux); Wine 8 answers WSAEINVAL. */
    CHECK_IS(pollen_dgram_membership(r, 0, 0, GROUP4, 0, NULL), wine ? -EINVAL : -EADDRNOTAVAIL);
    /* Source-specific, and blocking a source of an any-source membership. */
    CHECK_RC(pollen_dgram_membership(r, 0, 1, GROUP4, 0, LOOPBACK4));
    CHECK_RC(pollen_dgram_membership(r, 0, 0, GROUP4, 0, LOOPBACK4));
    CHECK_RC(pollen_dgram_membership(r, 0, 1, GROUP4, 0, NULL));
    int blocked = pollen_dgram_block(r, 0, 1, GROUP4, 0, LOOPBACK4);
    if (wine) {
        /* Linux matches the source filter to a membership by interface, not "default": WSAEINVAL. */
        printf("  Wine 8 cannot block a source on the default interface: -EINVAL\n");
        CHECK_IS(blocked, -EINVAL);
    } else {
        CHECK_RC(blocked);
        CHECK_RC(pollen_dgram_block(r, 0, 0, GROUP4, 0, LOOPBACK4));
    }
    CHECK_RC(pollen_dgram_membership(r, 0, 0, GROUP4, 0, NULL));
    /* An IPv6 group on an IPv4 socket; a source of the other family. */
    CHECK(pollen_dgram_membership(r, 0, 1, GROUP6, 0, NULL) == -EAFNOSUPPORT);
    CHECK(pollen_dgram_membership(r, 0, 1, GROUP4, 0, LOOPBACK6) == -EINVAL);
    CHECK_RC(pollen_socket_close(r));
}

static void ipv6_memberships(void) {
    uint8_t ra[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(1, ANY6, ra);
    CHECK_RC(pollen_dgram_membership(r, 1, 1, GROUP6, LOOPBACK_INDEX, NULL));
    CHECK(pollen_dgram_membership(r, 1, 1, GROUP6, LOOPBACK_INDEX, NULL) == -EADDRINUSE);
    CHECK_RC(pollen_dgram_membership(r, 1, 0, GROUP6, LOOPBACK_INDEX, NULL));
    /* Source-specific IPv6 needs MCAST_JOIN_SOURCE_GROUP. */
    static const uint8_t SOURCE6[POLLEN_ADDR_SIZE] = { 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t SSM6[POLLEN_ADDR_SIZE] = { 16, 0xff, 0x32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42, 0x42 };
    int rc = pollen_dgram_membership(r, 1, 1, SSM6, LOOPBACK_INDEX, SOURCE6);
    if (wine) {
        printf("  Wine 8 lacks MCAST_JOIN_SOURCE_GROUP: -ENOPROTOOPT\n");
        CHECK(rc == -ENOPROTOOPT);
    } else {
        CHECK_RC(rc);
        CHECK_RC(pollen_dgram_membership(r, 1, 0, SSM6, LOOPBACK_INDEX, SOURCE6));
    }
    CHECK_RC(pollen_socket_close(r));
}

static void delivery_on_loopback(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE], dst[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(0, ANY4, ra), s = udp_bound(0, LOOPBACK4, sa);
    struct ip_mreq req;
    memcpy(&req.imr_multiaddr, GROUP4 + 1, 4);
    memcpy(&req.imr_interface, LOOPBACK4 + 1, 4);
    if (wine) {
        CHECK_RC(pollen_socket_set_raw_option(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &req, sizeof(req)));
    } else {
        CHECK_RC(pollen_dgram_membership(r, 0, 1, GROUP4, LOOPBACK_INDEX, NULL));
    }
    CHECK_RC(pollen_dgram_set_multicast_if(s, 0, 0, LOOPBACK4));
    CHECK_RC(pollen_dgram_set_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, 0)); /* never leaves the host */
    memcpy(dst, GROUP4, POLLEN_ADDR_SIZE);
    with_port(dst, ra);
    char in[8];
    test_iov iov = { "mc", 2 };
    pollen_dgram_packet p;
    one_packet(&p, dst, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    CHECK(recv_one(r, 0, &p, in, sizeof(in)) == 1);
    CHECK(p.length == 2 && memcmp(in, "mc", 2) == 0);
    CHECK(memcmp(p.addr, sa, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_close(r));
    CHECK_RC(pollen_socket_close(s));
}

int main(void) {
    socket_test_start("datagram layer: multicast");
    wine = under_wine();
    printf("  %s\n", wine ? "under Wine" : "on Windows");
    RUN(options_and_interface);
    RUN(ipv4_memberships);
    RUN(ipv6_memberships);
    RUN(delivery_on_loopback);
    return 0;
}
