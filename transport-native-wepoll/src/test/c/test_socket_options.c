/*
 * Option round trips through the Winsock layer. Where Wine 8 lacks a Windows option the test
 * asserts the exact error the layer maps Wine's answer to, and says so.
 */
#include "socket_test.h"

static int wine;

static void flag_round_trip(pollen_fd fd, int option) {
    int v = -1;
    CHECK_RC(pollen_socket_set_option(fd, option, 1));
    CHECK_RC(pollen_socket_get_option(fd, option, &v));
    CHECK(v != 0);
    CHECK_RC(pollen_socket_set_option(fd, option, 0));
    CHECK_RC(pollen_socket_get_option(fd, option, &v));
    CHECK(v == 0);
}

static void flags(void) {
    pollen_fd fd, udp;
    CHECK_RC(pollen_socket_stream(&fd, 0));
    flag_round_trip(fd, POLLEN_SO_KEEPALIVE);
    flag_round_trip(fd, POLLEN_SO_REUSEADDR);
    flag_round_trip(fd, POLLEN_TCP_NODELAY);
    CHECK_RC(pollen_socket_datagram(&udp, 0));
    flag_round_trip(udp, POLLEN_SO_BROADCAST);
    CHECK_RC(pollen_socket_close(udp));
    CHECK_RC(pollen_socket_close(fd));
}

static void linger(void) {
    pollen_fd fd;
    int v = 0;
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_LINGER, &v));
    CHECK(v == -1); /* off by default */
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_LINGER, 5));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_LINGER, &v));
    CHECK(v == 5);
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_LINGER, 0));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_LINGER, &v));
    CHECK(v == 0);
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_LINGER, -1));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_LINGER, &v));
    CHECK(v == -1);
    /* Windows keeps the time in 16 bits. */
    CHECK(pollen_socket_set_option(fd, POLLEN_SO_LINGER, 70000) == -EINVAL);
    CHECK_RC(pollen_socket_close(fd));
}

static void buffers_and_tos(void) {
    pollen_fd fd;
    int v = 0, initial = 0;
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_SNDBUF, &initial));
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_SNDBUF, initial + 4096));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_SNDBUF, &v));
    CHECK(v >= initial + 4096); /* Windows keeps the value, Linux (under Wine) doubles it */
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_RCVBUF, &initial));
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_RCVBUF, initial + 4096));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_RCVBUF, &v));
    CHECK(v >= initial + 4096);
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_IP_TOS, 0x10));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_IP_TOS, &v));
    CHECK(v == 0x10);
    CHECK_RC(pollen_socket_close(fd));
    /* On IPv6 sockets the traffic class: IPV6_TCLASS. */
    CHECK_RC(pollen_socket_stream(&fd, 1));
    int rc = pollen_socket_set_option(fd, POLLEN_IP_TOS, 0x10);
    if (wine) {
        printf("  Wine 8 lacks IPV6_TCLASS: -ENOPROTOOPT\n");
        CHECK(rc == -ENOPROTOOPT);
        CHECK(pollen_socket_get_option(fd, POLLEN_IP_TOS, &v) == -ENOPROTOOPT);
    } else {
        CHECK_RC(rc);
        CHECK_RC(pollen_socket_get_option(fd, POLLEN_IP_TOS, &v));
        CHECK(v == 0x10);
    }
    CHECK_RC(pollen_socket_close(fd));
}

static void keepalive_times(void) {
    static const int ids[] = { POLLEN_TCP_KEEPIDLE, POLLEN_TCP_KEEPINTVL, POLLEN_TCP_KEEPCNT };
    static const char *names[] = { "TCP_KEEPIDLE (TCP_KEEPALIVE)", "TCP_KEEPINTVL", "TCP_KEEPCNT" };
    pollen_fd fd;
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_KEEPALIVE, 1));
    for (int i = 0; i < 3; i++) {
        int v = 0, set = pollen_socket_set_option(fd, ids[i], 7 + i), get = pollen_socket_get_option(fd, ids[i], &v);
        if (wine) {
            /* Windows 10 1709 has these names; Wine 8 answers WSAENOPROTOOPT. */
            printf("  Wine 8 lacks %s: -ENOPROTOOPT\n", names[i]);
            CHECK(set == -ENOPROTOOPT && get == -ENOPROTOOPT);
        } else {
            CHECK_RC(set);
            CHECK_RC(get);
            CHECK(v == 7 + i);
        }
    }
    CHECK_RC(pollen_socket_close(fd));
}

