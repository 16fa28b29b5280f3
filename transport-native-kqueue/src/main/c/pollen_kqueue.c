/*
 * The kqueue backend of the poller contract (pollen_poller.h), for macOS and FreeBSD; on Linux
 * it is only built for tests, against the kqueue emulation in src/emulation.
 *
 * - Changes that fail come back as EV_ERROR entries; with any of them kevent() returns at once
 *   without waiting (as on FreeBSD), so such a wait may return 0 events early.
 * - pollen_poller_ctl never calls the kernel: it queues EV_ADD/EV_DELETE changes on the separate
 *   EVFILT_READ and EVFILT_WRITE filters in a growing changelist. pollen_poller_wait submits the
 *   whole changelist and waits in one kevent() call.
 * - A per-fd table records which filters are registered and under which token, so ctl answers
 *   ADD/MOD/DEL errors at once as epoll would (-EEXIST, -ENOENT), and a DEL of a filter that is
 *   not registered is never sent.
 * - EV_DELETE changes carry DELETE_UDATA: an EV_ERROR for them (EBADF when the fd was closed
 *   between the DEL and the wait, ENOENT when the kernel already dropped the knote) is ignored.
 *   An EV_ERROR for an EV_ADD comes back with the token and is delivered as POLLEN_READY_ERROR,
 *   but only while that token still owns the fd: events of cancelled registrations are dropped.
 * - POLLEN_INTEREST_READ_CLOSED has no filter of its own: EV_EOF arrives on EVFILT_READ. With
 *   READ_CLOSED but not READ, EVFILT_READ is registered with EV_CLEAR (so buffered data cannot
 *   make a level-triggered loop spin) and its events are delivered only when EV_EOF is set, as
 *   READ_CLOSED alone. Switching between the level and the EV_CLEAR form deletes and re-adds
 *   the filter, since EV_ADD does not change EV_CLEAR of an existing knote.
 * - Wake-ups: an EVFILT_USER knote (EV_CLEAR) with a reserved ident, triggered with NOTE_TRIGGER.
 * - Nothing kevent() returns is dropped: it may fill the whole event list, and what does not fit
 *   in the caller's buffer (EV_CLEAR and EV_ERROR entries are never reported twice) is kept and
 *   delivered first by the next wait, which then does not block.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include "pollen_poller.h"
#include "pollen_errno.h"

/* The EVFILT_USER ident of the wake-up knote (EVFILT_USER idents are not descriptors). */
#define WAKE_IDENT 0x706f6c6cu
#define WAKE_UDATA UINT64_MAX
/* udata of EV_DELETE changes: any error they report is ignored. */
#define DELETE_UDATA (UINT64_MAX - 1)

#define READ_NONE  0
#define READ_LEVEL 1 /* READ interest: level-triggered EVFILT_READ */
#define READ_CLEAR 2 /* READ_CLOSED interest only: EVFILT_READ with EV_CLEAR, EV_EOF delivered */

struct fd_state {
    uint64_t token;
    uint32_t interest;
    uint8_t registered;
    uint8_t read_mode;
    uint8_t write;
    uint32_t seen;  /* the wait (p->waits) that last gave this fd an event, in the output or spilled */
    int32_t slot;   /* in that wait: >= 0 its index in the output, < 0 -(index + 1) in p->spill */
};

/* An event that did not fit in a wait's output, kept for the next wait. */
struct spilled {
    uint64_t token;
    uint32_t ready;
    int32_t fd;
};

struct pollen_poller {
    int kq;
    int capacity;          /* entries of events */
    struct kevent *events;
    struct kevent *changes;
    int nchanges;
    int changes_capacity;
    struct fd_state *fds;
    int fds_capacity;
    /*
     * Events that did not fit in the caller's buffer. kevent() consumes what it returns: an
     * EV_CLEAR knote (READ_CLOSED alone) or an EV_ERROR of a refused change is never reported
     * again, so nothing it returns is dropped. The next wait delivers these first (those whose
     * registration still stands) and does not block while any are kept.
     */
    struct spilled *pending;
    int npending;
    struct spilled *spill;  /* the next wait's pending list, built while it runs */
    int nspill;
    int spill_capacity;
    uint32_t waits;
};

