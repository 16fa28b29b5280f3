/*
 * The poller contract (pollen_poller.h), tested against whichever backend is linked in: every
 * transport's build runs this same program against its own poller.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/uio.h>
#endif

#include "pollen_poller.h"
#include "pollen_socket.h"
#include "pollen_test.h"

static const uint8_t LOOPBACK[POLLEN_ADDR_SIZE] = { 4, 127, 0, 0, 1 };

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A connected pair over loopback TCP; the listener is closed before returning. */
static void tcp_pair(pollen_fd *client, pollen_fd *server) {
    pollen_fd listener;
    uint8_t addr[POLLEN_ADDR_SIZE];
    CHECK_RC(pollen_socket_stream(&listener, 0));
    CHECK_RC(pollen_socket_bind(listener, 0, LOOPBACK));
    CHECK_RC(pollen_socket_listen(listener, 16));
    CHECK_RC(pollen_socket_local_address(listener, addr));
    CHECK_RC(pollen_socket_stream(client, 0));
    CHECK_RC(pollen_socket_connect(*client, 0, addr));
    int rc;
    uint8_t peer[POLLEN_ADDR_SIZE];
    for (int i = 0; (rc = pollen_socket_accept(listener, server, peer)) < 0 && i < 1000; i++) {
        usleep(1000);
    }
    CHECK_RC(rc);
    CHECK(peer[0] == 4 && peer[1] == 127);
    for (int i = 0; pollen_socket_finish_connect(*client) != 1 && i < 1000; i++) {
        usleep(1000);
    }
    CHECK(pollen_socket_finish_connect(*client) == 1);
    CHECK_RC(pollen_socket_close(listener));
}

static int wait_for(pollen_poller *p, pollen_event *ev, int max, int64_t timeout_ns) {
    int n = pollen_poller_wait(p, ev, max, timeout_ns);
    CHECK_RC(n);
    return n;
}

static void test_nothing_ready_times_out(void) {
    pollen_poller *p;
    pollen_event ev[8];
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK(wait_for(p, ev, 8, 0) == 0);
    /* A 1.5 ms timeout must never return early (rounded up, not down). */
    int64_t start = now_ns();
    CHECK(wait_for(p, ev, 8, 1500000) == 0);
    CHECK(now_ns() - start >= 1500000);
    CHECK_RC(pollen_poller_close(p));
}

static void test_readable_writable_and_token(void) {
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 0x1234567800000042ULL));
    CHECK(wait_for(p, ev, 8, 0) == 0);
    CHECK(pollen_socket_send(a, "hi", 2) == 2);
    CHECK(wait_for(p, ev, 8, 1000000000) == 1);
    CHECK(ev[0].token == 0x1234567800000042ULL);
    CHECK(ev[0].ready == POLLEN_READY_READABLE);
    /* Level-triggered: still readable until read. */
    CHECK(wait_for(p, ev, 8, 0) == 1);
    char buf[8];
    CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == 2);
    CHECK(memcmp(buf, "hi", 2) == 0);
    CHECK(wait_for(p, ev, 8, 0) == 0);
    CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == -EAGAIN);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_WRITE, 7));
    CHECK(wait_for(p, ev, 8, 1000000000) == 1);
    CHECK(ev[0].token == 7 && ev[0].ready == POLLEN_READY_WRITABLE);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 7));
    CHECK(wait_for(p, ev, 8, 0) == 0);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 7) < 0);
    CHECK(pollen_poller_ctl(p, 99, b, 0, 7) == -EINVAL);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_poller_close(p));
}

static void test_peer_shutdown_is_read_closed(void) {
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ_CLOSED, 1));
    CHECK(wait_for(p, ev, 8, 0) == 0);
    CHECK_RC(pollen_socket_shutdown(a, 0, 1));
    CHECK(wait_for(p, ev, 8, 1000000000) == 1);
    CHECK(ev[0].ready & POLLEN_READY_READ_CLOSED);
    char buf[4];
    CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == 0);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_poller_close(p));
}

