/*
 * Tests of the kqueue API written against FreeBSD kqueue(2) semantics: they should pass
 * unchanged on a real BSD, and on Linux they exercise the test-only emulation
 * (../c/kqueue_emulation.c with ../c/sys/event.h). Loopback sockets only.
 *
 * Build and run (what ../Makefile does):
 *   gcc -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
 *       -fno-sanitize-recover=all -Wall -Wextra -Werror -I../c -I<repo>/transport-core/src/test/c \
 *       ../c/kqueue_emulation.c test_kqueue_emulation.c -lpthread -o test_kqueue_emulation
 */
#include <sys/types.h>
#include <sys/event.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "pollen_test.h"

/* POSIX calls: -1 and errno on failure. */
#define SYS(expr) do { \
        if ((expr) < 0) { \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr, strerror(errno)); \
            exit(1); \
        } \
    } while (0)

static const struct timespec ZERO = { 0, 0 };

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((long long) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL
            + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

static int listener(struct sockaddr_in *addr) {
    socklen_t len = sizeof(*addr);
    memset(addr, 0, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    SYS(s);
    SYS(bind(s, (struct sockaddr *) addr, sizeof(*addr)));
    SYS(listen(s, 64));
    SYS(getsockname(s, (struct sockaddr *) addr, &len));
    return s;
}

/* A connected loopback TCP pair; both ends non-blocking. */
static void tcp_pair(int *a, int *b) {
    struct sockaddr_in addr;
    int l = listener(&addr);
    *a = socket(AF_INET, SOCK_STREAM, 0);
    SYS(*a);
    SYS(connect(*a, (struct sockaddr *) &addr, sizeof(addr)));
    *b = accept(l, NULL, NULL);
    SYS(*b);
    close(l);
    SYS(fcntl(*a, F_SETFL, O_NONBLOCK));
    SYS(fcntl(*b, F_SETFL, O_NONBLOCK));
}

static void change(int kq, uintptr_t ident, short filter, unsigned short flags, unsigned int fflags, void *udata) {
    struct kevent kev;
    EV_SET(&kev, ident, filter, flags, fflags, 0, udata);
    SYS(kevent(kq, &kev, 1, NULL, 0, NULL));
}

static int wait_ms(int kq, struct kevent *evs, int n, long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    int rc = kevent(kq, NULL, 0, evs, n, &ts);
    SYS(rc);
    return rc;
}

/* Waits (up to 2 s) for an event of filter on ident. */
static struct kevent wait_for(int kq, uintptr_t ident, short filter) {
    struct kevent evs[8];
    for (int round = 0; round < 200; round++) {
        int n = wait_ms(kq, evs, 8, 10);
        for (int i = 0; i < n; i++) {
            if (evs[i].ident == ident && evs[i].filter == filter) {
                return evs[i];
            }
        }
    }
    fprintf(stderr, "no event for ident %lu filter %d\n", (unsigned long) ident, filter);
    exit(1);
}

/* Waits (up to 2 s) for a read event on ident carrying EV_EOF. */
static struct kevent wait_eof(int kq, uintptr_t ident) {
    for (int round = 0; round < 200; round++) {
        struct kevent ev = wait_for(kq, ident, EVFILT_READ);
        if (ev.flags & EV_EOF) {
            return ev;
        }
        usleep(10000);
    }
    fprintf(stderr, "no EV_EOF on %lu\n", (unsigned long) ident);
    exit(1);
}

static void write_all(int fd, const char *s, size_t n) {
    CHECK(write(fd, s, n) == (ssize_t) n);
}

static void test_read_data_counts(void) {
    int kq = kqueue(), a, b;
    SYS(kq);
    tcp_pair(&a, &b);
    change(kq, a, EVFILT_READ, EV_ADD, 0, &a);
    struct kevent ev;
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);
    write_all(b, "hello", 5);
    ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.data == 5 && ev.udata == &a && !(ev.flags & EV_EOF));
    write_all(b, "1234567", 7);
    usleep(20000);
    ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.data == 12);
    /* Level-triggered: reported again while unread. */
    ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.data == 12);
    char buf[16];
    CHECK(read(a, buf, sizeof(buf)) == 12);
    CHECK(wait_ms(kq, &ev, 1, 20) == 0);

    /* Listening socket: data = completed connections waiting in the accept queue. */
    struct sockaddr_in addr;
    int l = listener(&addr);
    int c1 = socket(AF_INET, SOCK_STREAM, 0), c2 = socket(AF_INET, SOCK_STREAM, 0);
    change(kq, l, EVFILT_READ, EV_ADD, 0, NULL);
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);
    SYS(connect(c1, (struct sockaddr *) &addr, sizeof(addr)));
    SYS(connect(c2, (struct sockaddr *) &addr, sizeof(addr)));
    usleep(20000);
    ev = wait_for(kq, l, EVFILT_READ);
    CHECK(ev.data == 2);

    /* UDP: one datagram of 10 bytes. */
    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = addr;
    socklen_t len = sizeof(ua);
    ua.sin_port = 0;
    SYS(bind(u1, (struct sockaddr *) &ua, sizeof(ua)));
    SYS(getsockname(u1, (struct sockaddr *) &ua, &len));
    change(kq, u1, EVFILT_READ, EV_ADD, 0, NULL);
    SYS(sendto(u2, "0123456789", 10, 0, (struct sockaddr *) &ua, sizeof(ua)));
    ev = wait_for(kq, u1, EVFILT_READ);
    CHECK(ev.data >= 10);
    close(u1); close(u2); close(c1); close(c2); close(l);
    close(a); close(b); close(kq);
}

