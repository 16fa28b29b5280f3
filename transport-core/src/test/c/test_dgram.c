/* Datagram sockets (pollen_dgram.h): batched I/O, GSO/GRO, original destination, multicast, errors. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pollen_dgram.h"
#include "pollen_test.h"

static const uint8_t LOOPBACK4[POLLEN_ADDR_SIZE] = { 4, 127, 0, 0, 1 };
static const uint8_t LOOPBACK6[POLLEN_ADDR_SIZE] = { 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static void wait_readable(pollen_fd fd) {
    struct pollfd p = { fd, POLLIN, 0 };
    CHECK(poll(&p, 1, 5000) == 1);
}

/* A bound socket and its address (with the chosen port). */
static pollen_fd bound(int ipv6, const uint8_t *where, uint8_t *addr) {
    pollen_fd fd;
    CHECK_RC(pollen_socket_datagram(&fd, ipv6));
    CHECK_RC(pollen_socket_bind(fd, ipv6, where));
    CHECK_RC(pollen_socket_local_address(fd, addr));
    return fd;
}

static void one_packet(pollen_dgram_packet *p, const uint8_t *addr, uint32_t iov_index, uint32_t iov_count) {
    memset(p, 0, sizeof(*p));
    p->iov_index = iov_index;
    p->iov_count = iov_count;
    if (addr != NULL) {
        memcpy(p->addr, addr, POLLEN_ADDR_SIZE);
    }
}

static void test_send_recv_reports_sender(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = bound(0, LOOPBACK4, ra), s = bound(0, LOOPBACK4, sa);
    char out[] = "hello", in[64];
    struct iovec iov = { out, 5 };
    pollen_dgram_packet p;
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    CHECK(p.length == 5);
    /* Nothing waiting is 0, not EAGAIN. */
    pollen_dgram_packet q;
    struct iovec riov = { in, sizeof(in) };
    one_packet(&q, NULL, 0, 1);
    wait_readable(r);
    CHECK(pollen_dgram_recv(r, 0, &q, 1, &riov, 1) == 1);
    CHECK(q.length == 5 && memcmp(in, "hello", 5) == 0);
    CHECK(memcmp(q.addr, sa, POLLEN_ADDR_SIZE) == 0);
    CHECK(q.orig_dst[0] == 0 && q.segment == 0 && q.flags == 0);
    CHECK(pollen_dgram_recv(r, 0, &q, 1, &riov, 1) == 0);
    /* Truncation is reported. */
    struct iovec big = { out, 5 }, small = { in, 2 };
    CHECK(pollen_dgram_send(s, 0, &p, 1, &big, 1) == 1);
    wait_readable(r);
    CHECK(pollen_dgram_recv(r, 0, &q, 1, &small, 1) == 1);
    CHECK(q.flags & POLLEN_DGRAM_F_TRUNCATED);
    close(r);
    close(s);
}

/* A read that asks for no control message (recvfrom on Linux) reports what recvmsg does. */
static void test_recv_without_control(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = bound(0, LOOPBACK4, ra), s = bound(0, LOOPBACK4, sa);
    char out[] = "plain text", in[64];
    struct iovec iov = { out, 10 }, riov = { in, sizeof(in) }, small = { in, 3 };
    pollen_dgram_packet p, q;
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    one_packet(&q, NULL, 0, 1);
    q.flags = POLLEN_DGRAM_F_NO_CONTROL;
    wait_readable(r);
    CHECK(pollen_dgram_recv(r, 0, &q, 1, &riov, 1) == 1);
    CHECK(q.length == 10 && memcmp(in, "plain text", 10) == 0);
    CHECK(memcmp(q.addr, sa, POLLEN_ADDR_SIZE) == 0);
    CHECK(q.orig_dst[0] == 0 && q.segment == 0 && q.flags == 0);
    q.flags = POLLEN_DGRAM_F_NO_CONTROL;
    CHECK(pollen_dgram_recv(r, 0, &q, 1, &riov, 1) == 0);
    /* A datagram larger than its buffer: the buffer's length, flagged truncated. */
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    q.flags = POLLEN_DGRAM_F_NO_CONTROL;
    wait_readable(r);
    CHECK(pollen_dgram_recv(r, 0, &q, 1, &small, 1) == 1);
    CHECK(q.length == 3 && (q.flags & POLLEN_DGRAM_F_TRUNCATED) && memcmp(in, "pla", 3) == 0);
    /* An empty datagram is one of length 0. */
    struct iovec none = { out, 0 };
    CHECK(pollen_dgram_send(s, 0, &p, 1, &none, 1) == 1);
    q.flags = POLLEN_DGRAM_F_NO_CONTROL;
    wait_readable(r);
    CHECK(pollen_dgram_recv(r, 0, &q, 1, &riov, 1) == 1);
    CHECK(q.length == 0 && q.flags == 0);
    /* Errors still come back as negative errno, naming the call made: a closed descriptor. */
    close(r);
    q.flags = POLLEN_DGRAM_F_NO_CONTROL;
    CHECK(pollen_dgram_recv(r, 0, &q, 1, &riov, 1) == -EBADF);
#ifdef __linux__
    CHECK(q.call == POLLEN_DGRAM_CALL_RECVFROM);
#else
    CHECK(q.call == POLLEN_DGRAM_CALL_RECVMSG);
#endif
    close(s);
}