static void test_refused_connect_reports_error(void) {
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd listener, c;
    uint8_t addr[POLLEN_ADDR_SIZE];
    /* A port that was just free: bind, read the port, close. */
    CHECK_RC(pollen_socket_stream(&listener, 0));
    CHECK_RC(pollen_socket_bind(listener, 0, LOOPBACK));
    CHECK_RC(pollen_socket_local_address(listener, addr));
    CHECK_RC(pollen_socket_close(listener));
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_socket_stream(&c, 0));
    int rc = pollen_socket_connect(c, 0, addr);
    if (rc == 0) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, c, POLLEN_INTEREST_WRITE, 3));
        CHECK(wait_for(p, ev, 8, 1000000000) == 1);
        CHECK(ev[0].ready & (POLLEN_READY_ERROR | POLLEN_READY_WRITABLE));
        rc = pollen_socket_finish_connect(c);
    }
    CHECK(rc == -ECONNREFUSED);
    CHECK_RC(pollen_socket_close(c));
    CHECK_RC(pollen_poller_close(p));
}

static void *wake_later(void *arg) {
    usleep(20000);
    CHECK_RC(pollen_poller_wake((pollen_poller *) arg));
    return NULL;
}

static void test_wake_from_another_thread(void) {
    pollen_poller *p;
    pollen_event ev[8];
    pthread_t t;
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK(pthread_create(&t, NULL, wake_later, p) == 0);
    int64_t start = now_ns();
    /* Blocks without a timeout: only the wake-up can end it; it is not an event. */
    CHECK(wait_for(p, ev, 8, -1) == 0);
    CHECK(now_ns() - start < 5000000000LL);
    pthread_join(t, NULL);
    /* Many wake-ups collapse into one; afterwards the poller is quiet again. */
    for (int i = 0; i < 1000; i++) {
        CHECK_RC(pollen_poller_wake(p));
    }
    CHECK(wait_for(p, ev, 8, 0) == 0);
    CHECK(wait_for(p, ev, 8, 0) == 0);
    CHECK_RC(pollen_poller_close(p));
}

/* Timeouts near INT64_MAX block like -1 (no overflow into a past deadline or a zero wait that spins). */
static void test_huge_timeouts_block_until_woken(void) {
    static const int64_t huge[] = { INT64_MAX, INT64_MAX - 1, INT64_MAX - 999999, INT64_MAX / 2 };
    pollen_poller *p;
    pollen_event ev[8];
    CHECK_RC(pollen_poller_create(&p, 8));
    for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        pthread_t t;
        CHECK(pthread_create(&t, NULL, wake_later, p) == 0);
        int64_t start = now_ns();
        CHECK(wait_for(p, ev, 8, huge[i]) == 0);
        /* wake_later sleeps 20 ms before it wakes us: an earlier return is the bug. */
        CHECK(now_ns() - start >= 15000000LL);
        pthread_join(t, NULL);
    }
    CHECK_RC(pollen_poller_close(p));
}

/* Numbers no open descriptor has are refused, without growing any table to their size. */
static void test_unopened_descriptors_are_refused(void) {
    pollen_poller *p;
    pollen_event ev[8];
    CHECK_RC(pollen_poller_create(&p, 8));
    int rc = pollen_poller_ctl(p, POLLEN_CTL_ADD, (pollen_fd) 0x3ffffff0, POLLEN_INTEREST_READ, 1);
    if (rc == 0) {
        /* A backend that queues changes may report the refusal with the next wait instead. */
        rc = pollen_poller_wait(p, ev, 8, 0);
        CHECK(rc <= 0);
    } else {
        CHECK(rc < 0);
    }
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_MOD, (pollen_fd) 0x3ffffff0, POLLEN_INTEREST_READ, 1) < 0);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_DEL, (pollen_fd) 0x3ffffff0, 0, 1) < 0);
    CHECK(pollen_poller_ctl(p, 99, (pollen_fd) 0, POLLEN_INTEREST_READ, 1) == -EINVAL);
    CHECK(pollen_poller_wait(p, ev, 0, 0) == -EINVAL);
    CHECK(pollen_poller_wait(p, ev, -1, 0) == -EINVAL);
    CHECK_RC(pollen_poller_close(p));
}

static void test_more_ready_than_capacity(void) {
    enum { N = 20 };
    pollen_poller *p;
    pollen_event ev[N];
    pollen_fd a[N], b[N];
    CHECK_RC(pollen_poller_create(&p, 4));
    for (int i = 0; i < N; i++) {
        tcp_pair(&a[i], &b[i]);
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a[i], POLLEN_INTEREST_WRITE, (uint64_t) i));
    }
    /* A small batch returns at most max; a larger buffer later gets them all. */
    CHECK(wait_for(p, ev, 4, 1000000000) == 4);
    CHECK(wait_for(p, ev, N, 1000000000) == N);
    int seen[N] = { 0 };
    for (int i = 0; i < N; i++) {
        CHECK(ev[i].token < N);
        seen[ev[i].token]++;
    }
    for (int i = 0; i < N; i++) {
        CHECK(seen[i] == 1);
        CHECK_RC(pollen_socket_close(a[i]));
        CHECK_RC(pollen_socket_close(b[i]));
    }
    CHECK_RC(pollen_poller_close(p));
}