static void test_write_filter(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    change(kq, a, EVFILT_WRITE, EV_ADD, 0, &b);
    struct kevent ev = wait_for(kq, a, EVFILT_WRITE);
    CHECK(ev.data > 0 && ev.udata == &b && !(ev.flags & EV_EOF));
    intptr_t before = ev.data;
    /* Fill the send buffer: the write filter then stops reporting. */
    static char chunk[65536];
    while (write(a, chunk, sizeof(chunk)) > 0) {
    }
    CHECK(errno == EAGAIN);
    struct kevent evs[2];
    int n = wait_ms(kq, evs, 2, 20);
    CHECK(n == 0 || evs[0].data < before);
    close(a); close(b); close(kq);
}

static void test_eof_peer_shutdown(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    change(kq, a, EVFILT_READ, EV_ADD, 0, NULL);
    write_all(b, "hello", 5);
    SYS(shutdown(b, SHUT_WR));
    struct kevent ev = wait_eof(kq, a);
    CHECK(ev.data == 5 && ev.fflags == 0);
    char buf[8];
    CHECK(read(a, buf, sizeof(buf)) == 5);
    CHECK(read(a, buf, sizeof(buf)) == 0);
    ev = wait_eof(kq, a);
    CHECK(ev.data == 0);
    /* The write side is still open: a is writable without EOF. */
    change(kq, a, EVFILT_WRITE, EV_ADD, 0, NULL);
    ev = wait_for(kq, a, EVFILT_WRITE);
    CHECK(!(ev.flags & EV_EOF));
    close(a); close(b); close(kq);
}