static void test_batches(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = bound(0, LOOPBACK4, ra), s = bound(0, LOOPBACK4, sa);
    enum { N = 8 };
    char data[N][16], slots[N][16];
    struct iovec iov[N + 1];
    pollen_dgram_packet p[N];
    /* Datagram 0 is gathered from two iovecs. */
    for (int i = 0; i < N; i++) {
        memset(data[i], 'a' + i, sizeof(data[i]));
    }
    iov[0].iov_base = data[0];
    iov[0].iov_len = 4;
    iov[1].iov_base = data[0] + 4;
    iov[1].iov_len = 6;
    one_packet(&p[0], ra, 0, 2);
    for (int i = 1; i < N; i++) {
        iov[i + 1].iov_base = data[i];
        iov[i + 1].iov_len = (size_t) i;
        one_packet(&p[i], ra, (uint32_t) i + 1, 1);
    }
    CHECK(pollen_dgram_send(s, 0, p, N, iov, N + 1) == N);
    CHECK(p[0].length == 10 && p[3].length == 3);
    struct iovec riov[N];
    for (int i = 0; i < N; i++) {
        riov[i].iov_base = slots[i];
        riov[i].iov_len = sizeof(slots[i]);
        one_packet(&p[i], NULL, (uint32_t) i, 1);
    }
    int got = 0;
    while (got < N) {
        wait_readable(r);
        int n = pollen_dgram_recv(r, 0, p + got, N - got, riov, N);
        CHECK_RC(n);
        got += n;
    }
    CHECK(p[0].length == 10 && slots[0][9] == 'a');
    for (int i = 1; i < N; i++) {
        CHECK(p[i].length == i && slots[i][0] == 'a' + i);
        CHECK(memcmp(p[i].addr, sa, POLLEN_ADDR_SIZE) == 0);
    }
    close(r);
    close(s);
}