/*
 * Events a backend reports once (a READ_CLOSED-only registration's peer shutdown, which kqueue
 * reports with EV_CLEAR; ONESHOT registrations) with more of them ready than one wait can return:
 * the later waits must report every one, none lost for want of room.
 */
static void test_one_time_events_past_the_buffer(void) {
    enum { N = 24, MAX = 4 };
    uint32_t caps = pollen_poller_capabilities();
    pollen_poller *p;
    pollen_event ev[MAX];
    pollen_fd a[2 * N], b[2 * N];
    int seen[2 * N] = { 0 };
    int pairs = 0;
    CHECK_RC(pollen_poller_create(&p, MAX));
    if (caps & POLLEN_CAP_READ_CLOSED) {
        for (int i = 0; i < N; i++, pairs++) {
            tcp_pair(&a[pairs], &b[pairs]);
            CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b[pairs], POLLEN_INTEREST_READ_CLOSED, (uint64_t) pairs));
            CHECK_RC(pollen_socket_shutdown(a[pairs], 0, 1));
        }
    }
    if (caps & POLLEN_CAP_ONESHOT) {
        for (int i = 0; i < N; i++, pairs++) {
            tcp_pair(&a[pairs], &b[pairs]);
            CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b[pairs],
                                       POLLEN_INTEREST_READ | POLLEN_INTEREST_ONESHOT, (uint64_t) pairs));
            CHECK(pollen_socket_send(a[pairs], "x", 1) == 1);
        }
    }
    /* Give every peer's segment time to arrive, so all are ready before the first wait. */
    usleep(50000);
    int distinct = 0;
    int64_t deadline = now_ns() + 10 * (int64_t) 1000000000;
    while (distinct < pairs && now_ns() < deadline) {
        int n = wait_for(p, ev, MAX, 100000000);
        CHECK(n <= MAX);
        for (int i = 0; i < n; i++) {
            CHECK(ev[i].token < (uint64_t) pairs);
            if (seen[ev[i].token]++ == 0) {
                distinct++;
            }
        }
    }
    if (distinct < pairs) {
        fprintf(stderr, "only %d of %d one-time events were reported\n", distinct, pairs);
    }
    CHECK(distinct == pairs);
    for (int i = 0; i < pairs; i++) {
        CHECK_RC(pollen_socket_close(a[i]));
        CHECK_RC(pollen_socket_close(b[i]));
    }
    CHECK_RC(pollen_poller_close(p));
}

/*
 * Opens a new pair, which takes the lowest free numbers back: old now names another socket.
 * Adding that number must work and report under the new token only.
 */
static void check_reused_number(pollen_poller *p, pollen_fd old) {
    pollen_event ev[8];
    pollen_fd c, d;
    tcp_pair(&c, &d);
    CHECK(c == old || d == old);
    pollen_fd reused = c == old ? c : d;
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, reused, POLLEN_INTEREST_WRITE, 200));
    CHECK(wait_for(p, ev, 8, 1000000000) == 1);
    CHECK(ev[0].token == 200);
    CHECK_RC(pollen_socket_close(c));
    CHECK_RC(pollen_socket_close(d));
}

/*
 * Registrations of descriptors closed behind the poller's back, more than one wait returns: each
 * is refused at once (epoll, the AFD poller) or, where changes are queued for the next wait
 * (kqueue), reported once as READY_ERROR under its token; none is lost past the event buffer.
 */