static void test_rst(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    change(kq, a, EVFILT_READ, EV_ADD, 0, NULL);
    struct linger lg = { 1, 0 };
    SYS(setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
    close(b);
    struct kevent ev = wait_eof(kq, a);
    CHECK(ev.fflags == ECONNRESET);
    /* The error is still pending for the reader. */
    char buf[8];
    CHECK(read(a, buf, sizeof(buf)) == -1 && errno == ECONNRESET);
    close(a); close(kq);
}

static void test_refused_connect(void) {
    struct sockaddr_in addr;
    int l = listener(&addr);
    close(l);
    int kq = kqueue();
    int s = socket(AF_INET, SOCK_STREAM, 0);
    SYS(fcntl(s, F_SETFL, O_NONBLOCK));
    int rc = connect(s, (struct sockaddr *) &addr, sizeof(addr));
    if (rc < 0 && errno == ECONNREFUSED) {
        printf("    (connect refused synchronously; nothing to poll)\n");
    } else {
        CHECK(rc < 0 && errno == EINPROGRESS);
        change(kq, s, EVFILT_WRITE, EV_ADD, 0, NULL);
        struct kevent ev = wait_for(kq, s, EVFILT_WRITE);
        CHECK(ev.flags & EV_EOF);
        CHECK(ev.fflags == ECONNREFUSED);
        int err = 0;
        socklen_t len = sizeof(err);
        SYS(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
        CHECK(err == ECONNREFUSED);
    }
    close(s); close(kq);
}

static void test_error_receipts(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    struct kevent ch[4], out[4];
    EV_SET(&ch[0], a, -100, EV_ADD, 0, 0, NULL);                 /* unknown filter */
    EV_SET(&ch[1], a, EVFILT_READ, EV_DELETE, 0, 0, NULL);       /* never added */
    EV_SET(&ch[2], 7, EVFILT_USER, EV_ADD | EV_RECEIPT, 0, 0, &kq);
    EV_SET(&ch[3], a, EVFILT_READ, EV_ENABLE, 0, 0, NULL);       /* never added */
    write_all(b, "x", 1);
    CHECK(kevent(kq, ch, 4, out, 4, NULL) == 4);  /* errors: returns at once, no wait */
    CHECK(out[0].flags == EV_ERROR && out[0].data == EINVAL && out[0].ident == (uintptr_t) a);
    CHECK(out[1].flags == EV_ERROR && out[1].data == ENOENT);
    CHECK(out[2].flags == EV_ERROR && out[2].data == 0 && out[2].filter == EVFILT_USER
          && out[2].ident == 7 && out[2].udata == &kq);
    CHECK(out[3].flags == EV_ERROR && out[3].data == ENOENT);
    /* No room in the event list: the call fails with the errno. */
    CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == -1 && errno == EINVAL);
    CHECK(kevent(kq, &ch[1], 1, NULL, 0, NULL) == -1 && errno == ENOENT);
    EV_SET(&ch[0], 7, EVFILT_USER, EV_DELETE, 0, 0, NULL);
    SYS(kevent(kq, ch, 1, NULL, 0, NULL));
    CHECK(kevent(kq, ch, 1, NULL, 0, NULL) == -1 && errno == ENOENT);
    /* A closed fd is EBADF; a non-kqueue descriptor is EBADF. */
    int closed = dup(a);
    close(closed);
    EV_SET(&ch[0], closed, EVFILT_READ, EV_ADD, 0, 0, NULL);
    CHECK(kevent(kq, ch, 1, out, 1, NULL) == 1 && out[0].flags == EV_ERROR && out[0].data == EBADF);
    CHECK(kevent(a, NULL, 0, out, 1, &ZERO) == -1 && errno == EBADF);
    /* Bad timeout. */
    struct timespec bad = { 0, 1000000000L };
    CHECK(kevent(kq, NULL, 0, out, 1, &bad) == -1 && errno == EINVAL);
    close(a); close(b); close(kq);
}

static void test_disable_enable(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    change(kq, a, EVFILT_READ, EV_ADD | EV_DISABLE, 0, NULL);
    change(kq, a, EVFILT_WRITE, EV_ADD | EV_DISABLE, 0, NULL);
    write_all(b, "abc", 3);
    struct kevent evs[4];
    CHECK(wait_ms(kq, evs, 4, 30) == 0);
    change(kq, a, EVFILT_READ, EV_ENABLE, 0, NULL);
    struct kevent ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.data == 3);
    change(kq, a, EVFILT_READ, EV_DISABLE, 0, NULL);
    CHECK(wait_ms(kq, evs, 4, 20) == 0);
    /* Both filters disabled: even a hangup reports nothing. */
    struct linger lg = { 1, 0 };
    SYS(setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
    close(b);
    usleep(20000);
    long long t0 = now_ns(), cpu0 = cpu_ns();
    CHECK(wait_ms(kq, evs, 4, 50) == 0);
    CHECK(now_ns() - t0 >= 50000000LL);
    CHECK(cpu_ns() - cpu0 < 25000000LL);   /* slept: the hung-up fd is not polled */
    change(kq, a, EVFILT_WRITE, EV_ENABLE, 0, NULL);
    ev = wait_for(kq, a, EVFILT_WRITE);
    CHECK(ev.flags & EV_EOF);
    close(a); close(kq);
}

static void test_oneshot_dispatch(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    write_all(b, "abc", 3);
    change(kq, a, EVFILT_READ, EV_ADD | EV_ONESHOT, 0, NULL);
    struct kevent ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.flags & EV_ONESHOT);
    struct kevent evs[4];
    CHECK(wait_ms(kq, evs, 4, 20) == 0);
    struct kevent del;
    EV_SET(&del, a, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    CHECK(kevent(kq, &del, 1, NULL, 0, NULL) == -1 && errno == ENOENT);  /* knote gone */

    change(kq, a, EVFILT_READ, EV_ADD | EV_DISPATCH, 0, NULL);
    ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.data == 3);
    CHECK(wait_ms(kq, evs, 4, 20) == 0);
    change(kq, a, EVFILT_READ, EV_ENABLE, 0, NULL);
    ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.data == 3);
    CHECK(wait_ms(kq, evs, 4, 20) == 0);
    change(kq, a, EVFILT_READ, EV_DELETE, 0, NULL);
    close(a); close(b); close(kq);
}

