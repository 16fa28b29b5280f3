/* Error mapping of the Winsock layer: refused connects, addresses in use, bad input, closed handles. */
#include "socket_test.h"

/* A loopback port with nothing listening: bound once, then released. */
static void closed_port(uint8_t *addr) {
    pollen_fd fd;
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK_RC(pollen_socket_bind(fd, 0, LOOPBACK4));
    CHECK_RC(pollen_socket_local_address(fd, addr));
    CHECK_RC(pollen_socket_close(fd));
}

static void refused_connect_is_econnrefused(void) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    pollen_fd fd;
    closed_port(addr);
    CHECK_RC(pollen_socket_stream(&fd, 0));
    int rc = pollen_socket_connect(fd, 0, addr);
    printf("  connect to a closed port answered %d\n", rc);
    if (rc == 0) {
        /* In progress (WSAEWOULDBLOCK): the failure comes from SO_ERROR once it is known. */
        rc = finish_connect(fd);
    }
    CHECK(rc == -ECONNREFUSED);
    CHECK_RC(pollen_socket_close(fd));
}

static void address_in_use(void) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    pollen_fd a, b;
    listener_on(&a, 0, LOOPBACK4, addr);
    CHECK_RC(pollen_socket_stream(&b, 0));
    CHECK(pollen_socket_bind(b, 0, addr) == -EADDRINUSE);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
}

static void unspecified_address_reaches_the_local_host(void) {
    uint8_t addr[POLLEN_ADDR_SIZE], any[POLLEN_ADDR_SIZE], peer[POLLEN_ADDR_SIZE], remote[POLLEN_ADDR_SIZE];
    pollen_fd listener, client, server;
    listener_on(&listener, 0, LOOPBACK4, addr);
    memcpy(any, ANY4, POLLEN_ADDR_SIZE);
    with_port(any, addr);
    CHECK_RC(pollen_socket_stream(&client, 0));
    int rc = pollen_socket_connect(client, 0, any);
    CHECK(rc == 0 || rc == 1);
    wait_readable(listener);
    CHECK_RC(pollen_socket_accept(listener, &server, peer));
    CHECK(finish_connect(client) == 1);
    CHECK_RC(pollen_socket_remote_address(client, remote));
    CHECK(memcmp(remote, addr, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(server));
    CHECK_RC(pollen_socket_close(listener));
}

static void unconnected_and_unbound(void) {
    pollen_fd fd;
    uint8_t addr[POLLEN_ADDR_SIZE];
    char buf[4];
    CHECK_RC(pollen_socket_stream(&fd, 0));
    /* Windows has no name for an unbound socket; the layer answers like POSIX: wildcard, port 0. */
    CHECK_RC(pollen_socket_local_address(fd, addr));
    CHECK(addr[0] == 4 && addr[1] == 0 && addr[17] == 0 && addr[18] == 0);
    CHECK(pollen_socket_remote_address(fd, addr) == -ENOTCONN);
    CHECK(pollen_socket_finish_connect(fd) == 0); /* never connected: nothing to finish yet */
    CHECK(pollen_socket_recv(fd, buf, sizeof(buf)) < 0);
    CHECK(pollen_socket_send(fd, buf, sizeof(buf)) < 0);
    CHECK(pollen_socket_accept(fd, &fd, addr) == -EINVAL); /* not listening */
    CHECK_RC(pollen_socket_close(fd));
    CHECK_RC(pollen_socket_stream(&fd, 1));
    CHECK_RC(pollen_socket_local_address(fd, addr));
    CHECK(addr[0] == 16 && addr[16] == 0 && addr[17] == 0 && addr[18] == 0);
    CHECK_RC(pollen_socket_close(fd));
}

static void bad_input(void) {
    pollen_fd fd;
    uint8_t bad[POLLEN_ADDR_SIZE] = { 7 };
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK(pollen_socket_bind(fd, 0, bad) == -EINVAL);
    CHECK(pollen_socket_connect(fd, 0, bad) == -EINVAL);
    CHECK(pollen_socket_bind(fd, 0, LOOPBACK6) == -EAFNOSUPPORT);
    CHECK(pollen_socket_set_option(fd, 12345, 1) == -ENOPROTOOPT);
    CHECK(pollen_socket_get_option(fd, 12345, &(int) { 0 }) == -ENOPROTOOPT);
    CHECK(pollen_socket_set_raw_option(fd, SOL_SOCKET, SO_KEEPALIVE, "", -1) == -EINVAL);
    int len = -1;
    CHECK(pollen_socket_get_raw_option(fd, SOL_SOCKET, SO_KEEPALIVE, bad, &len) == -EINVAL);
    /* No sendfile on Windows: -ENOSYS sends the Java side to its copying fallback. */
    CHECK(pollen_socket_sendfile(fd, 0, 0, 10) == -ENOSYS);
    CHECK(pollen_socket_sendfile(fd, 0, -1, 10) == -EINVAL);
    CHECK(pollen_socket_set_md5sig(fd, 0, LOOPBACK4, (const uint8_t *) "k", 1) == -ENOPROTOOPT);
    CHECK_RC(pollen_socket_close(fd));
}

static void closed_handles(void) {
    pollen_fd fd;
    uint8_t addr[POLLEN_ADDR_SIZE];
    char buf[4];
    CHECK_RC(pollen_socket_stream(&fd, 0));
    CHECK_RC(pollen_socket_close(fd));
    /* WSAENOTSOCK, through the table. */
    CHECK(pollen_socket_close(fd) == -ENOTSOCK);
    CHECK(pollen_socket_listen(INVALID_SOCKET, 1) == -ENOTSOCK);
    CHECK(pollen_socket_bind(INVALID_SOCKET, 0, LOOPBACK4) == -ENOTSOCK);
    CHECK(pollen_socket_recv(INVALID_SOCKET, buf, sizeof(buf)) == -ENOTSOCK);
    CHECK(pollen_socket_send(INVALID_SOCKET, buf, sizeof(buf)) == -ENOTSOCK);
    CHECK(pollen_socket_finish_connect(INVALID_SOCKET) == -ENOTSOCK);
    CHECK(pollen_socket_local_address(INVALID_SOCKET, addr) == -ENOTSOCK);
    CHECK(pollen_socket_set_option(INVALID_SOCKET, POLLEN_TCP_NODELAY, 1) == -ENOTSOCK);
}

int main(void) {
    socket_test_start("socket layer: error mapping");
    RUN(refused_connect_is_econnrefused);
    RUN(address_in_use);
    RUN(unspecified_address_reaches_the_local_host);
    RUN(unconnected_and_unbound);
    RUN(bad_input);
    RUN(closed_handles);
    return 0;
}
