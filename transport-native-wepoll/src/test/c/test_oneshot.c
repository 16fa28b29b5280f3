/* POLLEN_INTEREST_ONESHOT: one event, then silence until a MOD re-arms the registration. */
#include "wepoll_test.h"

int main(void) {
    test_start("one-shot re-arm");
    CHECK(pollen_poller_capabilities() & POLLEN_CAP_ONESHOT);
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    test_tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ | POLLEN_INTEREST_ONESHOT, 1));
    CHECK(pollen_socket_send(a, "abc", 3) == 3);
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 1 && ev[0].ready == POLLEN_READY_READABLE);
    /* Still readable, but disarmed: nothing, even over a real wait. */
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK(test_wait(p, ev, 8, 20000000) == 0);
    /* Re-armed: reported once more (data still unread), then disarmed again. */
    for (uint64_t token = 2; token < 5; token++) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_READ | POLLEN_INTEREST_ONESHOT, token));
        CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
        CHECK(ev[0].token == token && ev[0].ready == POLLEN_READY_READABLE);
        CHECK(test_wait(p, ev, 8, 0) == 0);
    }
    /* Back to level-triggered with a plain MOD. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_READ, 9));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 9);
    /* A disarmed one-shot still releases its state when deleted. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_WRITE | POLLEN_INTEREST_ONESHOT, 10));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 10 && ev[0].ready == POLLEN_READY_WRITABLE);
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 10));
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_READ, 11) == -ENOENT);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
