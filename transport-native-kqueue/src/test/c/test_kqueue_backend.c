/*
 * What the kqueue backend adds to the poller contract (test_poller.c covers the contract):
 * batched changes, deletes that meet a closed fd, READ_CLOSED without READ, token takeover.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pollen_poller.h"
#include "pollen_test.h"

static void socket_pair(int *a, int *b) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
    *a = sv[0];
    *b = sv[1];
}

static void test_ctl_errors_are_immediate(void) {
    pollen_poller *p;
    int a, b;
    socket_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 4));
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_MOD, a, POLLEN_INTEREST_READ, 1) == -ENOENT);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_DEL, a, 0, 1) == -ENOENT);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ, 1));
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ, 1) == -EEXIST);
    /* A DEL under a token that no longer owns the fd leaves the current registration alone. */
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_DEL, a, 0, 99) == -ENOENT);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, -1, POLLEN_INTEREST_READ, 1) == -EINVAL);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, UINT64_MAX) == -EINVAL);
    CHECK(write(b, "x", 1) == 1);
    pollen_event ev[4];
    CHECK(pollen_poller_wait(p, ev, 4, 1000000000) == 1);
    CHECK(ev[0].token == 1 && ev[0].ready == POLLEN_READY_READABLE);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, a, 0, 1));
    CHECK(close(a) == 0 && close(b) == 0);
    CHECK_RC(pollen_poller_close(p));
}

static void test_delete_then_close_before_the_wait(void) {
    pollen_poller *p;
    pollen_event ev[4];
    int a, b, c, d;
    socket_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 4));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ | POLLEN_INTEREST_WRITE, 5));
    CHECK(pollen_poller_wait(p, ev, 4, 1000000000) == 1);
    CHECK(ev[0].token == 5 && ev[0].ready == POLLEN_READY_WRITABLE);
    /* The queued EV_DELETEs meet a closed fd (EBADF): ignored, never an error or an event. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, a, 0, 5));
    CHECK(close(a) == 0 && close(b) == 0);
    CHECK_RC(pollen_poller_wait(p, ev, 4, 0));
    CHECK(pollen_poller_wait(p, ev, 4, 0) == 0);
    /* Added, deleted and closed within one batch: the EV_ADD's EBADF is no event either. */
    socket_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_WRITE, 6));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, a, 0, 6));
    CHECK(close(a) == 0 && close(b) == 0);
    CHECK(pollen_poller_wait(p, ev, 4, 0) == 0);
    /* The poller still works, also on the reused numbers. */
    socket_pair(&c, &d);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, c, POLLEN_INTEREST_WRITE, 7));
    CHECK(pollen_poller_wait(p, ev, 4, 1000000000) == 1);
    CHECK(ev[0].token == 7 && ev[0].ready == POLLEN_READY_WRITABLE);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, c, 0, 7));
    CHECK(close(c) == 0 && close(d) == 0);
    CHECK_RC(pollen_poller_close(p));
}

static void test_read_closed_without_read_does_not_spin(void) {
    pollen_poller *p;
    pollen_event ev[4];
    int a, b;
    socket_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 4));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ_CLOSED, 8));
    CHECK(write(b, "unread", 6) == 6);
    /* Buffered data is not a shutdown: nothing to deliver, and not again and again. */
    CHECK(pollen_poller_wait(p, ev, 4, 20000000) == 0);
    CHECK(pollen_poller_wait(p, ev, 4, 0) == 0);
    CHECK(shutdown(b, SHUT_WR) == 0);
    CHECK(pollen_poller_wait(p, ev, 4, 1000000000) == 1);
    CHECK(ev[0].token == 8 && ev[0].ready == POLLEN_READY_READ_CLOSED);
    /* READ on top: level-triggered readable, with the shutdown. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, a, POLLEN_INTEREST_READ | POLLEN_INTEREST_READ_CLOSED, 8));
    CHECK(pollen_poller_wait(p, ev, 4, 1000000000) == 1);
    CHECK(ev[0].ready == (POLLEN_READY_READABLE | POLLEN_READY_READ_CLOSED));
    CHECK(pollen_poller_wait(p, ev, 4, 0) == 1);
    /* READ without READ_CLOSED: readable only. */
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, a, POLLEN_INTEREST_READ, 8));
    CHECK(pollen_poller_wait(p, ev, 4, 1000000000) == 1);
    CHECK(ev[0].ready == POLLEN_READY_READABLE);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, a, 0, 8));
    CHECK(close(a) == 0 && close(b) == 0);
    CHECK_RC(pollen_poller_close(p));
}

static void test_both_filters_make_one_event(void) {
    pollen_poller *p;
    pollen_event ev[4];
    int a, b;
    socket_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 1));
    CHECK(write(b, "x", 1) == 1);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ | POLLEN_INTEREST_WRITE, 9));
    CHECK(pollen_poller_wait(p, ev, 1, 1000000000) == 1);
    CHECK(ev[0].token == 9 && ev[0].ready == (POLLEN_READY_READABLE | POLLEN_READY_WRITABLE));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, a, 0, 9));
    CHECK(close(a) == 0 && close(b) == 0);
    CHECK_RC(pollen_poller_close(p));
}

int main(void) {
    printf("kqueue backend, %s\n", pollen_poller_name());
    RUN(test_ctl_errors_are_immediate);
    RUN(test_delete_then_close_before_the_wait);
    RUN(test_read_closed_without_read_does_not_spin);
    RUN(test_both_filters_make_one_event);
    return 0;
}
