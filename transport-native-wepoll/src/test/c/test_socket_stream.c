/* TCP through the Winsock layer: accept (peer address, non-blocking child), connect, gathering writev, recv. */
#include "socket_test.h"

static int inheritable(pollen_fd fd) {
    DWORD flags = 0;
    CHECK(GetHandleInformation((HANDLE) fd, &flags));
    return (flags & HANDLE_FLAG_INHERIT) != 0;
}

int main(void) {
    socket_test_start("socket layer: accept, connect, gathering writev, recv");
    pollen_fd listener, client, server;
    uint8_t laddr[POLLEN_ADDR_SIZE], peer[POLLEN_ADDR_SIZE], caddr[POLLEN_ADDR_SIZE], raddr[POLLEN_ADDR_SIZE];
    /* The first call starts Winsock by itself (no WSAStartup in this program). */
    listener_on(&listener, 0, LOOPBACK4, laddr);
    CHECK(laddr[0] == 4 && memcmp(laddr + 1, LOOPBACK4 + 1, 4) == 0);
    CHECK(laddr[17] != 0 || laddr[18] != 0); /* an ephemeral port was chosen */
    CHECK(!inheritable(listener));
    /* Non-blocking: nothing pending is EAGAIN, not a wait. */
    CHECK(pollen_socket_accept(listener, &server, peer) == -EAGAIN);

    CHECK_RC(pollen_socket_stream(&client, 0));
    int rc = pollen_socket_connect(client, 0, laddr);
    printf("  connect answered %d\n", rc);
    CHECK(rc == 0 || rc == 1);
    wait_readable(listener);
    CHECK_RC(pollen_socket_accept(listener, &server, peer));
    CHECK(finish_connect(client) == 1);
    CHECK(finish_connect(client) == 1); /* stays connected */
    CHECK(!inheritable(client) && !inheritable(server));

    /* accept reports the client's address; each side sees the other. */
    CHECK_RC(pollen_socket_local_address(client, caddr));
    CHECK(memcmp(peer, caddr, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_remote_address(client, raddr));
    CHECK(memcmp(raddr, laddr, POLLEN_ADDR_SIZE) == 0);
    CHECK_RC(pollen_socket_remote_address(server, raddr));
    CHECK(memcmp(raddr, caddr, POLLEN_ADDR_SIZE) == 0);

    /* The accepted socket is non-blocking too. */
    char buf[256];
    CHECK(pollen_socket_recv(server, buf, sizeof(buf)) == -EAGAIN);

    /* A gathering write of four buffers, one of them empty. */
    char a[] = "gather", b[] = "", c[] = "ing ", d[] = "write";
    test_iov iov[4] = { { a, 6 }, { b, 0 }, { c, 4 }, { d, 5 } };
    CHECK(pollen_socket_writev(client, iov, 4) == 15);
    recv_all(server, buf, 15);
    CHECK(memcmp(buf, "gathering write", 15) == 0);
    CHECK(pollen_socket_recv(server, buf, sizeof(buf)) == -EAGAIN);

    /* The largest count the layer accepts, each buffer a different byte. */
    int max = pollen_socket_iov_max();
    CHECK(max >= 16);
    enum { PIECE = 64 };
    char *data = malloc((size_t) max * PIECE), *back = malloc((size_t) max * PIECE);
    test_iov *many = malloc((size_t) max * sizeof(test_iov));
    CHECK(data != NULL && back != NULL && many != NULL);
    for (int i = 0; i < max; i++) {
        memset(data + (size_t) i * PIECE, (char) i, PIECE);
        many[i].base = data + (size_t) i * PIECE;
        many[i].len = PIECE;
    }
    int64_t n = pollen_socket_writev(client, many, max);
    printf("  writev of %d buffers sent %lld bytes\n", max, (long long) n);
    CHECK(n > 0 && n <= (int64_t) max * PIECE);
    recv_all(server, back, (int) n);
    CHECK(memcmp(back, data, (size_t) n) == 0);

    /* Counts outside 0..iov_max. */
    CHECK(pollen_socket_writev(client, iov, 0) == 0);
    CHECK(pollen_socket_writev(client, iov, -1) == -EINVAL);
    CHECK(pollen_socket_writev(client, many, max + 1) == -EINVAL);
    CHECK(pollen_socket_writev(client, NULL, 1) == -EINVAL);

    /* Plain send and recv, both ways. */
    CHECK(pollen_socket_send(server, "pong", 4) == 4);
    recv_all(client, buf, 4);
    CHECK(memcmp(buf, "pong", 4) == 0);
    CHECK(pollen_socket_send(client, "x", 0) == 0);
    CHECK(pollen_socket_send(client, "x", -1) == -EINVAL);
    CHECK(pollen_socket_recv(client, buf, -1) == -EINVAL);

    free(data);
    free(back);
    free(many);
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(server));
    CHECK_RC(pollen_socket_close(listener));
    printf("  ok\n");
    return 0;
}