static void test_gso_and_gro(void) {
    if (!pollen_dgram_probe(POLLEN_DGRAM_CAP_GSO) || !pollen_dgram_probe(POLLEN_DGRAM_CAP_GRO)) {
        printf("  (kernel without UDP GSO/GRO: segmentation not exercised)\n");
        CHECK(pollen_dgram_set_option(-1, 0, POLLEN_DGRAM_UDP_GRO, 1) < 0);
        return;
    }
    uint8_t ra[POLLEN_ADDR_SIZE], pa[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd plain = bound(0, LOOPBACK4, pa), gro = bound(0, LOOPBACK4, ra), s = bound(0, LOOPBACK4, sa);
    CHECK_RC(pollen_dgram_set_option(gro, 0, POLLEN_DGRAM_UDP_GRO, 1));
    int v = 0;
    CHECK_RC(pollen_dgram_get_option(gro, 0, POLLEN_DGRAM_UDP_GRO, &v));
    CHECK(v == 1);
    static char payload[1000];
    for (int i = 0; i < 1000; i++) {
        payload[i] = (char) i;
    }
    struct iovec iov = { payload, 1000 };
    pollen_dgram_packet p;
    /* 1000 bytes in 300-byte segments: 300, 300, 300, 100. */
    one_packet(&p, pa, 0, 1);
    p.segment = 300;
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    char slots[4][400];
    struct iovec riov[4];
    pollen_dgram_packet q[4];
    for (int i = 0; i < 4; i++) {
        riov[i].iov_base = slots[i];
        riov[i].iov_len = sizeof(slots[i]);
        one_packet(&q[i], NULL, (uint32_t) i, 1);
    }
    int got = 0;
    while (got < 4) {
        wait_readable(plain);
        int n = pollen_dgram_recv(plain, 0, q + got, 4 - got, riov, 4);
        CHECK_RC(n);
        got += n;
    }
    CHECK(q[0].length == 300 && q[3].length == 100 && slots[3][0] == (char) 900);
    /* The GRO receiver gets them coalesced, with the segment size. */
    one_packet(&p, ra, 0, 1);
    p.segment = 300;
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    static char whole[65536];
    struct iovec wiov = { whole, sizeof(whole) };
    int total = 0;
    while (total < 1000) {
        wait_readable(gro);
        one_packet(&q[0], NULL, 0, 1);
        CHECK(pollen_dgram_recv(gro, 0, q, 1, &wiov, 1) == 1);
        CHECK(q[0].length == 300 || q[0].segment == 300);
        total += q[0].length;
    }
    CHECK(total == 1000);
    /* A segment size the kernel refuses (more than 64 segments) fails as EINVAL. */
    static char huge[65000];
    struct iovec hiov = { huge, sizeof(huge) };
    one_packet(&p, pa, 0, 1);
    p.segment = 100;
    CHECK(pollen_dgram_send(s, 0, &p, 1, &hiov, 1) == -EINVAL);
    close(plain);
    close(gro);
    close(s);
}

static void test_original_destination(void) {
    static const uint8_t ANY4[POLLEN_ADDR_SIZE] = { 4 };
    static const uint8_t OTHER4[POLLEN_ADDR_SIZE] = { 4, 127, 0, 0, 2 };
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE], dst[POLLEN_ADDR_SIZE];
    pollen_fd r = bound(0, ANY4, ra), s = bound(0, LOOPBACK4, sa);
    int rc = pollen_dgram_set_option(r, 0, POLLEN_DGRAM_RECVORIGDSTADDR, 1);
    if (qemu_lacks_option(rc, "IP_RECVORIGDSTADDR")) {
        close(r);
        close(s);
        return;
    }
    CHECK_RC(rc);
    memcpy(dst, OTHER4, POLLEN_ADDR_SIZE);
    dst[17] = ra[17];
    dst[18] = ra[18];
    char out[3] = "abc", in[8];
    struct iovec iov = { out, 3 }, riov = { in, sizeof(in) };
    pollen_dgram_packet p;
    one_packet(&p, dst, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    wait_readable(r);
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_recv(r, 0, &p, 1, &riov, 1) == 1);
    CHECK(memcmp(p.orig_dst, dst, POLLEN_ADDR_SIZE) == 0);
    close(r);
    close(s);
}