static void *to_udata(uint64_t v) {
    return (void *) (uintptr_t) v;
}

static uint64_t from_udata(const struct kevent *ev) {
    return (uint64_t) (uintptr_t) ev->udata;
}

int pollen_poller_create(pollen_poller **out, int capacity) {
    int rc;
    if (capacity <= 0) {
        return -EINVAL;
    }
    pollen_poller *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return -ENOMEM;
    }
    p->kq = -1;
    p->capacity = capacity;
    p->events = malloc(sizeof(struct kevent) * (size_t) capacity);
    p->changes_capacity = 16;
    p->changes = malloc(sizeof(struct kevent) * (size_t) p->changes_capacity);
    if (p->events == NULL || p->changes == NULL) {
        rc = -ENOMEM;
        goto err;
    }
    p->kq = kqueue();
    if (p->kq < 0) {
        rc = neg_errno();
        goto err;
    }
    /* kqueue descriptors are not inherited by fork(), but exec() must not leak one either. */
    if (fcntl(p->kq, F_SETFD, FD_CLOEXEC) < 0) {
        rc = neg_errno();
        goto err;
    }
    struct kevent wake;
    EV_SET(&wake, WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, NOTE_FFNOP, 0, to_udata(WAKE_UDATA));
    if (kevent(p->kq, &wake, 1, NULL, 0, NULL) < 0) {
        rc = neg_errno();
        goto err;
    }
    *out = p;
    return 0;
err:
    pollen_poller_close(p);
    return rc;
}

static int queue_change(pollen_poller *p, pollen_fd fd, int16_t filter, uint16_t flags, uint64_t udata) {
    if (p->nchanges == p->changes_capacity) {
        int cap = p->changes_capacity * 2;
        struct kevent *grown = realloc(p->changes, sizeof(struct kevent) * (size_t) cap);
        if (grown == NULL) {
            return -ENOMEM;
        }
        p->changes = grown;
        p->changes_capacity = cap;
    }
    EV_SET(&p->changes[p->nchanges], (uintptr_t) fd, filter, flags, 0, 0, to_udata(udata));
    p->nchanges++;
    return 0;
}

static struct fd_state *fd_state(pollen_poller *p, pollen_fd fd, int grow) {
    if (fd < p->fds_capacity) {
        return &p->fds[fd];
    }
    if (!grow) {
        return NULL;
    }
    int cap = p->fds_capacity == 0 ? 64 : p->fds_capacity;
    while (cap <= fd) {
        if (cap > INT32_MAX / 2) {
            return NULL;
        }
        cap *= 2;
    }
    struct fd_state *grown = realloc(p->fds, sizeof(struct fd_state) * (size_t) cap);
    if (grown == NULL) {
        return NULL;
    }
    memset(grown + p->fds_capacity, 0, sizeof(struct fd_state) * (size_t) (cap - p->fds_capacity));
    p->fds = grown;
    p->fds_capacity = cap;
    return &p->fds[fd];
}

/* Queues the changes that take fd's filters from their state in s to interest under token. */
static int transition(pollen_poller *p, pollen_fd fd, struct fd_state *s, uint32_t interest, uint64_t token) {
    uint8_t read_mode = (interest & POLLEN_INTEREST_READ) ? READ_LEVEL
                        : (interest & POLLEN_INTEREST_READ_CLOSED) ? READ_CLEAR : READ_NONE;
    uint8_t write = (interest & POLLEN_INTEREST_WRITE) != 0;
    int rc = 0;
    if (s->read_mode != read_mode || (read_mode != READ_NONE && s->token != token)) {
        if (s->read_mode != READ_NONE && s->read_mode != read_mode) {
            rc = queue_change(p, fd, EVFILT_READ, EV_DELETE, DELETE_UDATA);
        }
        if (rc == 0 && read_mode != READ_NONE) {
            /* EV_ADD on an existing knote (same mode, new token) only updates its udata. */
            rc = queue_change(p, fd, EVFILT_READ, EV_ADD | EV_ENABLE | (read_mode == READ_CLEAR ? EV_CLEAR : 0), token);
        }
    }
    if (rc == 0 && (s->write != write || (write && s->token != token))) {
        rc = queue_change(p, fd, EVFILT_WRITE, write ? EV_ADD | EV_ENABLE : EV_DELETE, write ? token : DELETE_UDATA);
    }
    if (rc < 0) {
        /* Out of memory part way: the queued part stands; record the fd as it will be. */
        return rc;
    }
    s->read_mode = read_mode;
    s->write = write;
    s->token = token;
    s->interest = interest;
    return 0;
}

