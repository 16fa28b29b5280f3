/*
 * The epoll backend of the poller contract (pollen_poller.h).
 *
 * A build may present it under another name with fewer capabilities (the wepoll transport's Linux
 * test build does): POLLEN_EPOLL_NAME names the backend and POLLEN_EPOLL_CAPS masks what it
 * reports. Without POLLEN_CAP_NANO_TIMEOUT in the mask, waits take millisecond timeouts, rounded up.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pollen_poller.h"
#include "pollen_epoll.h"
#include "pollen_errno.h"
#include "pollen_uring.h"

#ifndef POLLEN_EPOLL_NAME
#define POLLEN_EPOLL_NAME "epoll"
#endif
#ifndef POLLEN_EPOLL_CAPS
#define POLLEN_EPOLL_CAPS UINT32_MAX
#endif

/* The eventfd's registration; callers' tokens never take this value. */
#define WAKE_TOKEN UINT64_MAX
/* Operations one io_uring_enter takes at most; a bigger batch enters once per this many. */
#define URING_ENTRIES 256

struct pollen_poller {
    int epfd;
    int wakefd;
    int capacity;
    struct epoll_event *events;
    pollen_uring *uring; /* made by the first (usually empty) batch */
};

/* -1 unknown, 0 absent, 1 present: epoll_pwait2 arrived in Linux 5.11. */
static volatile int have_pwait2 = -1;

uint32_t pollen_epoll_interest(uint32_t interest) {
    uint32_t ev = 0;
    if (interest & POLLEN_INTEREST_READ) {
        ev |= EPOLLIN;
    }
    if (interest & POLLEN_INTEREST_WRITE) {
        ev |= EPOLLOUT;
    }
    if (interest & POLLEN_INTEREST_READ_CLOSED) {
        ev |= EPOLLRDHUP;
    }
    if (interest & POLLEN_INTEREST_ONESHOT) {
        ev |= EPOLLONESHOT;
    }
    if (interest & POLLEN_INTEREST_PRIORITY) {
        ev |= EPOLLPRI;
    }
    return ev;
}

static uint32_t to_ready(uint32_t ev) {
    uint32_t ready = 0;
    if (ev & EPOLLIN) {
        ready |= POLLEN_READY_READABLE;
    }
    if (ev & EPOLLOUT) {
        ready |= POLLEN_READY_WRITABLE;
    }
    if (ev & (EPOLLRDHUP | EPOLLHUP)) {
        ready |= POLLEN_READY_READ_CLOSED;
    }
    if (ev & (EPOLLERR | EPOLLHUP)) {
        ready |= POLLEN_READY_ERROR;
    }
    if (ev & EPOLLPRI) {
        ready |= POLLEN_READY_PRIORITY;
    }
    return ready;
}

int pollen_poller_create(pollen_poller **out, int capacity) {
    int rc;
    pollen_poller *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return -ENOMEM;
    }
    p->epfd = -1;
    p->wakefd = -1;
    p->capacity = capacity;
    p->events = malloc(sizeof(struct epoll_event) * (size_t) capacity);
    if (p->events == NULL) {
        rc = -ENOMEM;
        goto err;
    }
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (p->epfd < 0) {
        rc = neg_errno();
        goto err;
    }
    p->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->wakefd < 0) {
        rc = neg_errno();
        goto err;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = WAKE_TOKEN };
    if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wakefd, &ev) < 0) {
        rc = neg_errno();
        goto err;
    }
    *out = p;
    return 0;
err:
    pollen_poller_close(p);
    return rc;
}