static void test_multicast_on_loopback(void) {
    static const uint8_t ANY4[POLLEN_ADDR_SIZE] = { 4 };
    static const uint8_t GROUP[POLLEN_ADDR_SIZE] = { 4, 239, 255, 77, 1 };
    int lo = (int) if_nametoindex("lo");
    CHECK(lo > 0);
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE], dst[POLLEN_ADDR_SIZE];
    pollen_fd r = bound(0, ANY4, ra), s = bound(0, LOOPBACK4, sa);
    int rc = pollen_dgram_set_multicast_if(s, 0, lo, LOOPBACK4);
    if (qemu_lacks_option(rc, "IP_MULTICAST_IF with an interface index (struct ip_mreqn)")) {
        close(r);
        close(s);
        return;
    }
    CHECK_RC(rc);
    uint8_t ifaddr[POLLEN_ADDR_SIZE];
    CHECK(pollen_dgram_get_multicast_if(s, 0, ifaddr) == 0);
    CHECK(memcmp(ifaddr + 1, LOOPBACK4 + 1, 4) == 0);
    CHECK_RC(pollen_dgram_set_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, 0));
    int v = -1;
    CHECK_RC(pollen_dgram_get_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, &v));
    CHECK(v == 0);
    CHECK_RC(pollen_dgram_get_option(s, 0, POLLEN_DGRAM_MULTICAST_LOOP, &v));
    CHECK(v == 1);
    CHECK_RC(pollen_dgram_membership(r, 0, 1, GROUP, lo, NULL));
    /* Joining twice is the kernel's EADDRINUSE. */
    CHECK(pollen_dgram_membership(r, 0, 1, GROUP, lo, NULL) == -EADDRINUSE);
    memcpy(dst, GROUP, POLLEN_ADDR_SIZE);
    dst[17] = ra[17];
    dst[18] = ra[18];
    char out[2] = "mc", in[8];
    struct iovec iov = { out, 2 }, riov = { in, sizeof(in) };
    pollen_dgram_packet p;
    one_packet(&p, dst, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    wait_readable(r);
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_recv(r, 0, &p, 1, &riov, 1) == 1);
    CHECK(p.length == 2 && memcmp(in, "mc", 2) == 0);
    CHECK_RC(pollen_dgram_membership(r, 0, 0, GROUP, lo, NULL));
    CHECK(pollen_dgram_membership(r, 0, 0, GROUP, lo, NULL) == -EADDRNOTAVAIL);
    /* Source-specific: only the named source gets through; blocking needs an any-source join. */
    CHECK_RC(pollen_dgram_membership(r, 0, 1, GROUP, lo, LOOPBACK4));
    CHECK_RC(pollen_dgram_membership(r, 0, 0, GROUP, lo, LOOPBACK4));
    CHECK_RC(pollen_dgram_membership(r, 0, 1, GROUP, lo, NULL));
    CHECK_RC(pollen_dgram_block(r, 0, 1, GROUP, lo, LOOPBACK4));
    CHECK_RC(pollen_dgram_block(r, 0, 0, GROUP, lo, LOOPBACK4));
    CHECK_RC(pollen_dgram_membership(r, 0, 0, GROUP, lo, NULL));
    /* An IPv6 group on an IPv4 socket. */
    CHECK(pollen_dgram_membership(r, 0, 1, LOOPBACK6, lo, NULL) == -EAFNOSUPPORT);
    close(r);
    close(s);
}

static void test_connected_and_errors(void) {
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    pollen_fd r = bound(0, LOOPBACK4, ra), s = bound(0, LOOPBACK4, sa);
    close(r);
    /* A connected socket learns of the closed port through ICMP: ECONNREFUSED, then taken. */
    CHECK(pollen_socket_connect(s, 0, ra) == 1);
    char out[1] = "x", in[4];
    struct iovec iov = { out, 1 }, riov = { in, sizeof(in) };
    pollen_dgram_packet p;
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    wait_readable(s);
    CHECK(pollen_dgram_take_error(s) == -ECONNREFUSED);
    CHECK(pollen_dgram_take_error(s) == 0);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    wait_readable(s);
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_recv(s, 0, &p, 1, &riov, 1) == -ECONNREFUSED);
    CHECK(p.call == POLLEN_DGRAM_CALL_RECVMSG);
    CHECK_RC(pollen_dgram_disconnect(s));
    CHECK(pollen_socket_remote_address(s, sa) == -ENOTCONN);
    /* Unconnected without an address. */
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EDESTADDRREQ);
    CHECK(p.call == POLLEN_DGRAM_CALL_SENDTO);
    /* Bad records: iovecs outside the table, a bad address length, an IPv6 peer for IPv4. No call is made. */
    one_packet(&p, ra, 3, 1);
    p.call = POLLEN_DGRAM_CALL_SENDTO;
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EINVAL);
    CHECK(p.call == POLLEN_DGRAM_CALL_NONE);
    one_packet(&p, ra, 0, 2);
    p.call = POLLEN_DGRAM_CALL_RECVMSG;
    CHECK(pollen_dgram_recv(s, 0, &p, 1, &riov, 1) == -EINVAL);
    CHECK(p.call == POLLEN_DGRAM_CALL_NONE);
    uint8_t bad[POLLEN_ADDR_SIZE] = { 7 };
    one_packet(&p, bad, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EINVAL);
    one_packet(&p, LOOPBACK6, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EAFNOSUPPORT);
    one_packet(&p, ra, 0, 1);
    p.segment = 70000;
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EINVAL);
    CHECK(pollen_dgram_send(s, 0, NULL, 1, &iov, 1) == -EINVAL);
    CHECK(pollen_dgram_send(s, 0, &p, 0, &iov, 1) == -EINVAL);
    CHECK(pollen_dgram_recv(s, 0, &p, 1, NULL, 0) == -EINVAL);
    CHECK(pollen_dgram_set_option(s, 0, POLLEN_DGRAM_MULTICAST_TTL, 256) == -EINVAL);
    CHECK(pollen_dgram_set_option(s, 0, 999, 1) == -ENOPROTOOPT);
    CHECK(pollen_dgram_membership(s, 0, 1, NULL, 0, NULL) == -EINVAL);
    close(s);
    /* A closed descriptor, alone and in batches: each error names the call that failed. */
    one_packet(&p, ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == -EBADF);
    CHECK(p.call == POLLEN_DGRAM_CALL_SENDTO);
    CHECK(pollen_dgram_recv(s, 0, &p, 1, &riov, 1) == -EBADF);
    CHECK(p.call == POLLEN_DGRAM_CALL_RECVMSG);
    pollen_dgram_packet two[2];
    one_packet(&two[0], ra, 0, 1);
    one_packet(&two[1], ra, 0, 1);
    CHECK(pollen_dgram_send(s, 0, two, 2, &iov, 1) == -EBADF);