static void exclusive_address_use(void) {
    pollen_fd a, b;
    uint8_t addr[POLLEN_ADDR_SIZE];
    int v = -1;
    CHECK_RC(pollen_socket_stream(&a, 0));
    CHECK_RC(pollen_socket_get_option(a, POLLEN_SO_EXCLUSIVEADDRUSE, &v));
    CHECK(v == 0);
    CHECK_RC(pollen_socket_set_option(a, POLLEN_SO_EXCLUSIVEADDRUSE, 1));
    CHECK_RC(pollen_socket_get_option(a, POLLEN_SO_EXCLUSIVEADDRUSE, &v));
    CHECK(v == 1);
    /* Windows refuses SO_REUSEADDR on an exclusive socket. */
    CHECK(pollen_socket_set_option(a, POLLEN_SO_REUSEADDR, 1) == -EINVAL);
    CHECK_RC(pollen_socket_bind(a, 0, LOOPBACK4));
    CHECK_RC(pollen_socket_listen(a, 4));
    CHECK_RC(pollen_socket_local_address(a, addr));
    /* Nobody else gets the address, even asking for reuse. */
    CHECK_RC(pollen_socket_stream(&b, 0));
    CHECK_RC(pollen_socket_set_option(b, POLLEN_SO_REUSEADDR, 1));
    int rc = pollen_socket_bind(b, 0, addr);
    /* WSAEACCES: the address is held exclusively (Wine keeps that rule itself). */
    CHECK_IS(rc, -EACCES);
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_socket_close(a));
}

static void v6only(void) {
    pollen_fd fd;
    int v = -1;
    CHECK_RC(pollen_socket_stream(&fd, 1));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_IPV6_V6ONLY, &v));
    CHECK(v == 0); /* the layer makes IPv6 sockets dual stack */
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_IPV6_V6ONLY, 1));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_IPV6_V6ONLY, &v));
    CHECK(v == 1);
    CHECK_RC(pollen_socket_close(fd));
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK(pollen_socket_get_option(fd, POLLEN_IPV6_V6ONLY, &v) < 0); /* not an IPv6 socket */
    CHECK_RC(pollen_socket_close(fd));
}

static void other_platforms_options(void) {
    static const int ids[] = {
        POLLEN_SO_REUSEPORT, POLLEN_TCP_USER_TIMEOUT, POLLEN_TCP_CORK, POLLEN_TCP_QUICKACK,
        POLLEN_TCP_NOTSENT_LOWAT, POLLEN_TCP_DEFER_ACCEPT, POLLEN_TCP_FASTOPEN, POLLEN_TCP_FASTOPEN_CONNECT,
        POLLEN_IP_BIND_ADDRESS_NO_PORT, POLLEN_SO_BUSY_POLL, POLLEN_IP_FREEBIND, POLLEN_IP_TRANSPARENT,
        POLLEN_TCP_NOPUSH, POLLEN_SO_SNDLOWAT, POLLEN_OPTION_MAX, 0, -1,
    };
    pollen_fd fd;
    int v;
    CHECK_RC(pollen_socket_stream(&fd, 0));
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        CHECK(pollen_socket_set_option(fd, ids[i], 1) == -ENOPROTOOPT);
        CHECK(pollen_socket_get_option(fd, ids[i], &v) == -ENOPROTOOPT);
    }
    CHECK_RC(pollen_socket_close(fd));
}

static void raw_options(void) {
    pollen_fd fd;
    DWORD on = 1, out = 0;
    int len = (int) sizeof(out);
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK_RC(pollen_socket_set_raw_option(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)));
    CHECK_RC(pollen_socket_get_raw_option(fd, IPPROTO_TCP, TCP_NODELAY, &out, &len));
    CHECK(len >= 1 && out != 0);
    int v = 0;
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_TCP_NODELAY, &v));
    CHECK(v != 0);
    CHECK(pollen_socket_set_raw_option(fd, SOL_SOCKET, 0x7fff, &on, sizeof(on)) == -ENOPROTOOPT);
    CHECK_RC(pollen_socket_close(fd));
}

int main(void) {
    socket_test_start("socket layer: options");
    wine = under_wine();
    printf("  %s\n", wine ? "under Wine" : "on Windows");
    RUN(flags);
    RUN(linger);
    RUN(buffers_and_tos);
    RUN(keepalive_times);
    RUN(exclusive_address_use);
    RUN(v6only);
    RUN(other_platforms_options);
    RUN(raw_options);
    return 0;
}