int pollen_poller_ctl(pollen_poller *p, int op, pollen_fd fd, uint32_t interest, uint64_t token) {
    struct epoll_event ev = { .events = pollen_epoll_interest(interest), .data.u64 = token };
    int eop;
    switch (op) {
    case POLLEN_CTL_ADD: eop = EPOLL_CTL_ADD; break;
    case POLLEN_CTL_MOD: eop = EPOLL_CTL_MOD; break;
    case POLLEN_CTL_DEL: eop = EPOLL_CTL_DEL; break;
    default: return -EINVAL;
    }
    if (token == WAKE_TOKEN || fd == p->wakefd) {
        return -EINVAL;
    }
    return epoll_ctl(p->epfd, eop, fd, &ev) < 0 ? neg_errno() : 0;
}

/* epoll_wait without glibc's thread-cancellation bookkeeping (two atomic updates per call). */
static int raw_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms) {
#if defined(SYS_epoll_wait)
    return (int) syscall(SYS_epoll_wait, epfd, events, max, timeout_ms);
#else
    return (int) syscall(SYS_epoll_pwait, epfd, events, max, timeout_ms, NULL, 0);
#endif
}

int pollen_epoll_wait_ns(int epfd, struct epoll_event *events, int max, int64_t timeout_ns) {
    if (timeout_ns <= 0) {
        return raw_epoll_wait(epfd, events, max, timeout_ns < 0 ? -1 : 0);
    }
#ifdef SYS_epoll_pwait2
    if ((POLLEN_EPOLL_CAPS & POLLEN_CAP_NANO_TIMEOUT) && have_pwait2 != 0) {
        struct timespec ts = { .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000 };
        int n = (int) syscall(SYS_epoll_pwait2, epfd, events, max, &ts, NULL, 0);
        if (n >= 0 || errno != ENOSYS) {
            have_pwait2 = 1;
            return n;
        }
        have_pwait2 = 0;
    }
#endif
    /* Millisecond timeouts are rounded up: rounding down would wake early and spin. */
    int64_t ms = timeout_ns / 1000000 + (timeout_ns % 1000000 != 0); /* no overflow near INT64_MAX */
    return raw_epoll_wait(epfd, events, max, ms > INT_MAX ? INT_MAX : (int) ms);
}

static int64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One wait: the one a batch started, if any, else a plain one. -1 and errno if it failed. */
static int wait_once(pollen_poller *p, int max, int64_t timeout_ns) {
    if (pollen_uring_waiting(p->uring)) {
        int n = pollen_uring_wait(p->uring, timeout_ns);
        if (n != -EAGAIN) {
            if (n < 0) {
                errno = -n;
                return -1;
            }
            return n;
        }
    }
    return pollen_epoll_wait_ns(p->epfd, p->events, max, timeout_ns);
}

int pollen_poller_wait(pollen_poller *p, pollen_event *events, int max, int64_t timeout_ns) {
    if (max <= 0) {
        return -EINVAL;
    }
    if (max > p->capacity) {
        if (pollen_uring_waiting(p->uring)) {
            max = p->capacity; /* the started wait writes into the array it was given */
        } else {
            struct epoll_event *grown = realloc(p->events, sizeof(struct epoll_event) * (size_t) max);
            if (grown == NULL) {
                return -ENOMEM;
            }
            p->events = grown;
            p->capacity = max;
        }
    }
    int64_t deadline = 0;
    if (timeout_ns > 0) {
        int64_t now = monotonic_ns();
        deadline = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
    }
    int n;
    /*
     * An interrupted wait is made again for the time left: besides signals, the kernel interrupts a
     * task's waits to run io_uring work queued for it, and a timeout must never end early.
     */
    while ((n = wait_once(p, max, timeout_ns)) < 0 && errno == EINTR) {
        if (timeout_ns == 0) {
            return 0;
        }
        if (timeout_ns > 0) {
            timeout_ns = deadline - monotonic_ns();
            if (timeout_ns <= 0) {
                return 0;
            }
        }
    }
    if (n < 0) {
        return neg_errno();
    }
    int out = 0;
    /* A started wait may find more than a caller that shrank its buffer takes: they are reported again. */
    for (int i = 0; i < n && out < max; i++) {
        if (p->events[i].data.u64 == WAKE_TOKEN) {
            uint64_t drained;
            /* Level-triggered: the counter must be reset or the wake-up repeats forever. */
            while (read(p->wakefd, &drained, sizeof(drained)) < 0 && errno == EINTR) {
            }
            continue;
        }
        events[out].token = p->events[i].data.u64;
        events[out].ready = to_ready(p->events[i].events);
        events[out].reserved = 0;
        out++;
    }
    return out;
}