static void test_clear_socket(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    change(kq, a, EVFILT_READ, EV_ADD | EV_CLEAR, 0, NULL);
    write_all(b, "abc", 3);
    struct kevent ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.data == 3 && (ev.flags & EV_CLEAR));
    struct kevent evs[4];
    CHECK(wait_ms(kq, evs, 4, 30) == 0);   /* nothing new: no event though data is unread */
    write_all(b, "de", 2);
    ev = wait_for(kq, a, EVFILT_READ);
    CHECK(ev.data == 5);
    CHECK(wait_ms(kq, evs, 4, 30) == 0);
    close(a); close(b); close(kq);
}

/* EV_CLEAR read filter next to a level write filter on one socket. */
static void test_clear_read_level_write(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    change(kq, a, EVFILT_READ, EV_ADD | EV_CLEAR, 0, NULL);
    change(kq, a, EVFILT_WRITE, EV_ADD, 0, NULL);
    write_all(b, "abc", 3);
    usleep(20000);
    int reads = 0;
    for (int i = 0; i < 5; i++) {
        struct kevent evs[4];
        int n = wait_ms(kq, evs, 4, 50);
        int writes = 0;
        for (int k = 0; k < n; k++) {
            if (evs[k].filter == EVFILT_READ) {
                CHECK(evs[k].data == 3);
                reads++;
            } else {
                writes++;
            }
        }
        CHECK(writes == 1);   /* level: every call */
    }
    CHECK(reads == 1);        /* clear: once, though the bytes stay unread */
    SYS(shutdown(b, SHUT_WR));
    struct kevent ev = wait_for(kq, a, EVFILT_READ);
    CHECK((ev.flags & EV_EOF) && ev.data == 3);
    close(a); close(b); close(kq);
}

/* An event list of one: both filters of a ready socket still come out, one per call. */
static void test_event_list_of_one(void) {
    for (int clear = 0; clear < 2; clear++) {
        int kq = kqueue(), a, b;
        tcp_pair(&a, &b);
        change(kq, a, EVFILT_READ, EV_ADD | (clear ? EV_CLEAR : 0), 0, NULL);
        change(kq, a, EVFILT_WRITE, EV_ADD | (clear ? EV_CLEAR : 0), 0, NULL);
        write_all(b, "q", 1);
        usleep(20000);
        struct kevent ev[2];
        int seen = 0;
        for (int i = 0; i < 2; i++) {
            CHECK(wait_ms(kq, ev, 1, 100) == 1);
            seen |= ev[0].filter == EVFILT_READ ? 1 : 2;
        }
        CHECK(seen == 3);
        if (clear) {
            CHECK(wait_ms(kq, ev, 1, 30) == 0);
        }
        close(a); close(b); close(kq);
    }
}

struct trigger_arg {
    int kq;
    int count;
    long delay_us;
    volatile int last;  /* set just before the final trigger */
};

static void *trigger_thread(void *p) {
    struct trigger_arg *arg = p;
    usleep(arg->delay_us);
    for (int i = 0; i < arg->count; i++) {
        if (i == arg->count - 1) {
            __atomic_store_n(&arg->last, 1, __ATOMIC_SEQ_CST);
        }
        struct kevent kev;
        EV_SET(&kev, 1, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFCOPY | 0x5, 0, arg);  /* udata too */
        SYS(kevent(arg->kq, &kev, 1, NULL, 0, NULL));
    }
    return NULL;
}

