/* Half-close through the Winsock layer: output shutdown is the peer's end of stream, input keeps flowing. */
#include "socket_test.h"

int main(void) {
    socket_test_start("socket layer: shutdown and half-close");
    pollen_fd client, server;
    char buf[16];
    tcp_pair(&client, &server);

    /* The client stops writing: the server reads what was sent, then end of stream (0). */
    CHECK(pollen_socket_send(client, "last", 4) == 4);
    CHECK_RC(pollen_socket_shutdown(client, 0, 1));
    recv_all(server, buf, 4);
    CHECK(memcmp(buf, "last", 4) == 0);
    wait_readable(server);
    CHECK(pollen_socket_recv(server, buf, sizeof(buf)) == 0);
    CHECK(pollen_socket_recv(server, buf, sizeof(buf)) == 0); /* and stays there */
    /* Writing after the own output shutdown is EPIPE (WSAESHUTDOWN). */
    CHECK(pollen_socket_send(client, "x", 1) == -EPIPE);
    test_iov iov = { "x", 1 };
    CHECK(pollen_socket_writev(client, &iov, 1) == -EPIPE);

    /* The other direction still works. */
    CHECK(pollen_socket_send(server, "reply", 5) == 5);
    recv_all(client, buf, 5);
    CHECK(memcmp(buf, "reply", 5) == 0);

    /* An input shutdown reads as end of stream, as on POSIX. */
    CHECK_RC(pollen_socket_shutdown(client, 1, 0));
    CHECK(pollen_socket_recv(client, buf, sizeof(buf)) == 0);

    /* Both directions at once: the peer sees end of stream. */
    pollen_fd c2, s2;
    tcp_pair(&c2, &s2);
    CHECK_RC(pollen_socket_shutdown(s2, 1, 1));
    wait_readable(c2);
    CHECK(pollen_socket_recv(c2, buf, sizeof(buf)) == 0);

    /* Shutting down an unconnected socket is ENOTCONN. */
    pollen_fd lone;
    CHECK_RC(pollen_socket_stream(&lone, 0));
    CHECK(pollen_socket_shutdown(lone, 0, 1) == -ENOTCONN);

    CHECK_RC(pollen_socket_close(lone));
    CHECK_RC(pollen_socket_close(c2));
    CHECK_RC(pollen_socket_close(s2));
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(server));
    printf("  ok\n");
    return 0;
}