int pollen_poller_io_batch(pollen_poller *p, pollen_io *ops, int count) {
    if (!(POLLEN_EPOLL_CAPS & POLLEN_CAP_IO_BATCH) || count < 0) {
        return count < 0 ? -EINVAL : -ENOSYS;
    }
    for (int i = 0; i < count; i++) {
        /* The wake-up's registration is the poller's own, in a batch as in pollen_poller_ctl. */
        if (ops[i].op >= POLLEN_IO_CTL_ADD && ops[i].op <= POLLEN_IO_CTL_DEL
                && (ops[i].iov == WAKE_TOKEN || ops[i].fd == p->wakefd)) {
            return -EINVAL;
        }
    }
    if (p->uring == NULL) {
        if (pollen_uring_probe() < 0) {
            /* No POLLEN_CAP_IO_BATCH here: the probe's errno is Epoll.ioUringUnavailabilityCause()'s. */
            return -ENOSYS;
        }
        int rc = pollen_uring_create(&p->uring, URING_ENTRIES);
        if (rc < 0) {
            return rc;
        }
    }
    return pollen_uring_io_batch(p->uring, ops, count, p->epfd, p->events, p->capacity);
}

int pollen_poller_wake(pollen_poller *p) {
    uint64_t one = 1;
    ssize_t n;
    do {
        n = write(p->wakefd, &one, sizeof(one));
    } while (n < 0 && errno == EINTR);
    /* EAGAIN means the counter is already non-zero: a wake-up is pending anyway. */
    return n < 0 && errno != EAGAIN ? neg_errno() : 0;
}

int pollen_poller_close(pollen_poller *p) {
    int rc = 0;
    if (p == NULL) {
        return -EINVAL;
    }
    pollen_uring_close(p->uring); /* first: a wait it started uses the descriptors and the array */
    if (p->wakefd >= 0 && close(p->wakefd) < 0) {
        rc = neg_errno();
    }
    if (p->epfd >= 0 && close(p->epfd) < 0) {
        rc = neg_errno();
    }
    free(p->events);
    free(p);
    return rc;
}

uint32_t pollen_poller_capabilities(void) {
    uint32_t caps = POLLEN_CAP_LEVEL | POLLEN_CAP_ONESHOT | POLLEN_CAP_READ_CLOSED
            | POLLEN_CAP_CLOSE_REMOVES | POLLEN_CAP_PRIORITY;
#ifdef SYS_epoll_pwait2
    if (have_pwait2 < 0) {
        int epfd = epoll_create1(EPOLL_CLOEXEC);
        if (epfd >= 0) {
            struct epoll_event ev;
            struct timespec ts = { 0, 0 };
            have_pwait2 = syscall(SYS_epoll_pwait2, epfd, &ev, 1, &ts, NULL, 0) < 0 && errno == ENOSYS ? 0 : 1;
            close(epfd);
        }
    }
    if (have_pwait2 == 1) {
        caps |= POLLEN_CAP_NANO_TIMEOUT;
    }
#endif
    if (pollen_uring_probe() == 0) {
        caps |= POLLEN_CAP_IO_BATCH;
    }
    if (pollen_uring_can_poll()) {
        caps |= POLLEN_CAP_IO_BATCH_POLL;
    }
    return caps & POLLEN_EPOLL_CAPS;
}

const char *pollen_poller_name(void) {
    return POLLEN_EPOLL_NAME;
}
