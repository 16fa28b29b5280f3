/*
 * Handle reuse: a SOCKET value can name a new socket once the old one is closed. Events for
 * the old registration never reach the new one; a socket closed without DEL is dropped
 * (AFD's LOCAL_CLOSE) so its reused handle can be added again.
 */
#include "wepoll_test.h"

/* Closes and reopens sockets until one gets `old` back (Wine and Windows reuse freed handles). */
static int reopen_as(pollen_fd old, pollen_fd *a, pollen_fd *b) {
    for (int i = 0; i < 8; i++) {
        test_tcp_pair(a, b);
        if (*a == old || *b == old) {
            return 1;
        }
        CHECK_RC(pollen_socket_close(*a));
        CHECK_RC(pollen_socket_close(*b));
    }
    return 0;
}

int main(void) {
    test_start("handle reuse");
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b, c, d;
    CHECK_RC(pollen_poller_create(&p, 8));

    /* 1. DEL, close, reopen: the reused handle reports under its new token only. */
    test_tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 100));
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 100));
    pollen_fd old = b;
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_socket_close(a));
    int reused = reopen_as(old, &c, &d);
    printf("  handle %s reused after DEL + close\n", reused ? "was" : "was NOT");
    pollen_fd again = reused ? old : c;
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, again, POLLEN_INTEREST_WRITE, 200));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 200);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, again, 0, 200));
    CHECK_RC(pollen_socket_close(c));
    CHECK_RC(pollen_socket_close(d));

    /* 2. Closed without DEL while its poll is pending: dropped, never reported. */
    test_tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 300));
    CHECK(test_wait(p, ev, 8, 0) == 0);
    old = b;
    CHECK_RC(pollen_socket_close(b));
    CHECK(test_wait(p, ev, 8, 20000000) == 0);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_DEL, old, 0, 300) == -ENOENT);
    CHECK_RC(pollen_socket_close(a));

    /* 3. Closed without DEL and the handle reused before any wait: ADD still succeeds. */
    test_tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 400));
    CHECK(test_wait(p, ev, 8, 0) == 0);
    old = b;
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_socket_close(a));
    reused = reopen_as(old, &c, &d);
    printf("  handle %s reused after a close without DEL\n", reused ? "was" : "was NOT");
    again = reused ? old : c;
    /* Give the LOCAL_CLOSE completion time to land, without a wait collecting it. */
    Sleep(20);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, again, POLLEN_INTEREST_WRITE, 500));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 500);
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 500);
    CHECK_RC(pollen_socket_close(c));
    CHECK_RC(pollen_socket_close(d));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