static void test_refused_registrations_past_the_buffer(void) {
    enum { N = 24, MAX = 4 };
    pollen_poller *p;
    pollen_event ev[MAX];
    pollen_fd a[N], b[N];
    int pending[N] = { 0 };
    int npending = 0;
    CHECK_RC(pollen_poller_create(&p, MAX));
    for (int i = 0; i < N; i++) {
        tcp_pair(&a[i], &b[i]);
        /* Known to the poller once, so a backend with a table has room for the number. */
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a[i], POLLEN_INTEREST_READ, 1000 + (uint64_t) i));
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, a[i], 0, 1000 + (uint64_t) i));
    }
    CHECK(wait_for(p, ev, MAX, 0) == 0);
    for (int i = 0; i < N; i++) {
        CHECK_RC(pollen_socket_close(a[i]));
    }
    for (int i = 0; i < N; i++) {
        int rc = pollen_poller_ctl(p, POLLEN_CTL_ADD, a[i], POLLEN_INTEREST_READ, (uint64_t) i);
        if (rc == 0) {
            pending[i] = 1;
            npending++;
        } else {
            CHECK(rc < 0);
        }
    }
    int64_t deadline = now_ns() + 10 * (int64_t) 1000000000;
    while (npending > 0 && now_ns() < deadline) {
        int n = wait_for(p, ev, MAX, 100000000);
        CHECK(n <= MAX);
        for (int i = 0; i < n; i++) {
            CHECK(ev[i].token < (uint64_t) N);
            CHECK(ev[i].ready & POLLEN_READY_ERROR);
            CHECK(pending[ev[i].token] == 1); /* once each */
            pending[ev[i].token] = 2;
            npending--;
        }
    }
    if (npending > 0) {
        fprintf(stderr, "%d refused registrations were never reported\n", npending);
    }
    CHECK(npending == 0);
    for (int i = 0; i < N; i++) {
        CHECK_RC(pollen_socket_close(b[i]));
    }
    CHECK_RC(pollen_poller_close(p));
}

static void test_fd_reuse_gets_new_token(void) {
    pollen_poller *p;
    pollen_fd a, b;
    CHECK_RC(pollen_poller_create(&p, 8));
    tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_WRITE, 100));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 100));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_socket_close(a));
    check_reused_number(p, b);
    CHECK_RC(pollen_poller_close(p));
}

/* With CAP_CLOSE_REMOVES a close without DEL ends the registration; the number is free to add again. */
static void test_close_removes(void) {
    if (!(pollen_poller_capabilities() & POLLEN_CAP_CLOSE_REMOVES)) {
        return;
    }
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    CHECK_RC(pollen_poller_create(&p, 8));
    tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_WRITE, 100));
    CHECK_RC(pollen_socket_close(b));
    CHECK(wait_for(p, ev, 8, 20000000) == 0);
    CHECK_RC(pollen_socket_close(a));
    check_reused_number(p, b);
    CHECK_RC(pollen_poller_close(p));
}

/* ONESHOT: one event, then silence although still ready, until a MOD re-arms it; refused without the capability. */
static void test_oneshot_rearms_on_mod(void) {
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 8));
    uint32_t oneshot_read = POLLEN_INTEREST_READ | POLLEN_INTEREST_ONESHOT;
    if (!(pollen_poller_capabilities() & POLLEN_CAP_ONESHOT)) {
        CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, oneshot_read, 1) == -EINVAL);
    } else {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, oneshot_read, 1));
        CHECK(pollen_socket_send(a, "x", 1) == 1);
        CHECK(wait_for(p, ev, 8, 1000000000) == 1);
        CHECK(ev[0].token == 1 && (ev[0].ready & POLLEN_READY_READABLE));
        CHECK(wait_for(p, ev, 8, 20000000) == 0);
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, oneshot_read, 2));
        CHECK(wait_for(p, ev, 8, 1000000000) == 1);
        CHECK(ev[0].token == 2 && (ev[0].ready & POLLEN_READY_READABLE));
        CHECK(wait_for(p, ev, 8, 20000000) == 0);
        /* Back to level-triggered: reported on every wait while readable. */
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_READ, 3));
        CHECK(wait_for(p, ev, 8, 1000000000) == 1);
        CHECK(wait_for(p, ev, 8, 1000000000) == 1 && ev[0].token == 3);
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 3));
    }
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_poller_close(p));
}

/* Urgent data (TCP MSG_OOB) is PRIORITY where the backend watches it, and refused where not. */
static void test_urgent_data_is_priority(void) {
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 8));
    if (!(pollen_poller_capabilities() & POLLEN_CAP_PRIORITY)) {
        CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ | POLLEN_INTEREST_PRIORITY, 1) == -EINVAL);
    } else {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_PRIORITY, 1));
        CHECK(wait_for(p, ev, 8, 0) == 0);
        CHECK(send(a, "u", 1, MSG_OOB) == 1);
        CHECK(wait_for(p, ev, 8, 1000000000) == 1);
        CHECK(ev[0].token == 1 && (ev[0].ready & POLLEN_READY_PRIORITY));
        CHECK(!(ev[0].ready & POLLEN_READY_READABLE));       /* READ was not asked for */
        char c = 0;
        CHECK(recv(b, &c, 1, MSG_OOB) == 1 && c == 'u');
        CHECK(wait_for(p, ev, 8, 0) == 0);                    /* level: gone once read */
        CHECK(pollen_socket_send(a, "n", 1) == 1);            /* ordinary data is not urgent */
        CHECK(wait_for(p, ev, 8, 20000000) == 0);
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, b, POLLEN_INTEREST_READ, 2));
        CHECK(wait_for(p, ev, 8, 1000000000) == 1);
        CHECK(ev[0].token == 2 && ev[0].ready == POLLEN_READY_READABLE);
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 2));
    }
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_poller_close(p));
}

