/* Data makes a socket readable, level-triggered until drained; READ|WRITE report both bits. */
#include "wepoll_test.h"

int main(void) {
    test_start("receive");
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    char buf[64];
    test_tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ | POLLEN_INTEREST_READ_CLOSED, 5));
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK(pollen_socket_send(a, "hello", 5) == 5);
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 5 && ev[0].ready == POLLEN_READY_READABLE);
    for (int i = 0; i < 3; i++) {
        CHECK(test_wait(p, ev, 8, 0) == 1);
        CHECK(ev[0].ready == POLLEN_READY_READABLE);
    }
    CHECK(pollen_socket_recv(b, buf, 2) == 2);
    CHECK(test_wait(p, ev, 8, 0) == 1);
    CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == 3);
    CHECK(memcmp(buf, "llo", 3) == 0);
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == -EAGAIN);
    /* Widening the interest while a poll is pending cancels and re-polls. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_READ | POLLEN_INTEREST_WRITE, 6));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 6 && ev[0].ready == POLLEN_READY_WRITABLE);
    CHECK(pollen_socket_send(a, "x", 1) == 1);
    uint32_t ready = 0;
    for (int i = 0; i < 100 && ready != (POLLEN_READY_READABLE | POLLEN_READY_WRITABLE); i++) {
        CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
        ready = ev[0].ready;
    }
    CHECK(ready == (POLLEN_READY_READABLE | POLLEN_READY_WRITABLE));
    /* Narrowing back to READ: writability is no longer reported. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_READ, 7));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 7 && ev[0].ready == POLLEN_READY_READABLE);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