static void test_user_trigger_thread(void) {
    int kq = kqueue();
    change(kq, 1, EVFILT_USER, EV_ADD | EV_CLEAR, 0, &kq);
    struct kevent ev;
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);
    struct trigger_arg arg = { kq, 1, 100000, 0 };
    pthread_t t;
    long long t0 = now_ns();
    CHECK(pthread_create(&t, NULL, trigger_thread, &arg) == 0);
    CHECK(kevent(kq, NULL, 0, &ev, 1, NULL) == 1);     /* blocks until the other thread triggers */
    CHECK(now_ns() - t0 >= 90000000LL);
    CHECK(ev.filter == EVFILT_USER && ev.ident == 1 && ev.udata == &arg && ev.fflags == 5);
    pthread_join(t, NULL);
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);                  /* EV_CLEAR: reported once */

    /* NOTE_FFNOP trigger from this thread, FFOR/FFAND fflags. */
    change(kq, 1, EVFILT_USER, 0, NOTE_FFOR | 0x10, NULL);
    change(kq, 1, EVFILT_USER, 0, NOTE_FFAND | 0x14, NULL);
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);                  /* not triggered */
    change(kq, 1, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFNOP, &arg);
    CHECK(wait_ms(kq, &ev, 1, 0) == 1 && ev.fflags == 0x14 && ev.udata == &arg);

    /* Many concurrent triggers while this thread waits: every wait ends with the event. */
    arg.count = 2000;
    arg.delay_us = 0;
    arg.last = 0;
    CHECK(pthread_create(&t, NULL, trigger_thread, &arg) == 0);
    int got = 0;
    for (;;) {
        struct timespec ts = { 2, 0 };
        int n = kevent(kq, NULL, 0, &ev, 1, &ts);
        CHECK(n == 1 && ev.ident == 1 && ev.fflags == 5);
        got++;
        if (__atomic_load_n(&arg.last, __ATOMIC_SEQ_CST)) {
            break;
        }
    }
    pthread_join(t, NULL);
    CHECK(got >= 1);
    wait_ms(kq, &ev, 1, 0);   /* the final trigger may still be pending */
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);

    /* Without EV_CLEAR a triggered user event stays active. */
    change(kq, 2, EVFILT_USER, EV_ADD | EV_ONESHOT, NOTE_TRIGGER, NULL);
    change(kq, 3, EVFILT_USER, EV_ADD, NOTE_TRIGGER, NULL);
    struct kevent evs[4];
    int n = wait_ms(kq, evs, 4, 0);
    CHECK(n == 2);
    n = wait_ms(kq, evs, 4, 0);
    CHECK(n == 1 && evs[0].ident == 3);   /* 2 was a oneshot */
    change(kq, 3, EVFILT_USER, EV_DISABLE, 0, NULL);
    CHECK(wait_ms(kq, evs, 4, 0) == 0);
    close(kq);
}

static void test_timeout_precision(void) {
    int kq = kqueue(), a, b;
    tcp_pair(&a, &b);
    change(kq, a, EVFILT_READ, EV_ADD, 0, NULL);
    static const long waits_ns[] = { 1, 999, 100000, 999999, 1000001, 1500000, 7300000, 20000001 };
    for (int rep = 0; rep < 3; rep++) {
        for (size_t i = 0; i < sizeof(waits_ns) / sizeof(waits_ns[0]); i++) {
            struct timespec ts = { 0, waits_ns[i] };
            struct kevent ev;
            long long t0 = now_ns();
            CHECK(kevent(kq, NULL, 0, &ev, 1, &ts) == 0);
            long long took = now_ns() - t0;
            if (took < waits_ns[i]) {
                fprintf(stderr, "early: asked %ld ns, took %lld ns\n", waits_ns[i], took);
                exit(1);
            }
        }
    }
    struct timespec one = { 1, 0 };
    struct kevent ev;
    long long t0 = now_ns();
    CHECK(kevent(kq, NULL, 0, &ev, 1, &one) == 0);
    CHECK(now_ns() - t0 >= 1000000000LL);
    close(a); close(b); close(kq);
}

