/* UDP through the Winsock layer: send and receive with the sender's address, batches, dual stack. */
#include "socket_test.h"

static void one_datagram(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(0, LOOPBACK4, ra), s = udp_bound(0, LOOPBACK4, sa);
    char in[64];
    test_iov iov = { "hello", 5 }, riov = { in, sizeof(in) };
    pollen_dgram_packet p;
    /* Nothing waiting is 0, not EAGAIN. */
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_recv(r, 0, &p, 1, &riov, 1) == 0);
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    CHECK(p.length == 5);
    CHECK(recv_one(r, 0, &p, in, sizeof(in)) == 1);
    CHECK(p.length == 5 && memcmp(in, "hello", 5) == 0);
    CHECK(memcmp(p.addr, sa, POLLEN_ADDR_SIZE) == 0);
    CHECK(p.orig_dst[0] == 0 && p.segment == 0 && p.flags == 0);
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_recv(r, 0, &p, 1, &riov, 1) == 0);
    /* An empty datagram is a datagram. */
    test_iov empty = { in, 0 };
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &empty, 1) == 1);
    CHECK(p.length == 0);
    CHECK(recv_one(r, 0, &p, in, sizeof(in)) == 1);
    CHECK(p.length == 0 && memcmp(p.addr, sa, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_close(r));
    CHECK_RC(pollen_socket_close(s));
}

static void batches(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(0, LOOPBACK4, ra), s = udp_bound(0, LOOPBACK4, sa);
    enum { N = 8 };
    char data[N][16], slots[N][16];
    test_iov iov[N + 1];
    pollen_dgram_packet p[N];
    for (int i = 0; i < N; i++) {
        memset(data[i], 'a' + i, sizeof(data[i]));
    }
    /* Datagram 0 is gathered from two iovecs. */
    iov[0].base = data[0];
    iov[0].len = 4;
    iov[1].base = data[0] + 4;
    iov[1].len = 6;
    one_packet(&p[0], ra, 0, 2);
    for (int i = 1; i < N; i++) {
        iov[i + 1].base = data[i];
        iov[i + 1].len = (size_t) i;
        one_packet(&p[i], ra, (uint32_t) i + 1, 1);
    }
    CHECK(pollen_dgram_send(s, 0, p, N, iov, N + 1) == N);
    CHECK(p[0].length == 10 && p[3].length == 3);
    test_iov riov[N];
    for (int i = 0; i < N; i++) {
        riov[i].base = slots[i];
        riov[i].len = sizeof(slots[i]);
        one_packet(&p[i], NULL, (uint32_t) i, 1);
    }
    int got = 0;
    while (got < N) {
        wait_readable(r);
        int n = pollen_dgram_recv(r, 0, p + got, N - got, riov + got, N - got);
        CHECK_RC(n);
        /* Records index the table passed in: rebase the ones still waiting. */
        for (int i = got + n; i < N; i++) {
            one_packet(&p[i], NULL, (uint32_t) (i - got - n), 1);
        }
        got += n;
    }
    CHECK(p[0].length == 10 && slots[0][9] == 'a');
    for (int i = 1; i < N; i++) {
        CHECK(p[i].length == i && slots[i][0] == 'a' + i);
        CHECK(memcmp(p[i].addr, sa, POLLEN_ADDR_SIZE) == 0);
    }
    CHECK_RC(pollen_socket_close(r));
    CHECK_RC(pollen_socket_close(s));
}

static void batch_is_clamped(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(0, LOOPBACK4, ra), s = udp_bound(0, LOOPBACK4, sa);
    enum { COUNT = POLLEN_DGRAM_MAX_BATCH + 6 };
    static pollen_dgram_packet p[COUNT];
    char byte = 'z', in[4];
    test_iov iov = { &byte, 1 };
    for (int i = 0; i < COUNT; i++) {
        one_packet(&p[i], ra, 0, 1);
    }
    CHECK(pollen_dgram_send(s, 0, p, COUNT, &iov, 1) == POLLEN_DGRAM_MAX_BATCH);
    /* Every record may use the same iovec: all land in one slot, one at a time. */
    test_iov riov = { in, sizeof(in) };
    int got = 0;
    while (got < POLLEN_DGRAM_MAX_BATCH) {
        wait_readable(r);
        for (int i = 0; i < COUNT; i++) {
            one_packet(&p[i], NULL, 0, 1);
        }
        int n = pollen_dgram_recv(r, 0, p, COUNT, &riov, 1);
        CHECK_RC(n);
        CHECK(n <= POLLEN_DGRAM_MAX_BATCH);
        got += n;
    }
    CHECK(got == POLLEN_DGRAM_MAX_BATCH);
    CHECK_RC(pollen_socket_close(r));
    CHECK_RC(pollen_socket_close(s));
}

static void dual_stack(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE], dst[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(1, ANY6, ra), s = udp_bound(0, LOOPBACK4, sa);
    char in[4];
    test_iov iov = { "v4", 2 };
    pollen_dgram_packet p;
    memcpy(dst, LOOPBACK4, POLLEN_ADDR_SIZE);
    with_port(dst, ra);
    one_packet(&p, dst, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    CHECK(recv_one(r, 1, &p, in, sizeof(in)) == 1);
    /* An IPv4 peer of a dual-stack socket is reported as plain IPv4. */
    CHECK(memcmp(p.addr, sa, POLLEN_ADDR_SIZE) == 0);
    /* And the IPv6 socket answers it through that IPv4 address. */
    one_packet(&p, sa, 0, 1);
    CHECK(pollen_dgram_send(r, 1, &p, 1, &iov, 1) == 1);
    CHECK(recv_one(s, 0, &p, in, sizeof(in)) == 1);
    CHECK(p.addr[0] == 4 && p.addr[17] == ra[17] && p.addr[18] == ra[18]);
    CHECK_RC(pollen_socket_close(r));
    CHECK_RC(pollen_socket_close(s));
}

int main(void) {
    socket_test_start("datagram layer: send and receive");
    RUN(one_datagram);
    RUN(batches);
    RUN(batch_is_clamped);
    RUN(dual_stack);
    return 0;
}
