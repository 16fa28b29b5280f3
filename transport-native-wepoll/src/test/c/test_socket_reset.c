/* A peer's reset (close with linger 0) through the Winsock layer: ECONNRESET on the next read. */
#include "socket_test.h"

int main(void) {
    socket_test_start("socket layer: reset");
    int wine = under_wine();
    pollen_fd client, server;
    char buf[16];
    int v = -2;
    tcp_pair(&client, &server);
    CHECK_RC(pollen_socket_set_option(server, POLLEN_SO_LINGER, 0));
    CHECK_RC(pollen_socket_get_option(server, POLLEN_SO_LINGER, &v));
    CHECK(v == 0);
    CHECK_RC(pollen_socket_close(server));
    /*
     * Windows fails the next read with WSAECONNRESET. Wine 8 reports the reset to AFD polls
     * (AFD_POLL_ABORT, see test_reset) and to writes, but its read races the reset: it returns
     * end of stream or WSAECONNRESET depending on timing (CI saw both), so under Wine either
     * is accepted; on Windows only the reset is.
     */
    int got = recv_when_ready(client, buf, sizeof(buf));
    if (wine && got == 0) {
        printf("  read after reset: end of stream (Wine)\n");
    } else {
        CHECK_IS(got, -ECONNRESET);
    }
    /* The connection is gone: a write fails with WSAECONNRESET on both. */
    CHECK_IS(pollen_socket_send(client, "x", 1), -ECONNRESET);
    test_iov iov = { "x", 1 };
    CHECK_IS(pollen_socket_writev(client, &iov, 1), -ECONNRESET);
    CHECK_RC(pollen_socket_close(client));
    printf("  ok\n");
    return 0;
}