static void test_fd_reuse(void) {
    int kq = kqueue(), a, b, c, d;
    tcp_pair(&a, &b);
    tcp_pair(&c, &d);
    int x = a;
    change(kq, x, EVFILT_READ, EV_ADD, 0, (void *) 1);
    close(x);              /* no EV_DELETE: BSD drops the knote on close */
    SYS(dup2(c, x));       /* the number now names another socket */
    write_all(d, "new", 3);
    struct kevent evs[4];
    CHECK(wait_ms(kq, evs, 4, 30) == 0);          /* the old registration never delivers */
    struct kevent del;
    EV_SET(&del, x, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    CHECK(kevent(kq, &del, 1, NULL, 0, NULL) == -1 && errno == ENOENT);
    change(kq, x, EVFILT_READ, EV_ADD, 0, (void *) 2);
    struct kevent ev = wait_for(kq, x, EVFILT_READ);
    CHECK(ev.udata == (void *) 2 && ev.data == 3);
    close(x); close(b);

    /* Same, but the old socket stays open through another descriptor. */
    int e, f;
    tcp_pair(&e, &f);
    int keep = dup(e);
    SYS(keep);
    change(kq, e, EVFILT_READ, EV_ADD, 0, (void *) 3);
    close(e);
    SYS(dup2(d, e));       /* e's number now names d */
    write_all(f, "old", 3);          /* the old socket is readable */
    CHECK(wait_ms(kq, evs, 4, 30) == 0);
    write_all(c, "to-d", 4);         /* d (now also at e's number) is readable */
    CHECK(wait_ms(kq, evs, 4, 30) == 0);
    change(kq, e, EVFILT_READ, EV_ADD, 0, (void *) 4);
    ev = wait_for(kq, e, EVFILT_READ);
    CHECK(ev.udata == (void *) 4 && ev.data == 4);
    change(kq, e, EVFILT_READ, EV_DELETE, 0, NULL);
    CHECK(wait_ms(kq, evs, 4, 30) == 0);
    close(e); close(keep); close(f); close(c); close(d); close(kq);
}

static void test_more_events_than_list(void) {
    enum { PAIRS = 10 };
    int kq = kqueue(), a[PAIRS], b[PAIRS];
    for (int i = 0; i < PAIRS; i++) {
        tcp_pair(&a[i], &b[i]);
        change(kq, a[i], EVFILT_READ, EV_ADD, 0, NULL);
        change(kq, a[i], EVFILT_WRITE, EV_ADD, 0, NULL);
        write_all(b[i], "z", 1);
    }
    usleep(20000);
    int seen_read = 0, seen_write = 0, calls = 0;
    while (seen_read < PAIRS || seen_write < PAIRS) {
        struct kevent evs[3];
        int n = wait_ms(kq, evs, 3, 1000);
        CHECK(n >= 1 && n <= 3);
        CHECK(++calls < 100);
        for (int i = 0; i < n; i++) {
            if (evs[i].filter == EVFILT_READ) {
                char c;
                if (read((int) evs[i].ident, &c, 1) == 1) {
                    seen_read++;
                }
            } else {
                CHECK(evs[i].filter == EVFILT_WRITE);
                change(kq, evs[i].ident, EVFILT_WRITE, EV_DELETE, 0, NULL);
                seen_write++;
            }
        }
    }
    CHECK(seen_read == PAIRS && seen_write == PAIRS);
    struct kevent ev;
    CHECK(wait_ms(kq, &ev, 1, 20) == 0);
    for (int i = 0; i < PAIRS; i++) {
        close(a[i]); close(b[i]);
    }
    close(kq);
}

static void test_many_fds(void) {
    enum { PAIRS = 200 };
    int kq = kqueue(), a[PAIRS], b[PAIRS];
    for (int i = 0; i < PAIRS; i++) {
        int sv[2];
        SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        a[i] = sv[0];
        b[i] = sv[1];
        SYS(fcntl(a[i], F_SETFL, O_NONBLOCK));
        change(kq, a[i], EVFILT_READ, EV_ADD, 0, (void *) (intptr_t) i);
    }
    for (int i = 0; i < PAIRS; i++) {
        write_all(b[i], "m", 1);
    }
    static char seen[PAIRS];
    memset(seen, 0, sizeof(seen));
    int total = 0;
    while (total < PAIRS) {
        struct kevent evs[64];
        int n = wait_ms(kq, evs, 64, 1000);
        CHECK(n > 0);
        for (int i = 0; i < n; i++) {
            intptr_t idx = (intptr_t) evs[i].udata;
            CHECK(idx >= 0 && idx < PAIRS && evs[i].ident == (uintptr_t) a[idx] && evs[i].data == 1);
            char c;
            CHECK(read(a[idx], &c, 1) == 1);
            CHECK(!seen[idx]);
            seen[idx] = 1;
            total++;
        }
    }
    for (int i = 0; i < PAIRS; i++) {
        change(kq, a[i], EVFILT_READ, EV_DELETE, 0, NULL);
        write_all(b[i], "n", 1);
    }
    struct kevent ev;
    CHECK(wait_ms(kq, &ev, 1, 20) == 0);
    for (int i = 0; i < PAIRS; i++) {
        close(a[i]); close(b[i]);
    }
    close(kq);
}

static void test_kq_close_reopen(void) {
    int kq = kqueue();
    int probe = dup(0);
    SYS(probe);
    close(probe);
    close(kq);
    for (int i = 0; i < 300; i++) {
        kq = kqueue();
        SYS(kq);
        int a, b;
        int sv[2];
        SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        a = sv[0];
        b = sv[1];
        change(kq, a, EVFILT_READ, EV_ADD, 0, NULL);
        change(kq, a, EVFILT_WRITE, EV_ADD, 0, NULL);
        change(kq, 42, EVFILT_USER, EV_ADD | EV_CLEAR, NOTE_TRIGGER, NULL);
        change(kq, 43, EVFILT_USER, EV_ADD | EV_DISABLE, 0, NULL);
        struct kevent evs[4];
        CHECK(wait_ms(kq, evs, 4, 0) >= 1);
        if (i % 2) {
            close(a);      /* closed before the kq: knotes vanish with it */
            close(kq);
            close(b);
        } else {
            close(kq);
            close(a);
            close(b);
        }
    }
    /* Same descriptor numbers as before the loop: nothing leaked. */
    kq = kqueue();
    int probe2 = dup(0);
    CHECK(probe2 == probe);
    close(probe2);
    close(kq);
    /* A closed kq is not usable. */
    struct kevent ev;
    CHECK(kevent(kq, NULL, 0, &ev, 1, &ZERO) == -1 && errno == EBADF);
}

/* EVFILT_TIMER: periodic with expirations counted in data, one-shot, units, deletion. */
static void test_timer_filter(void) {
    int kq = kqueue();
    struct kevent kev, ev;
    EV_SET(&kev, 7, EVFILT_TIMER, EV_ADD, 0, 5, &kq);              /* every 5 ms */
    SYS(kevent(kq, &kev, 1, NULL, 0, NULL));
    long long expirations = 0;
    for (int round = 0; round < 200 && expirations < 3; round++) {
        ev = wait_for(kq, 7, EVFILT_TIMER);
        CHECK(ev.data >= 1 && ev.udata == &kq);
        expirations += ev.data;
    }
    CHECK(expirations >= 3);
    EV_SET(&kev, 7, EVFILT_TIMER, EV_DELETE, 0, 0, NULL);
    SYS(kevent(kq, &kev, 1, NULL, 0, NULL));
    EV_SET(&kev, 8, EVFILT_TIMER, EV_ADD | EV_ONESHOT, NOTE_USECONDS, 2000, NULL);  /* once, after 2 ms */
    SYS(kevent(kq, &kev, 1, NULL, 0, NULL));
    ev = wait_for(kq, 8, EVFILT_TIMER);
    CHECK(ev.data == 1);
    CHECK(wait_ms(kq, &ev, 1, 20) == 0);                           /* gone after firing */
    EV_SET(&kev, 8, EVFILT_TIMER, EV_DELETE, 0, 0, NULL);
    CHECK(kevent(kq, &kev, 1, NULL, 0, NULL) < 0 && errno == ENOENT);
    EV_SET(&kev, 9, EVFILT_TIMER, EV_ADD, NOTE_SECONDS | NOTE_NSECONDS, 1, NULL);   /* two units */
    CHECK(kevent(kq, &kev, 1, NULL, 0, NULL) < 0 && errno == EINVAL);
    close(kq);
}

/* EVFILT_VNODE: writes that extend, attributes, deletion of an open file; refusals. */
static void test_vnode_filter(void) {
    char path[] = "/tmp/pollen-vnode-XXXXXX";
    int fd = mkstemp(path);
    SYS(fd);
    int kq = kqueue();
    struct kevent kev, ev;
    EV_SET(&kev, fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_DELETE, 0, NULL);
    SYS(kevent(kq, &kev, 1, NULL, 0, NULL));
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);
    write_all(fd, "abc", 3);
    ev = wait_for(kq, fd, EVFILT_VNODE);
    CHECK(ev.fflags == (NOTE_WRITE | NOTE_EXTEND));
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);                            /* reported once */
    SYS(pwrite(fd, "x", 1, 0));                                    /* rewrite: no growth */
    ev = wait_for(kq, fd, EVFILT_VNODE);
    CHECK(ev.fflags == NOTE_WRITE);
    SYS(fchmod(fd, 0600));
    ev = wait_for(kq, fd, EVFILT_VNODE);
    CHECK(ev.fflags == NOTE_ATTRIB);
    SYS(unlink(path));
    ev = wait_for(kq, fd, EVFILT_VNODE);
    CHECK((ev.fflags & NOTE_DELETE) != 0);
    close(fd);
    EV_SET(&kev, fd, EVFILT_VNODE, EV_ADD, NOTE_WRITE, 0, NULL);  /* closed descriptor */
    CHECK(kevent(kq, &kev, 1, NULL, 0, NULL) < 0 && errno == EBADF);
    close(kq);
}

