/*
 * Connected UDP through the Winsock layer: a fixed peer, ICMP port unreachable reported as
 * ECONNREFUSED while connected (and not after disconnecting), missing destinations.
 * Windows (WSAECONNRESET on a receive, mapped) and Wine 8 (SO_ERROR) report it differently;
 * the test accepts it from either path, but only as -ECONNREFUSED.
 */
#include "socket_test.h"

/* A loopback UDP port with nothing bound. */
static void closed_port(uint8_t *addr) {
    pollen_fd fd = udp_bound(0, LOOPBACK4, addr);
    CHECK_RC(pollen_socket_close(fd));
}

int main(void) {
    socket_test_start("datagram layer: connected UDP");
    int wine = under_wine();
    uint8_t ra[POLLEN_ADDR_SIZE], sa[POLLEN_ADDR_SIZE], a[POLLEN_ADDR_SIZE], dead[POLLEN_ADDR_SIZE];
    pollen_fd r = udp_bound(0, LOOPBACK4, ra), s = udp_bound(0, LOOPBACK4, sa);
    char in[16];
    test_iov iov = { "ping", 4 };
    pollen_dgram_packet p;

    /* Connecting a UDP socket completes at once. */
    CHECK(pollen_socket_connect(s, 0, ra) == 1);
    CHECK_RC(pollen_socket_remote_address(s, a));
    CHECK(memcmp(a, ra, POLLEN_ADDR_SIZE) == 0);
    one_packet(&p, NULL, 0, 1); /* no destination: the connected peer */
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    CHECK(recv_one(r, 0, &p, in, sizeof(in)) == 1);
    CHECK(p.length == 4 && memcmp(p.addr, sa, POLLEN_ADDR_SIZE) == 0);
    one_packet(&p, sa, 0, 1);
    CHECK(pollen_dgram_send(r, 0, &p, 1, &iov, 1) == 1);
    CHECK_IS(recv_one(s, 0, &p, in, sizeof(in)), 1);
    CHECK(memcmp(p.addr, ra, POLLEN_ADDR_SIZE) == 0);
    CHECK_IS(pollen_dgram_take_error(s), 0);

    /* Connected to a closed port: the port unreachable surfaces as ECONNREFUSED. */
    closed_port(dead);
    CHECK(pollen_socket_connect(s, 0, dead) == 1);
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_send(s, 0, &p, 1, &iov, 1) == 1);
    CHECK_IS(dgram_error_when_ready(s, &p, in, sizeof(in)), -ECONNREFUSED);

    /* Disconnected: no peer, ICMP errors are not reported. */
    CHECK_RC(pollen_dgram_disconnect(s));
    CHECK(pollen_socket_remote_address(s, a) == -ENOTCONN);
    /* The error was taken: Windows clears SO_ERROR when it is read; Wine 8 keeps answering it. */
    CHECK_IS(pollen_dgram_take_error(s), wine ? -ECONNREFUSED : 0);
    /* Without a peer a send needs a destination (checked on a socket never connected: Wine 8
     * passes the all-zero disconnect address to Linux, which then sends to 0.0.0.0:0). */
    uint8_t na[POLLEN_ADDR_SIZE];
    pollen_fd never = udp_bound(0, LOOPBACK4, na);
    one_packet(&p, NULL, 0, 1);
    CHECK_IS(pollen_dgram_send(never, 0, &p, 1, &iov, 1), -EDESTADDRREQ);
    CHECK_RC(pollen_socket_close(never));
    one_packet(&p, dead, 0, 1);
    CHECK_IS(pollen_dgram_send(s, 0, &p, 1, &iov, 1), 1);
    one_packet(&p, sa, 0, 1);
    CHECK(pollen_dgram_send(r, 0, &p, 1, &iov, 1) == 1);
    /* What arrives is r's datagram, not the closed port's error. */
    CHECK_IS(recv_one(s, 0, &p, in, sizeof(in)), 1);
    CHECK(memcmp(p.addr, ra, POLLEN_ADDR_SIZE) == 0);
    /* Disconnecting twice is harmless. */
    CHECK_RC(pollen_dgram_disconnect(s));
    /* The socket keeps its local address. */
    CHECK_RC(pollen_socket_local_address(s, a));
    CHECK(memcmp(a, sa, POLLEN_ADDR_SIZE) == 0);

    /* The same on a dual-stack IPv6 socket connected to an IPv4 peer. */
    uint8_t a6[POLLEN_ADDR_SIZE];
    pollen_fd s6 = udp_bound(1, ANY6, a6);
    CHECK(pollen_socket_connect(s6, 1, ra) == 1);
    CHECK_RC(pollen_socket_remote_address(s6, a));
    CHECK(memcmp(a, ra, POLLEN_ADDR_SIZE) == 0);
    one_packet(&p, NULL, 0, 1);
    CHECK(pollen_dgram_send(s6, 1, &p, 1, &iov, 1) == 1);
    CHECK(recv_one(r, 0, &p, in, sizeof(in)) == 1);
    CHECK_RC(pollen_dgram_disconnect(s6));
    CHECK(pollen_socket_remote_address(s6, a) == -ENOTCONN);
    CHECK_RC(pollen_socket_local_address(s6, a));
    CHECK(a[17] == a6[17] && a[18] == a6[18]); /* still on its port */
    CHECK_RC(pollen_socket_close(s6));

    CHECK_RC(pollen_socket_close(r));
    CHECK_RC(pollen_socket_close(s));
    printf("  ok\n");
    return 0;
}