int pollen_poller_ctl(pollen_poller *p, int op, pollen_fd fd, uint32_t interest, uint64_t token) {
    if (fd < 0 || token == WAKE_UDATA || token == DELETE_UDATA) {
        return -EINVAL;
    }
    if (op != POLLEN_CTL_ADD && op != POLLEN_CTL_MOD && op != POLLEN_CTL_DEL) {
        return -EINVAL;
    }
    /*
     * One-shot is not offered here (no POLLEN_CAP_ONESHOT): Netty's loops are level-triggered. Nor is
     * urgent data (no POLLEN_CAP_PRIORITY): kqueue has no filter for it.
     */
    if (op != POLLEN_CTL_DEL && (interest & (POLLEN_INTEREST_ONESHOT | POLLEN_INTEREST_PRIORITY))) {
        return -EINVAL;
    }
    /* A number past the table must name an open descriptor before the table grows to hold it. */
    if (op == POLLEN_CTL_ADD && fd >= p->fds_capacity && fcntl(fd, F_GETFD) < 0) {
        return neg_errno();
    }
    struct fd_state *s = fd_state(p, fd, op == POLLEN_CTL_ADD);
    if (s == NULL) {
        return op == POLLEN_CTL_ADD ? -ENOMEM : -ENOENT;
    }
    int rc;
    switch (op) {
    case POLLEN_CTL_ADD:
        if (s->registered && s->token == token) {
            return -EEXIST;
        }
        /*
         * Registered under another token: the old registration's fd was closed without a DEL
         * (closing removes knotes on BSD) and the number came back. Take it over.
         */
        rc = transition(p, fd, s, interest, token);
        if (rc == 0) {
            s->registered = 1;
        }
        return rc;
    case POLLEN_CTL_MOD:
        if (!s->registered) {
            return -ENOENT;
        }
        return transition(p, fd, s, interest, token);
    default:
        /* A DEL under another token belongs to a registration this fd number no longer has. */
        if (!s->registered || s->token != token) {
            return -ENOENT;
        }
        rc = transition(p, fd, s, 0, token);
        memset(s, 0, sizeof(*s));
        return rc;
    }
}

/* Readiness of one kevent for the registration s, or 0 to drop it. */
static uint32_t to_ready(const struct kevent *ev, const struct fd_state *s) {
    uint32_t ready = 0;
    int eof = (ev->flags & EV_EOF) != 0;
    if (ev->filter == EVFILT_READ) {
        if (s->read_mode == READ_LEVEL) {
            ready |= POLLEN_READY_READABLE;
        } else if (s->read_mode != READ_CLEAR || !eof) {
            return 0; /* EV_CLEAR form: only the peer's shutdown matters */
        }
        if (eof && (s->interest & POLLEN_INTEREST_READ_CLOSED)) {
            ready |= POLLEN_READY_READ_CLOSED;
        }
    } else if (ev->filter == EVFILT_WRITE) {
        if (!s->write) {
            return 0;
        }
        ready |= POLLEN_READY_WRITABLE;
    } else {
        return 0;
    }
    /* EV_EOF with an errno in fflags: reset, refused connect, ... */
    if (eof && ev->fflags != 0) {
        ready |= POLLEN_READY_ERROR;
    }
    return ready;
}

/*
 * Adds ready bits for fd to this wait's output, merged with an event the fd already has in it
 * (both filters of one fd: one event, as from epoll), or to the spill list once the output is full.
 */