/* EVFILT_PROC NOTE_EXIT: the exit status in data, EV_EOF, the knote gone; unknown processes. */
static void test_proc_filter(void) {
    int kq = kqueue();
    int go[2];
    SYS(pipe(go));
    pid_t child = fork();
    SYS(child);
    if (child == 0) {
        char c;
        close(go[1]);
        _exit(read(go[0], &c, 1) == 1 ? 3 : 4);
    }
    close(go[0]);
    struct kevent kev, ev;
    EV_SET(&kev, child, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, &kq);
    SYS(kevent(kq, &kev, 1, NULL, 0, NULL));
    CHECK(wait_ms(kq, &ev, 1, 0) == 0);
    write_all(go[1], "x", 1);
    ev = wait_for(kq, (uintptr_t) child, EVFILT_PROC);
    CHECK(ev.fflags == NOTE_EXIT && (ev.flags & EV_EOF) && ev.udata == &kq);
    CHECK(WIFEXITED((int) ev.data) && WEXITSTATUS((int) ev.data) == 3);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WEXITSTATUS(status) == 3);
    EV_SET(&kev, child, EVFILT_PROC, EV_DELETE, 0, 0, NULL);
    CHECK(kevent(kq, &kev, 1, NULL, 0, NULL) < 0 && errno == ENOENT);
    EV_SET(&kev, child, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, NULL);  /* reaped: no such process */
    CHECK(kevent(kq, &kev, 1, NULL, 0, NULL) < 0 && errno == ESRCH);
    close(go[1]);
    close(kq);
}

int main(void) {
    printf("kqueue (%s)\n",
#ifdef __linux__
           "Linux emulation"
#else
           "native"
#endif
    );
    RUN(test_read_data_counts);
    RUN(test_write_filter);
    RUN(test_eof_peer_shutdown);
    RUN(test_rst);
    RUN(test_refused_connect);
    RUN(test_error_receipts);
    RUN(test_disable_enable);
    RUN(test_oneshot_dispatch);
    RUN(test_clear_socket);
    RUN(test_clear_read_level_write);
    RUN(test_event_list_of_one);
    RUN(test_user_trigger_thread);
    RUN(test_timeout_precision);
    RUN(test_fd_reuse);
    RUN(test_more_events_than_list);
    RUN(test_many_fds);
    RUN(test_kq_close_reopen);
    RUN(test_timer_filter);
    RUN(test_vnode_filter);
    RUN(test_proc_filter);
    return 0;
}