#ifndef _WIN32
/* Reads exactly len bytes from fd, waiting for them with the poller's own readiness (10 s at most). */
static void recv_all(pollen_fd fd, char *buf, int len) {
    pollen_poller *p;
    pollen_event ev[1];
    CHECK_RC(pollen_poller_create(&p, 1));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, fd, POLLEN_INTEREST_READ, 9));
    int64_t deadline = now_ns() + 10000000000LL;
    for (int got = 0; got < len;) {
        CHECK(now_ns() < deadline);
        int n = pollen_socket_recv(fd, buf + got, len - got);
        if (n == -EAGAIN || n == -EWOULDBLOCK) {
            wait_for(p, ev, 1, 100000000);
            continue;
        }
        CHECK(n > 0);
        got += n;
    }
    CHECK_RC(pollen_poller_close(p));
}
#endif

static void test_io_batch(void) {
    pollen_poller *p;
    pollen_io sends[300];
    CHECK_RC(pollen_poller_create(&p, 8));
    for (int i = 0; i < 300; i++) {
        sends[i].result = POLLEN_IO_NOT_MADE;
    }
    if (!(pollen_poller_capabilities() & POLLEN_CAP_IO_BATCH)) {
        CHECK(pollen_poller_io_batch(p, sends, 1) == -ENOSYS);
        CHECK(sends[0].result == POLLEN_IO_NOT_MADE);   /* nothing made, nothing set */
        CHECK_RC(pollen_poller_close(p));
        return;
    }
#ifndef _WIN32
    pollen_fd a1, b1, a2, b2, a3, b3;
    tcp_pair(&a1, &b1);
    tcp_pair(&a2, &b2);
    tcp_pair(&a3, &b3);
    /* a3 cannot take more: its send buffer and b3's receive buffer are full. */
    static char fill[65536];
    int n;
    while ((n = pollen_socket_send(a3, fill, (int) sizeof(fill))) > 0) {
    }
    CHECK(n == -EAGAIN || n == -EWOULDBLOCK);
    CHECK_RC(pollen_socket_shutdown(a2, 0, 1));
    struct iovec hello[2] = { { "hello ", 6 }, { "world", 5 } };
    struct iovec x = { "x", 1 };
    pollen_io batch[4] = {
        { .iov = (uint64_t) (uintptr_t) hello, .fd = a1, .iovcnt = 2, .result = POLLEN_IO_NOT_MADE },
        { .iov = (uint64_t) (uintptr_t) &x, .fd = a2, .iovcnt = 1, .result = POLLEN_IO_NOT_MADE },
        { .iov = (uint64_t) (uintptr_t) &x, .fd = a3, .iovcnt = 1, .result = POLLEN_IO_NOT_MADE },
        { .iov = (uint64_t) (uintptr_t) &x, .fd = -1, .iovcnt = 1, .result = POLLEN_IO_NOT_MADE },
    };
    CHECK_RC(pollen_poller_io_batch(p, batch, 4));
    CHECK(batch[0].result == 11);             /* both iovecs, in order */
    CHECK(batch[1].result == -EPIPE);         /* output shut down: the error, no SIGPIPE */
    CHECK(batch[2].result == -EAGAIN);        /* full: refused at once, never waited for */
    CHECK(batch[3].result == -EBADF);
    /* Reads in a batch: what is there, end of stream, and nothing yet (never waited for). */
    pollen_poller *w;
    pollen_event ev[1];
    CHECK_RC(pollen_poller_create(&w, 1));
    CHECK_RC(pollen_poller_ctl(w, POLLEN_CTL_ADD, b1, POLLEN_INTEREST_READ, 1));
    CHECK(wait_for(w, ev, 1, 10000000000LL) == 1);
    CHECK_RC(pollen_poller_close(w));
    char r1[64], r2[8], r3[8];
    struct iovec v1 = { r1, sizeof(r1) }, v2 = { r2, sizeof(r2) }, v3 = { r3, sizeof(r3) };
    pollen_io reads[3] = {
        { .iov = (uint64_t) (uintptr_t) &v1, .fd = b1, .iovcnt = 1, .op = POLLEN_IO_RECV, .result = POLLEN_IO_NOT_MADE },
        { .iov = (uint64_t) (uintptr_t) &v2, .fd = b2, .iovcnt = 1, .op = POLLEN_IO_RECV, .result = POLLEN_IO_NOT_MADE },
        { .iov = (uint64_t) (uintptr_t) &v3, .fd = a3, .iovcnt = 1, .op = POLLEN_IO_RECV, .result = POLLEN_IO_NOT_MADE },
    };
    CHECK_RC(pollen_poller_io_batch(p, reads, 3));
    CHECK(reads[0].result == 11 && memcmp(r1, "hello world", 11) == 0);
    CHECK(reads[1].result == 0);              /* a2 shut its output down: end of stream */
    CHECK(reads[2].result == -EAGAIN);        /* b3 sent nothing */
    char got[300];
    /* More operations than the ring has entries: made in several entries, in order. */
    char bytes[300];
    struct iovec one[300];
    for (int i = 0; i < 300; i++) {
        bytes[i] = (char) i;
        one[i].iov_base = &bytes[i];
        one[i].iov_len = 1;
        sends[i] = (pollen_io) { .iov = (uint64_t) (uintptr_t) &one[i], .fd = a1, .iovcnt = 1,
                                   .result = POLLEN_IO_NOT_MADE };
    }
    CHECK_RC(pollen_poller_io_batch(p, sends, 300));
    for (int i = 0; i < 300; i++) {
        CHECK(sends[i].result == 1);
    }
    recv_all(b1, got, 300);
    CHECK(memcmp(got, bytes, 300) == 0);
    CHECK(pollen_poller_io_batch(p, sends, 0) == 0);
    CHECK(pollen_poller_io_batch(p, sends, -1) == -EINVAL);
    pollen_fd all[] = { a1, b1, a2, b2, a3, b3 };
    for (int i = 0; i < 6; i++) {
        CHECK_RC(pollen_socket_close(all[i]));
    }
#endif
    CHECK_RC(pollen_poller_close(p));
}

