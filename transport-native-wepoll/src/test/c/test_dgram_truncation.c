/* A datagram larger than its buffers (WSAEMSGSIZE) is reported truncated, like POSIX MSG_TRUNC. */
#include "socket_test.h"

int main(void) {
    socket_test_start("datagram layer: truncation");
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(0, LOOPBACK4, ra), s = udp_bound(0, LOOPBACK4, sa);
    char small[2], two[2][3], in[16];
    test_iov out = { "hello", 5 };
    pollen_dgram_packet p;
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &out, 1) == 1);
    CHECK(recv_one(r, 0, &p, small, sizeof(small)) == 1);
    CHECK(p.flags & POLLEN_DGRAM_F_TRUNCATED);
    CHECK(p.length == 2 && memcmp(small, "he", 2) == 0);
    CHECK(memcmp(p.addr, sa, POLLEN_ADDR_SIZE) == 0);
    /* The rest of that datagram is gone; the next one is whole. */
    test_iov in_iov = { in, sizeof(in) };
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_recv(r, 0, &p, 1, &in_iov, 1) == 0);
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &out, 1) == 1);
    CHECK(recv_one(r, 0, &p, in, sizeof(in)) == 1);
    CHECK(p.flags == 0 && p.length == 5);
    /* Scattered over two buffers that together are still too small. */
    one_packet(&p, ra, 0, 1);
    test_iov seven = { "abcdefg", 7 };
    CHECK(pollen_dgram_send(s, 0, &p, 1, &seven, 1) == 1);
    test_iov scatter[2] = { { two[0], 3 }, { two[1], 3 } };
    wait_readable(r);
    one_packet(&p, NULL, 0, 2);
    CHECK(pollen_dgram_recv(r, 0, &p, 1, scatter, 2) == 1);
    CHECK((p.flags & POLLEN_DGRAM_F_TRUNCATED) && p.length == 6);
    CHECK(memcmp(two[0], "abc", 3) == 0 && memcmp(two[1], "def", 3) == 0);
    CHECK_RC(pollen_socket_close(r));
    CHECK_RC(pollen_socket_close(s));
    printf("  ok\n");
    return 0;
}
