/*
 * DEL while a poll is outstanding: the poll is cancelled, its late completion is swallowed
 * (no event under the old token, no use after free), and the socket can be added again.
 */
#include "wepoll_test.h"

int main(void) {
    test_start("delete while pending");
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    test_tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 1));
    /* The wait submits the poll; nothing is ready, so it stays pending. */
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 1));
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 1) == -ENOENT);
    CHECK(pollen_socket_send(a, "x", 1) == 1);
    CHECK(test_wait(p, ev, 8, 20000000) == 0);
    /* Delete and re-add in the same loop iteration, with a poll pending: only the new token. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_WRITE, 2));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 2);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_READ_CLOSED, 3));
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 3));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 4));
    for (int i = 0; i < 3; i++) {
        CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
        CHECK(ev[0].token == 4 && ev[0].ready == POLLEN_READY_READABLE);
    }
    /* An event already completed but not yet collected is dropped by a DEL. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 4));
    CHECK(test_wait(p, ev, 8, 20000000) == 0);
    /* DEL in the same batch as ADD (never submitted): freed at once. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 5));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 5));
    CHECK(test_wait(p, ev, 8, 20000000) == 0);
    /* Closing the poller with polls outstanding cancels and collects them. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ, 6));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 7));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 7);
    CHECK_RC(pollen_poller_close(p));
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    printf("  ok\n");
    return 0;
}