#ifndef _WIN32
/* A batch ending in POLLEN_IO_POLL: started with no event. */
static void start_wait(pollen_poller *p, pollen_io *rec) {
    *rec = (pollen_io) { .fd = -1, .op = POLLEN_IO_POLL, .result = POLLEN_IO_NOT_MADE };
    CHECK_RC(pollen_poller_io_batch(p, rec, 1));
}

struct waiter {
    pollen_poller *p;
    int n;
    pollen_event ev[8];
};

static void *wait_elsewhere(void *arg) {
    struct waiter *w = arg;
    w->n = wait_for(w->p, w->ev, 8, 10000000000LL);
    return NULL;
}
#endif

/* The next wait started in a batch's own kernel entry (POLLEN_IO_POLL), and finished by pollen_poller_wait. */
static void test_io_batch_poll(void) {
    uint32_t caps = pollen_poller_capabilities();
    pollen_poller *p;
    CHECK_RC(pollen_poller_create(&p, 8));
    if (!(caps & POLLEN_CAP_IO_BATCH)) {
        CHECK(!(caps & POLLEN_CAP_IO_BATCH_POLL));   /* a wait is started only by a batch */
        CHECK_RC(pollen_poller_close(p));
        return;
    }
#ifndef _WIN32
    pollen_io ops[2];
    pollen_event ev[8];
    pollen_fd a, b;
    tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 7));
    struct iovec ab = { "ab", 2 };
    ops[0] = (pollen_io) { .iov = (uint64_t) (uintptr_t) &ab, .fd = a, .iovcnt = 1, .result = POLLEN_IO_NOT_MADE };
    ops[1] = (pollen_io) { .fd = -1, .op = POLLEN_IO_POLL, .result = POLLEN_IO_NOT_MADE };
    /* Only as the last record. */
    pollen_io first[2] = { ops[1], ops[0] };
    CHECK(pollen_poller_io_batch(p, first, 2) == -EINVAL);
    CHECK(first[0].result == POLLEN_IO_NOT_MADE && first[1].result == POLLEN_IO_NOT_MADE);
    CHECK_RC(pollen_poller_io_batch(p, ops, 2));
    CHECK(ops[0].result == 2);
    if (!(caps & POLLEN_CAP_IO_BATCH_POLL)) {
        CHECK(ops[1].result == POLLEN_IO_NOT_MADE);   /* not started: the next wait is a plain one */
        CHECK(wait_for(p, ev, 8, 10000000000LL) == 1 && ev[0].token == 7);
    } else {
        /* The write made b readable before the wait was made: the wait found it at once. */
        CHECK(ops[1].result == 0);
        CHECK(wait_for(p, ev, 8, 0) == 1);
        CHECK(ev[0].token == 7 && ev[0].ready == POLLEN_READY_READABLE);
        char buf[8];
        CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == 2);

        /* Started with nothing ready: it waits on, and a later write ends it. */
        start_wait(p, &ops[1]);
        CHECK(ops[1].result == 0);
        CHECK(wait_for(p, ev, 8, 0) == 0);
        int64_t start = now_ns();
        CHECK(wait_for(p, ev, 8, 20000000) == 0);          /* its timeout never ends early */
        CHECK(now_ns() - start >= 20000000);
        CHECK(pollen_socket_send(a, "c", 1) == 1);
        CHECK(wait_for(p, ev, 8, 10000000000LL) == 1 && ev[0].token == 7);
        CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == 1);

        /* A wake-up from another thread ends it, and is no event. */
        start_wait(p, &ops[1]);
        pthread_t t;
        CHECK(pthread_create(&t, NULL, wake_later, p) == 0);
        start = now_ns();
        CHECK(wait_for(p, ev, 8, -1) == 0);
        CHECK(now_ns() - start < 5000000000LL);
        pthread_join(t, NULL);
        CHECK(wait_for(p, ev, 8, 0) == 0);

        /* Finished by another thread: taken back there, and its events still come. */
        start_wait(p, &ops[1]);
        CHECK(pollen_socket_send(a, "d", 1) == 1);
        struct waiter w = { .p = p };
        CHECK(pthread_create(&t, NULL, wait_elsewhere, &w) == 0);
        pthread_join(t, NULL);
        CHECK(w.n == 1 && w.ev[0].token == 7);
        CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == 1);

        /* A second start while one is pending is refused quietly; closing the poller cancels it. */
        start_wait(p, &ops[0]);
        start_wait(p, &ops[1]);
        CHECK(ops[0].result == 0 && ops[1].result == POLLEN_IO_NOT_MADE);
    }
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
#endif
    CHECK_RC(pollen_poller_close(p));
}