#ifdef __linux__
    CHECK(two[0].call == POLLEN_DGRAM_CALL_SENDMMSG);
#else
    CHECK(two[0].call == POLLEN_DGRAM_CALL_SENDTO);
#endif
    one_packet(&two[0], NULL, 0, 1);
    one_packet(&two[1], NULL, 0, 1);
    CHECK(pollen_dgram_recv(s, 0, two, 2, &riov, 1) == -EBADF);
#ifdef __linux__
    CHECK(two[0].call == POLLEN_DGRAM_CALL_RECVMMSG);
#else
    CHECK(two[0].call == POLLEN_DGRAM_CALL_RECVMSG);
#endif
}

static void test_dual_stack(void) {
    if (!pollen_socket_ipv6_supported()) {
        printf("  (no IPv6 on this host)\n");
        return;
    }
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE];
    static const uint8_t ANY6[POLLEN_ADDR_SIZE] = { 16 };
    pollen_fd r = bound(1, ANY6, ra), s = bound(0, LOOPBACK4, sa);
    uint8_t dst[POLLEN_ADDR_SIZE];
    memcpy(dst, LOOPBACK4, POLLEN_ADDR_SIZE);
    dst[17] = ra[17];
    dst[18] = ra[18];
    char out[2] = "v4", in[4];
    struct iovec iov = { out, 2 }, riov = { in, sizeof(in) };
    pollen_dgram_packet p;
    one_packet(&p, dst, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    wait_readable(r);
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_recv(r, 1, &p, 1, &riov, 1) == 1);
    /* An IPv4 peer of a dual-stack socket is reported as plain IPv4. */
    CHECK(memcmp(p.addr, sa, POLLEN_ADDR_SIZE) == 0);
    /* And the IPv6 socket answers it through an IPv4 address. */
    one_packet(&p, sa, 0, 1);
    CHECK(pollen_dgram_send(r, 1, &p, 1, &iov, 1) == 1);
    wait_readable(s);
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_recv(s, 0, &p, 1, &riov, 1) == 1);
    CHECK(p.addr[0] == 4 && p.addr[17] == ra[17] && p.addr[18] == ra[18]);
    close(r);
    close(s);
}

int main(void) {
    RUN(test_send_recv_reports_sender);
    RUN(test_recv_without_control);
    RUN(test_batches);
    RUN(test_gso_and_gro);
    RUN(test_original_destination);
    RUN(test_multicast_on_loopback);
    RUN(test_connected_and_errors);
    RUN(test_dual_stack);
    return 0;
}
