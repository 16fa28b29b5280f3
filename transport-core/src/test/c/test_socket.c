/* The socket layer (pollen_socket.h): addresses, options and error returns. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <unistd.h>

#include "pollen_socket.h"
#include "pollen_test.h"

static const uint8_t LOOPBACK4[POLLEN_ADDR_SIZE] = { 4, 127, 0, 0, 1 };
static const uint8_t LOOPBACK6[POLLEN_ADDR_SIZE] = { 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static void test_ipv4_address_round_trip(void) {
    pollen_fd fd;
    uint8_t addr[POLLEN_ADDR_SIZE];
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK_RC(pollen_socket_bind(fd, 0, LOOPBACK4));
    CHECK_RC(pollen_socket_local_address(fd, addr));
    CHECK(addr[0] == 4 && memcmp(addr + 1, LOOPBACK4 + 1, 4) == 0);
    CHECK(addr[17] != 0 || addr[18] != 0); /* an ephemeral port was chosen */
    CHECK(pollen_socket_remote_address(fd, addr) == -ENOTCONN);
    CHECK_RC(pollen_socket_close(fd));
}

static void test_dual_stack_reports_ipv4_peers_as_ipv4(void) {
    if (!pollen_socket_ipv6_supported()) {
        printf("  (no IPv6 on this host: dual-stack check not applicable)\n");
        return;
    }
    pollen_fd fd;
    uint8_t addr[POLLEN_ADDR_SIZE];
    CHECK_RC(pollen_socket_stream(&fd, 1));
    /* An IPv4 address on an IPv6 socket is bound as IPv4-mapped and reported back as IPv4. */
    CHECK_RC(pollen_socket_bind(fd, 1, LOOPBACK4));
    CHECK_RC(pollen_socket_local_address(fd, addr));
    CHECK(addr[0] == 4 && addr[1] == 127);
    CHECK_RC(pollen_socket_close(fd));
    CHECK_RC(pollen_socket_stream(&fd, 1));
    CHECK_RC(pollen_socket_bind(fd, 1, LOOPBACK6));
    CHECK_RC(pollen_socket_local_address(fd, addr));
    CHECK(addr[0] == 16 && addr[16] == 1);
    CHECK_RC(pollen_socket_close(fd));
}

static void test_bad_input_is_an_error_not_a_crash(void) {
    pollen_fd fd;
    uint8_t bad[POLLEN_ADDR_SIZE] = { 7 };
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK(pollen_socket_bind(fd, 0, bad) == -EINVAL);
    CHECK(pollen_socket_bind(fd, 0, LOOPBACK6) == -EAFNOSUPPORT);
    CHECK(pollen_socket_set_option(fd, 12345, 1) == -ENOPROTOOPT);
    CHECK(pollen_socket_set_option(fd, POLLEN_SO_RCVBUF, -1) <= 0);
    char buf[4];
    CHECK(pollen_socket_recv(fd, buf, sizeof(buf)) < 0);
    CHECK(pollen_socket_send(fd, buf, sizeof(buf)) < 0); /* not connected: no SIGPIPE either */
    /* Negative lengths and counts are refused before the kernel sees them as huge sizes. */
    CHECK(pollen_socket_recv(fd, buf, -1) == -EINVAL);
    CHECK(pollen_socket_send(fd, buf, -4) == -EINVAL);
    CHECK(pollen_socket_writev(fd, buf, -1) == -EINVAL);
    CHECK(pollen_socket_writev(fd, NULL, 1) == -EINVAL);
    CHECK_RC(pollen_socket_close(fd));
    CHECK(pollen_socket_close(fd) == -EBADF);
    CHECK(pollen_socket_listen(-1, 1) == -EBADF);
}

static void test_options_round_trip(void) {
    pollen_fd fd;
    int v = 0;
    CHECK_RC(pollen_socket_stream(&fd, 0));
    static const int flags[] = { POLLEN_SO_KEEPALIVE, POLLEN_SO_REUSEADDR, POLLEN_SO_REUSEPORT, POLLEN_TCP_NODELAY };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        CHECK_RC(pollen_socket_set_option(fd, flags[i], 1));
        CHECK_RC(pollen_socket_get_option(fd, flags[i], &v));
        CHECK(v != 0);
        CHECK_RC(pollen_socket_set_option(fd, flags[i], 0));
        CHECK_RC(pollen_socket_get_option(fd, flags[i], &v));
        CHECK(v == 0);
    }
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_LINGER, 5));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_LINGER, &v));
    CHECK(v == 5);
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_LINGER, -1));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_LINGER, &v));
    CHECK(v == -1);
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_TCP_KEEPIDLE, 77));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_TCP_KEEPIDLE, &v));
    CHECK(v == 77);
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_IP_TOS, 0x10));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_IP_TOS, &v));
    CHECK(v == 0x10);
    CHECK_RC(pollen_socket_set_option(fd, POLLEN_SO_SNDBUF, 65536));
    CHECK_RC(pollen_socket_get_option(fd, POLLEN_SO_SNDBUF, &v));
    CHECK(v >= 65536);
    CHECK_RC(pollen_socket_close(fd));
}

static void test_iov_max(void) {
    CHECK(pollen_socket_iov_max() >= 16);
}

int main(void) {
    printf("socket layer\n");
    RUN(test_ipv4_address_round_trip);
    RUN(test_dual_stack_reports_ipv4_peers_as_ipv4);
    RUN(test_bad_input_is_an_error_not_a_crash);
    RUN(test_options_round_trip);
    RUN(test_iov_max);
    return 0;
}
