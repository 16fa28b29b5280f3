/* Bad datagram records and options fail with a negative errno; Linux-only features are absent. */
#include "socket_test.h"

int main(void) {
    socket_test_start("datagram layer: errors and missing features");
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(0, LOOPBACK4, ra), s = udp_bound(0, LOOPBACK4, sa);
    char in[4];
    test_iov iov = { "x", 1 }, riov = { in, sizeof(in) };
    pollen_dgram_packet p;
    /* iovecs outside the table: no call is made */
    one_packet(&p, ra, 3, 1);
    p.call = POLLEN_DGRAM_CALL_WSASENDTO;
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EINVAL);
    CHECK(p.call == POLLEN_DGRAM_CALL_NONE);
    one_packet(&p, NULL, 0, 2);
    p.call = POLLEN_DGRAM_CALL_WSARECVFROM;
    CHECK(pollen_dgram_recv(r, 0, &p, 1, &riov, 1) == -EINVAL);
    CHECK(p.call == POLLEN_DGRAM_CALL_NONE);
    /* a bad address length, an IPv6 peer for an IPv4 socket */
    uint8_t bad[POLLEN_ADDR_SIZE] = { 7 };
    one_packet(&p, bad, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EINVAL);
    one_packet(&p, LOOPBACK6, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EAFNOSUPPORT);
    /* segmentation: out of range, and absent on Windows */
    one_packet(&p, ra, 0, 1);
    p.segment = 70000;
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EINVAL);
    p.segment = 300;
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -ENOPROTOOPT);
    /* arguments */
    CHECK(pollen_dgram_send(s, 0, NULL, 1, &iov, 1) == -EINVAL);
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 0, &iov, 1) == -EINVAL);
    CHECK(pollen_dgram_send(s, 0, &p, 1, NULL, 1) == -EINVAL);
    CHECK(pollen_dgram_recv(r, 0, &p, 1, NULL, 0) == -EINVAL);
    CHECK(pollen_dgram_recv(r, 0, &p, 0, &riov, 1) == -EINVAL);
    /* A valid first record is sent even when a later one is bad. */
    pollen_dgram_packet two[2];
    one_packet(&two[0], ra, 0, 1);
    one_packet(&two[1], bad, 0, 1);
    CHECK(pollen_dgram_send(s, 0, two, 2, &iov, 1) == 1);
    CHECK(recv_one(r, 0, &p, in, sizeof(in)) == 1);
    /* options */
    CHECK(pollen_dgram_set_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, 256) == -EINVAL);
    CHECK(pollen_dgram_set_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, -1) == -EINVAL);
    CHECK(pollen_dgram_set_option(s, 0, 999, 1) == -ENOPROTOOPT);
    CHECK(pollen_dgram_get_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, NULL) == -EINVAL);
    static const int linux_only[] = {
        POLLEN_DGRAM_MULTICAST_ALL, POLLEN_DGRAM_RECVORIGDSTADDR, POLLEN_DGRAM_FREEBIND,
        POLLEN_DGRAM_TRANSPARENT, POLLEN_DGRAM_UDP_GRO, POLLEN_DGRAM_UDP_SEGMENT,
    };
    int v;
    for (size_t i = 0; i < sizeof(linux_only) / sizeof(linux_only[0]); i++) {
        CHECK(pollen_dgram_set_option(s, 0, linux_only[i], 1) == -ENOPROTOOPT);
        CHECK(pollen_dgram_get_option(s, 0, linux_only[i], &v) == -ENOPROTOOPT);
    }
    CHECK(pollen_dgram_probe(POLLEN_DGRAM_CAP_GSO) == 0);
    CHECK(pollen_dgram_probe(POLLEN_DGRAM_CAP_GRO) == 0);
    CHECK(pollen_dgram_probe(POLLEN_DGRAM_CAP_MMSG) == 0);
    CHECK(pollen_dgram_membership(s, 0, 1, NULL, 0, NULL) == -EINVAL);
    CHECK(pollen_dgram_membership(s, 0, 1, ra, -1, NULL) == -EINVAL);
    CHECK(pollen_dgram_block(s, 0, 1, ra, 0, NULL) == -EINVAL);
    CHECK(pollen_dgram_get_multicast_if(s, 0, NULL) == -EINVAL);
    CHECK(pollen_dgram_set_multicast_if(s, 0, 0, LOOPBACK6) == -EINVAL);
    CHECK_RC(pollen_socket_close(r));
    CHECK_RC(pollen_socket_close(s));
    /* A closed handle: each error names the call that failed. */
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -ENOTSOCK);
    CHECK(p.call == POLLEN_DGRAM_CALL_WSASENDTO);
    CHECK(pollen_dgram_recv(s, 0, &p, 1, &riov, 1) == -ENOTSOCK);
    CHECK(p.call == POLLEN_DGRAM_CALL_WSARECVFROM);
    CHECK(pollen_dgram_take_error(s) == -ENOTSOCK);
    CHECK(pollen_dgram_disconnect(s) == -ENOTSOCK);
    printf("  ok\n");
    return 0;
}