static void emit(pollen_poller *p, pollen_event *events, int max, int *out, int fd, uint64_t token,
                 uint32_t ready) {
    struct fd_state *s = &p->fds[fd];
    if (s->seen == p->waits) {
        if (s->slot >= 0) {
            events[s->slot].ready |= ready;
        } else {
            p->spill[-s->slot - 1].ready |= ready;
        }
        return;
    }
    s->seen = p->waits;
    if (*out < max) {
        s->slot = *out;
        events[*out].token = token;
        events[*out].ready = ready;
        events[*out].reserved = 0;
        (*out)++;
    } else {
        /* Room for this was made before the call: at most one entry per fd and wait. */
        s->slot = -(p->nspill + 1);
        p->spill[p->nspill].token = token;
        p->spill[p->nspill].ready = ready;
        p->spill[p->nspill].fd = fd;
        p->nspill++;
    }
}

/* The bits of a kept event that its registration, as it is now, still asks for. */
static uint32_t still_wanted(const struct fd_state *s, uint32_t ready) {
    uint32_t keep = POLLEN_READY_ERROR;
    if (s->read_mode == READ_LEVEL) {
        keep |= POLLEN_READY_READABLE;
    }
    if (s->interest & POLLEN_INTEREST_READ_CLOSED) {
        keep |= POLLEN_READY_READ_CLOSED;
    }
    if (s->write) {
        keep |= POLLEN_READY_WRITABLE;
    }
    return ready & keep;
}

static int grow_spill(pollen_poller *p, int need) {
    if (need <= p->spill_capacity) {
        return 0;
    }
    int cap = p->spill_capacity == 0 ? 64 : p->spill_capacity;
    while (cap < need) {
        cap = cap > INT32_MAX / 2 ? need : cap * 2;
    }
    struct spilled *a = realloc(p->pending, sizeof(*a) * (size_t) cap);
    if (a == NULL) {
        return -ENOMEM;
    }
    p->pending = a;
    struct spilled *b = realloc(p->spill, sizeof(*b) * (size_t) cap);
    if (b == NULL) {
        return -ENOMEM;
    }
    p->spill = b;
    p->spill_capacity = cap;
    return 0;
}