#ifndef _WIN32
/* A batch of one registration change of fd (POLLEN_IO_CTL_*), ending with the next wait if poll. */
static int64_t change(pollen_poller *p, int op, pollen_fd fd, uint32_t interest, uint64_t token, int poll) {
    pollen_io ops[2] = {
        { .iov = token, .fd = fd, .iovcnt = (int32_t) interest, .op = op, .result = POLLEN_IO_NOT_MADE },
        { .fd = -1, .op = POLLEN_IO_POLL, .result = POLLEN_IO_NOT_MADE },
    };
    CHECK_RC(pollen_poller_io_batch(p, ops, poll ? 2 : 1));
    int started = (pollen_poller_capabilities() & POLLEN_CAP_IO_BATCH_POLL) != 0;
    CHECK(!poll || ops[1].result == (started ? 0 : POLLEN_IO_NOT_MADE));
    return ops[0].result;
}
#endif

/* Registration changes made in a batch (POLLEN_IO_CTL_*), as pollen_poller_ctl makes them. */
static void test_io_batch_ctl(void) {
    pollen_poller *p;
    CHECK_RC(pollen_poller_create(&p, 8));
    if (!(pollen_poller_capabilities() & POLLEN_CAP_IO_BATCH)) {
        CHECK_RC(pollen_poller_close(p));
        return; /* -ENOSYS for every batch: test_io_batch */
    }
#ifndef _WIN32
    pollen_event ev[8];
    pollen_fd a, b;
    tcp_pair(&a, &b);
    CHECK(pollen_socket_send(a, "x", 1) == 1);
    /* Added with a write and the next wait in one batch: in force for that wait. */
    struct iovec y = { "y", 1 };
    pollen_io ops[3] = {
        { .iov = (uint64_t) (uintptr_t) &y, .fd = a, .iovcnt = 1, .result = POLLEN_IO_NOT_MADE },
        { .iov = 11, .fd = b, .iovcnt = POLLEN_INTEREST_READ, .op = POLLEN_IO_CTL_ADD, .result = POLLEN_IO_NOT_MADE },
        { .fd = -1, .op = POLLEN_IO_POLL, .result = POLLEN_IO_NOT_MADE },
    };
    CHECK_RC(pollen_poller_io_batch(p, ops, 3));
    CHECK(ops[0].result == 1 && ops[1].result == 0);
    CHECK(wait_for(p, ev, 8, 10000000000LL) == 1);
    CHECK(ev[0].token == 11 && ev[0].ready == POLLEN_READY_READABLE);
    /* Changed to WRITE under another token, then removed: each in force for the next wait. */
    CHECK(change(p, POLLEN_IO_CTL_MOD, b, POLLEN_INTEREST_WRITE, 12, 1) == 0);
    CHECK(wait_for(p, ev, 8, 10000000000LL) == 1);
    CHECK(ev[0].token == 12 && ev[0].ready == POLLEN_READY_WRITABLE);
    CHECK(change(p, POLLEN_IO_CTL_DEL, b, 0, 12, 1) == 0);
    CHECK(wait_for(p, ev, 8, 0) == 0);                   /* readable and writable, but not watched */
    /* Refused as pollen_poller_ctl refuses them, each on its own. */
    CHECK(change(p, POLLEN_IO_CTL_MOD, b, POLLEN_INTEREST_READ, 13, 0) == -ENOENT);
    CHECK(change(p, POLLEN_IO_CTL_DEL, b, 0, 13, 0) == -ENOENT);
    CHECK(change(p, POLLEN_IO_CTL_ADD, b, POLLEN_INTEREST_READ, 13, 0) == 0);
    CHECK(change(p, POLLEN_IO_CTL_ADD, b, POLLEN_INTEREST_READ, 13, 0) == -EEXIST);
    CHECK(change(p, POLLEN_IO_CTL_ADD, -1, POLLEN_INTEREST_READ, 14, 0) == -EBADF);
    FILE *file = tmpfile();
    CHECK(file != NULL);
    int64_t plain = pollen_poller_ctl(p, POLLEN_CTL_ADD, fileno(file), POLLEN_INTEREST_READ, 15);
    CHECK(plain < 0);                                    /* epoll: -EPERM, a regular file */
    CHECK(change(p, POLLEN_IO_CTL_ADD, fileno(file), POLLEN_INTEREST_READ, 15, 0) == plain);
    fclose(file);
    /* A token the poller keeps for itself refuses the whole batch, as an unknown operation does. */
    if (pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ, UINT64_MAX) == -EINVAL) {
        pollen_io bad[2] = {
            { .iov = (uint64_t) (uintptr_t) &y, .fd = a, .iovcnt = 1, .result = POLLEN_IO_NOT_MADE },
            { .iov = UINT64_MAX, .fd = a, .iovcnt = POLLEN_INTEREST_READ, .op = POLLEN_IO_CTL_ADD,
              .result = POLLEN_IO_NOT_MADE },
        };
        CHECK(pollen_poller_io_batch(p, bad, 2) == -EINVAL);
        CHECK(bad[0].result == POLLEN_IO_NOT_MADE && bad[1].result == POLLEN_IO_NOT_MADE);
    }
    pollen_io unknown = { .fd = a, .op = POLLEN_IO_CTL_DEL + 1, .result = POLLEN_IO_NOT_MADE };
    CHECK(pollen_poller_io_batch(p, &unknown, 1) == -EINVAL && unknown.result == POLLEN_IO_NOT_MADE);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
#endif
    CHECK_RC(pollen_poller_close(p));
}

int main(void) {
    printf("poller contract, backend %s, capabilities 0x%x\n", pollen_poller_name(), pollen_poller_capabilities());
    CHECK(pollen_poller_capabilities() & POLLEN_CAP_LEVEL);
    RUN(test_nothing_ready_times_out);
    RUN(test_readable_writable_and_token);
    RUN(test_peer_shutdown_is_read_closed);
    RUN(test_refused_connect_reports_error);
    RUN(test_wake_from_another_thread);
    RUN(test_huge_timeouts_block_until_woken);
    RUN(test_unopened_descriptors_are_refused);
    RUN(test_more_ready_than_capacity);
    RUN(test_one_time_events_past_the_buffer);
    RUN(test_refused_registrations_past_the_buffer);
    RUN(test_fd_reuse_gets_new_token);
    RUN(test_oneshot_rearms_on_mod);
    RUN(test_close_removes);
    RUN(test_urgent_data_is_priority);
    RUN(test_io_batch);
    RUN(test_io_batch_poll);
    RUN(test_io_batch_ctl);
    return 0;
}
