/* IPv6 sockets are dual stack: IPv4 peers of an IPv6 listener come back as plain IPv4 addresses. */
#include "socket_test.h"

static void ipv4_client_to_ipv6_listener(void) {
    pollen_fd listener, client, server;
    uint8_t laddr[POLLEN_ADDR_SIZE], target[POLLEN_ADDR_SIZE], peer[POLLEN_ADDR_SIZE], a[POLLEN_ADDR_SIZE];
    listener_on(&listener, 1, ANY6, laddr);
    CHECK(laddr[0] == 16); /* [::]:port */
    for (int i = 1; i <= 16; i++) {
        CHECK(laddr[i] == 0);
    }
    memcpy(target, LOOPBACK4, POLLEN_ADDR_SIZE);
    with_port(target, laddr);
    CHECK_RC(pollen_socket_stream(&client, 0));
    int rc = pollen_socket_connect(client, 0, target);
    CHECK(rc == 0 || rc == 1);
    wait_readable(listener);
    CHECK_RC(pollen_socket_accept(listener, &server, peer));
    CHECK(finish_connect(client) == 1);
    /* The peer arrived as ::ffff:127.0.0.1 and is reported as 127.0.0.1. */
    CHECK_RC(pollen_socket_local_address(client, a));
    CHECK(peer[0] == 4 && memcmp(peer, a, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_remote_address(server, a));
    CHECK(memcmp(peer, a, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_local_address(server, a));
    CHECK(memcmp(a, target, POLLEN_ADDR_SIZE) == 0);
    char buf[4];
    CHECK(pollen_socket_send(client, "v4", 2) == 2);
    recv_all(server, buf, 2);
    CHECK(memcmp(buf, "v4", 2) == 0);
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(server));
    CHECK_RC(pollen_socket_close(listener));
}

static void ipv6_socket_connects_to_ipv4(void) {
    pollen_fd listener, client, server;
    uint8_t laddr[POLLEN_ADDR_SIZE], peer[POLLEN_ADDR_SIZE], a[POLLEN_ADDR_SIZE];
    listener_on(&listener, 0, LOOPBACK4, laddr);
    /* An IPv4 address on an IPv6 socket is used IPv4-mapped. */
    CHECK_RC(pollen_socket_stream(&client, 1));
    int rc = pollen_socket_connect(client, 1, laddr);
    CHECK(rc == 0 || rc == 1);
    wait_readable(listener);
    CHECK_RC(pollen_socket_accept(listener, &server, peer));
    CHECK(finish_connect(client) == 1);
    CHECK_RC(pollen_socket_remote_address(client, a));
    CHECK(memcmp(a, laddr, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_local_address(client, a));
    CHECK(memcmp(a, peer, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(server));
    CHECK_RC(pollen_socket_close(listener));
}

static void v6only_listener_refuses_ipv4(void) {
    pollen_fd listener, client;
    uint8_t laddr[POLLEN_ADDR_SIZE], target[POLLEN_ADDR_SIZE];
    CHECK_RC(pollen_socket_stream(&listener, 1));
    CHECK_RC(pollen_socket_set_option(listener, POLLEN_IPV6_V6ONLY, 1));
    CHECK_RC(pollen_socket_bind(listener, 1, ANY6));
    CHECK_RC(pollen_socket_listen(listener, 4));
    CHECK_RC(pollen_socket_local_address(listener, laddr));
    memcpy(target, LOOPBACK4, POLLEN_ADDR_SIZE);
    with_port(target, laddr);
    CHECK_RC(pollen_socket_stream(&client, 0));
    int rc = pollen_socket_connect(client, 0, target);
    if (rc == 0) {
        rc = finish_connect(client);
    }
    CHECK(rc == -ECONNREFUSED);
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(listener));
}

static void ipv4_address_bound_on_ipv6_socket(void) {
    pollen_fd fd;
    uint8_t addr[POLLEN_ADDR_SIZE];
    CHECK_RC(pollen_socket_stream(&fd, 1));
    CHECK_RC(pollen_socket_bind(fd, 1, LOOPBACK4));
    CHECK_RC(pollen_socket_local_address(fd, addr));
    CHECK(addr[0] == 4 && memcmp(addr + 1, LOOPBACK4 + 1, 4) == 0);
    CHECK_RC(pollen_socket_close(fd));
}

int main(void) {
    socket_test_start("socket layer: IPv6 dual stack");
    CHECK(pollen_socket_ipv6_supported() == 1);
    CHECK(pollen_socket_ipv6_supported() == 1); /* probed once, remembered */
    RUN(ipv4_client_to_ipv6_listener);
    RUN(ipv6_socket_connects_to_ipv4);
    RUN(v6only_listener_refuses_ipv4);
    RUN(ipv4_address_bound_on_ipv6_socket);
    return 0;
}