int pollen_poller_wait(pollen_poller *p, pollen_event *events, int max, int64_t timeout_ns) {
    if (max <= 0) {
        return -EINVAL;
    }
    /*
     * Room for two kevents per delivered event (the read and the write filter of one fd, merged
     * below) plus every change's possible EV_ERROR, so that no change is ever refused for want
     * of room (the call would fail and leave the rest of the changelist unapplied).
     */
    if (max > (INT32_MAX - p->nchanges) / 2) {
        return -EINVAL;
    }
    int need = 2 * max + p->nchanges;
    if (need > p->capacity) {
        int cap = p->capacity;
        while (cap < need) {
            cap = cap > INT32_MAX / 2 ? need : cap * 2;
        }
        struct kevent *grown = realloc(p->events, sizeof(struct kevent) * (size_t) cap);
        if (grown == NULL) {
            return -ENOMEM;
        }
        p->events = grown;
        p->capacity = cap;
    }
    /* At most one spilled entry per fd: the kept ones plus one per kevent returned. */
    if (p->npending > INT32_MAX - need) {
        return -EINVAL;
    }
    int rc = grow_spill(p, p->npending + need);
    if (rc < 0) {
        return rc;
    }
    struct timespec ts;
    struct timespec *tsp = NULL;
    if (timeout_ns >= 0 || p->npending > 0) {
        int64_t t = p->npending > 0 ? 0 : timeout_ns; /* kept events are ready now */
        ts.tv_sec = (time_t) (t / 1000000000);
        ts.tv_nsec = (long) (t % 1000000000);
        tsp = &ts;
    }
    int n = kevent(p->kq, p->changes, p->nchanges, p->events, need, tsp);
    /*
     * The changes are applied before the wait, also when the wait is interrupted; a failure of
     * the call itself (not of one change: those come back as EV_ERROR entries) leaves nothing
     * to retry that would not fail again, so the changelist is consumed in every case.
     */
    p->nchanges = 0;
    if (n < 0 && errno != EINTR) {
        return neg_errno();
    }
    if (++p->waits == 0) {
        /* Wrapped: no fd may look seen in this wait. */
        for (int i = 0; i < p->fds_capacity; i++) {
            p->fds[i].seen = 0;
        }
        p->waits = 1;
    }
    int out = 0;
    p->nspill = 0;
    /* First what an earlier wait could not deliver, if its registration still stands. */
    for (int i = 0; i < p->npending; i++) {
        const struct spilled *k = &p->pending[i];
        const struct fd_state *s = &p->fds[k->fd];
        if (!s->registered || s->token != k->token) {
            continue;
        }
        uint32_t ready = still_wanted(s, k->ready);
        if (ready != 0) {
            emit(p, events, max, &out, k->fd, k->token, ready);
        }
    }
    for (int i = 0; i < n; i++) {
        const struct kevent *ev = &p->events[i];
        if (ev->filter == EVFILT_USER) {
            continue; /* the wake-up: EV_CLEAR resets it */
        }
        uint64_t token = from_udata(ev);
        if (token == DELETE_UDATA || token == WAKE_UDATA) {
            continue;
        }
        if (ev->ident >= (uintptr_t) p->fds_capacity) {
            continue;
        }
        const struct fd_state *s = &p->fds[ev->ident];
        if (!s->registered || s->token != token) {
            continue; /* a cancelled or replaced registration */
        }
        uint32_t ready;
        if (ev->flags & EV_ERROR) {
            if (ev->data == 0) {
                continue; /* a receipt; Pollen sets no EV_RECEIPT, so only ever defensive */
            }
            ready = POLLEN_READY_ERROR;
        } else {
            ready = to_ready(ev, s);
        }
        if (ready != 0) {
            emit(p, events, max, &out, (int) ev->ident, token, ready);
        }
    }
    struct spilled *kept = p->spill;
    p->spill = p->pending;
    p->pending = kept;
    p->npending = p->nspill;
    return out;
}

/* No POLLEN_CAP_IO_BATCH here: kevent only polls, so reads and writes are made one by one. */
int pollen_poller_io_batch(pollen_poller *p, pollen_io *ops, int count) {
    (void) p;
    (void) ops;
    (void) count;
    return -ENOSYS;
}

int pollen_poller_wake(pollen_poller *p) {
    struct kevent ev;
    EV_SET(&ev, WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER, 0, to_udata(WAKE_UDATA));
    int rc;
    do {
        rc = kevent(p->kq, &ev, 1, NULL, 0, NULL);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 ? neg_errno() : 0;
}

int pollen_poller_close(pollen_poller *p) {
    int rc = 0;
    if (p == NULL) {
        return -EINVAL;
    }
    if (p->kq >= 0) {
        /*
         * The wake-up knote goes first: a kqueue that keeps user events in descriptors of their own
         * (the Linux emulation's eventfd) releases them now rather than whenever it notices the
         * close. A failure changes nothing: close() drops every knote anyway.
         */
        struct kevent wake;
        EV_SET(&wake, WAKE_IDENT, EVFILT_USER, EV_DELETE, 0, 0, to_udata(WAKE_UDATA));
        (void) kevent(p->kq, &wake, 1, NULL, 0, NULL);
        if (close(p->kq) < 0) {
            rc = neg_errno();
        }
    }
    free(p->events);
    free(p->changes);
    free(p->fds);
    free(p->pending);
    free(p->spill);
    free(p);
    return rc;
}

uint32_t pollen_poller_capabilities(void) {
    /* Level by default, EV_EOF on the read filter, timespec timeouts; no one-shot (yet). */
    return POLLEN_CAP_LEVEL | POLLEN_CAP_READ_CLOSED | POLLEN_CAP_NANO_TIMEOUT;
}

const char *pollen_poller_name(void) {
    return "kqueue";
}
