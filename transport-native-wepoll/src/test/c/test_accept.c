/* A listener registered for READ becomes readable when a connection is waiting, and accept works. */
#include "wepoll_test.h"

int main(void) {
    test_start("accept");
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd listener, client, server;
    uint8_t addr[POLLEN_ADDR_SIZE];
    CHECK_RC(pollen_poller_create(&p, 8));
    test_listener(&listener, addr);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, listener, POLLEN_INTEREST_READ, 11));
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK_RC(pollen_socket_stream(&client, 0));
    CHECK_RC(pollen_socket_connect(client, 0, addr));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 11 && ev[0].ready == POLLEN_READY_READABLE);
    /* Level-triggered: still readable while the connection waits in the queue. */
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    uint8_t peer[POLLEN_ADDR_SIZE];
    CHECK_RC(pollen_socket_accept(listener, &server, peer));
    CHECK(peer[0] == 4 && peer[1] == 127);
    CHECK(test_wait(p, ev, 8, 0) == 0);
    /* A client registered for WRITE sees its connect complete. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, client, POLLEN_INTEREST_WRITE, 12));
    CHECK(test_wait_token(p, 12) == POLLEN_READY_WRITABLE);
    CHECK(pollen_socket_finish_connect(client) == 1);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, client, 0, 12));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, listener, 0, 11));
    CHECK_RC(pollen_socket_close(server));
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(listener));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
