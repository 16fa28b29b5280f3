/* A peer's write shutdown is READ_CLOSED (and READABLE: recv returns 0), level-triggered. */
#include "wepoll_test.h"

int main(void) {
    test_start("peer shutdown");
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b, c, d;
    char buf[8];
    test_tcp_pair(&a, &b);
    test_tcp_pair(&c, &d);
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ_CLOSED, 1));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, d, POLLEN_INTEREST_READ, 2));
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK_RC(pollen_socket_shutdown(a, 0, 1));
    CHECK_RC(pollen_socket_shutdown(c, 0, 1));
    CHECK(test_wait_token(p, 1) == POLLEN_READY_READ_CLOSED);
    CHECK(test_wait_token(p, 2) == (POLLEN_READY_READABLE | POLLEN_READY_READ_CLOSED));
    /* Level-triggered: the end of stream stays reported. */
    CHECK(test_wait_token(p, 1) == POLLEN_READY_READ_CLOSED);
    CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == 0);
    CHECK(pollen_socket_recv(d, buf, sizeof(buf)) == 0);
    /* The half-closed side can still write to the peer that shut down. */
    CHECK(pollen_socket_send(b, "ok", 2) == 2);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 1));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ, 3));
    CHECK(test_wait_token(p, 3) == POLLEN_READY_READABLE);
    CHECK(pollen_socket_recv(a, buf, sizeof(buf)) == 2);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_socket_close(c));
    CHECK_RC(pollen_socket_close(d));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
