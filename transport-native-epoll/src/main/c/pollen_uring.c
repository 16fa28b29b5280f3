/*
 * The epoll backend's io_uring (pollen_uring.h): a ring per poller, made by its first (usually
 * empty) batch, through which a batch of socket reads and writes enters the kernel once instead
 * of once per socket. Each is an IORING_OP_SEND, SENDMSG or RECV with MSG_DONTWAIT, so it keeps the plain
 * path's semantics: it is made inline during the submission, moves what it can, and completes with
 * -EAGAIN instead of waiting; the ring never holds a read or write past the call that made it.
 *
 * Registration changes (POLLEN_IO_CTL_*) are IORING_OP_EPOLL_CTLs on the poller's epoll descriptor,
 * made inline in record order like the rest.
 *
 * A batch may end with the loop's next wait (POLLEN_IO_POLL): an IORING_OP_EPOLL_WAIT on the
 * poller's epoll descriptor, into the poller's event array, made inline after the writes. If events
 * were ready it completes there; if not, it stays in the ring and the next pollen_uring_wait waits
 * for it (its completion is task work of the thread that started it).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/time_types.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pollen_uring.h"
#include "pollen_epoll.h"
#include "pollen_errno.h"

/* Linux 6.15's opcode; older headers lack the name. */
#define OP_EPOLL_WAIT 59
/* user_data of the started wait and of its cancellation; operations' own are their indexes. */
#define WAIT_TAG UINT64_MAX
#define CANCEL_TAG (UINT64_MAX - 1)

enum { WAIT_NONE, WAIT_STARTED, WAIT_DONE };

struct pollen_uring {
    int fd;
    int wait_state;       /* WAIT_*: the started wait's progress */
    int wait_result;      /* its completion: events written, or a negative errno */
    pthread_t wait_thread; /* the thread that started it, which alone runs its completion */
    unsigned entries;
    unsigned *sq_head;
    unsigned *sq_tail;
    unsigned sq_mask;
    unsigned *cq_head;
    unsigned *cq_tail;
    unsigned cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    void *sq_ring;
    size_t sq_ring_size;
    void *cq_ring; /* == sq_ring where the kernel maps both rings at once (IORING_FEAT_SINGLE_MMAP) */
    size_t cq_ring_size;
    size_t sqes_size;
    struct msghdr *msgs; /* one per submission slot, alive until its write completes */
    struct epoll_event *changes; /* one per submission slot, alive until its change completes */
};

static int sys_setup(unsigned entries, struct io_uring_params *p) {
    return (int) syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
    return (int) syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, NULL, 0);
}

/* Waits for one completion for at most timeout_ns (Linux 5.11+): -1 with errno ETIME when it ends. */
static int sys_enter_timed(int fd, int64_t timeout_ns) {
    struct __kernel_timespec ts = { .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000 };
    struct io_uring_getevents_arg arg;
    memset(&arg, 0, sizeof(arg));
    arg.ts = (uint64_t) (uintptr_t) &ts;
    return (int) syscall(__NR_io_uring_enter, fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg,
            sizeof(arg));
}

static int supports(const struct io_uring_probe *probe, int op) {
    return probe->last_op >= op && (probe->ops[op].flags & IO_URING_OP_SUPPORTED);
}

/* 1: not probed yet. */
static volatile int probe_result = 1;
/* Whether IORING_OP_EPOLL_WAIT is supported; set by the probe. */
static volatile int poll_supported;
/* POLLEN_URING_STEP_* of a failed probe; set with probe_result. */
static volatile int probe_step;

int pollen_uring_probe(void) {
    int rc = probe_result;
    if (rc != 1) {
        return rc;
    }
    struct io_uring_params params;
    memset(&params, 0, sizeof(params));
    int fd = sys_setup(2, &params);
    int step = POLLEN_URING_STEP_SETUP;
    if (fd < 0) {
        rc = neg_errno();
    } else {
        step = POLLEN_URING_STEP_REGISTER;
        size_t size = sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op);
        struct io_uring_probe *probe = calloc(1, size);
        if (probe == NULL) {
            rc = -ENOMEM;
        } else if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_PROBE, probe, 256) < 0) {
            /* Before Linux 5.6 there is no probe: too old for what this backend asks. */
            rc = errno == EINVAL ? -EOPNOTSUPP : neg_errno();
        } else {
            step = POLLEN_URING_STEP_OPS;
            rc = supports(probe, IORING_OP_SENDMSG) && supports(probe, IORING_OP_SEND)
                    && supports(probe, IORING_OP_RECV) && supports(probe, IORING_OP_EPOLL_CTL)
                    ? 0 : -EOPNOTSUPP;
            poll_supported = rc == 0 && supports(probe, OP_EPOLL_WAIT) && supports(probe, IORING_OP_ASYNC_CANCEL);
        }
        free(probe);
        close(fd);
    }
    if (rc != -ENOMEM) {
        probe_step = rc == 0 ? 0 : step;
        probe_result = rc;
    }
    return rc;
}

int pollen_uring_probe_step(void) {
    return probe_result == 1 ? 0 : probe_step;
}

int pollen_uring_can_poll(void) {
    return pollen_uring_probe() == 0 && poll_supported;
}

static void unmap(pollen_uring *r) {
    if (r->sqes != NULL && r->sqes != MAP_FAILED) {
        munmap(r->sqes, r->sqes_size);
    }
    if (r->cq_ring != NULL && r->cq_ring != MAP_FAILED && r->cq_ring != r->sq_ring) {
        munmap(r->cq_ring, r->cq_ring_size);
    }
    if (r->sq_ring != NULL && r->sq_ring != MAP_FAILED) {
        munmap(r->sq_ring, r->sq_ring_size);
    }
}

int pollen_uring_create(pollen_uring **out, unsigned entries) {
    pollen_uring *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return -ENOMEM;
    }
    struct io_uring_params p;
    memset(&p, 0, sizeof(p));
    /* Go on past a refused entry (5.18+); task work only when the loop enters anyway (5.19+). */
    p.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN;
    r->fd = sys_setup(entries, &p);
    if (r->fd < 0 && errno == EINVAL) {
        memset(&p, 0, sizeof(p));
        r->fd = sys_setup(entries, &p);
    }
    int rc;
    if (r->fd < 0) {
        rc = neg_errno();
        free(r);
        return rc;
    }
    r->entries = p.sq_entries;
    r->sq_ring_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    r->cq_ring_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if (p.features & IORING_FEAT_SINGLE_MMAP) {
        if (r->cq_ring_size > r->sq_ring_size) {
            r->sq_ring_size = r->cq_ring_size;
        }
        r->cq_ring_size = r->sq_ring_size;
    }
    r->sq_ring = mmap(NULL, r->sq_ring_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
            IORING_OFF_SQ_RING);
    if (r->sq_ring == MAP_FAILED) {
        goto fail;
    }
    if (p.features & IORING_FEAT_SINGLE_MMAP) {
        r->cq_ring = r->sq_ring;
    } else {
        r->cq_ring = mmap(NULL, r->cq_ring_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                IORING_OFF_CQ_RING);
        if (r->cq_ring == MAP_FAILED) {
            goto fail;
        }
    }
    r->sqes_size = p.sq_entries * sizeof(struct io_uring_sqe);
    r->sqes = mmap(NULL, r->sqes_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
            IORING_OFF_SQES);
    if (r->sqes == MAP_FAILED) {
        goto fail;
    }
    char *sq = r->sq_ring;
    char *cq = r->cq_ring;
    r->sq_head = (unsigned *) (sq + p.sq_off.head);
    r->sq_tail = (unsigned *) (sq + p.sq_off.tail);
    r->sq_mask = *(unsigned *) (sq + p.sq_off.ring_mask);
    r->cq_head = (unsigned *) (cq + p.cq_off.head);
    r->cq_tail = (unsigned *) (cq + p.cq_off.tail);
    r->cq_mask = *(unsigned *) (cq + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *) (cq + p.cq_off.cqes);
    /* Slot i of the ring always names entry i: the array is filled once. */
    unsigned *array = (unsigned *) (sq + p.sq_off.array);
    for (unsigned i = 0; i < p.sq_entries; i++) {
        array[i] = i;
    }
    r->msgs = calloc(p.sq_entries, sizeof(struct msghdr));
    r->changes = calloc(p.sq_entries, sizeof(struct epoll_event));
    if (r->msgs == NULL || r->changes == NULL) {
        errno = ENOMEM;
        goto fail;
    }
    *out = r;
    return 0;
fail:
    rc = neg_errno();
    pollen_uring_close(r);
    return rc;
}

/*
 * Takes every completion the ring holds: an operation's into its result, the started wait's into
 * wait_result (and a cancellation's nowhere). Returns how many operations' completions it took.
 */
static unsigned drain(pollen_uring *r, pollen_io *ops) {
    unsigned got = 0;
    unsigned head = *r->cq_head;
    unsigned tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
    for (; head != tail; head++) {
        struct io_uring_cqe *cqe = &r->cqes[head & r->cq_mask];
        if (cqe->user_data == WAIT_TAG) {
            r->wait_state = WAIT_DONE;
            r->wait_result = cqe->res;
        } else if (cqe->user_data != CANCEL_TAG && ops != NULL) {
            ops[cqe->user_data].result = cqe->res;
            got++;
        }
    }
    __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
    return got;
}

/*
 * Moves the completions of `expected` submitted operations into their results. Should the ring fail
 * while they are collected, the operations still without a result get -EIO: they were handed to the
 * kernel, so retrying them could move their bytes twice; failing them closes their channels.
 */
static void reap(pollen_uring *r, pollen_io *ops, unsigned expected) {
    for (unsigned i = 0; i < expected; i++) {
        ops[i].result = -EIO;
    }
    unsigned got = 0;
    while ((got += drain(r, ops)) < expected) {
        if (sys_enter(r->fd, 0, expected - got, IORING_ENTER_GETEVENTS) < 0 && errno != EINTR) {
            return;
        }
    }
}

/*
 * One chunk of at most r->entries operations, the last of which may be a wait to start on epfd;
 * the number submitted, or a negative errno if none was.
 */
static int send_chunk(pollen_uring *r, pollen_io *ops, unsigned n, int epfd, struct epoll_event *events, int max) {
    unsigned tail = *r->sq_tail;
    unsigned waits = 0; /* 1 if the last is a wait */
    for (unsigned i = 0; i < n; i++) {
        unsigned slot = (tail + i) & r->sq_mask;
        struct iovec *iov = (struct iovec *) (uintptr_t) ops[i].iov;
        struct io_uring_sqe *sqe = &r->sqes[slot];
        memset(sqe, 0, sizeof(*sqe));
        sqe->fd = (int) ops[i].fd;
        sqe->msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL;
        sqe->user_data = i;
        if (ops[i].op == POLLEN_IO_POLL) {
            /* Last (checked by the caller): epoll_wait's events, as the plain wait gets them. */
            sqe->opcode = OP_EPOLL_WAIT;
            sqe->fd = epfd;
            sqe->msg_flags = 0;
            sqe->addr = (uint64_t) (uintptr_t) events;
            sqe->len = (uint32_t) max;
            sqe->user_data = WAIT_TAG;
            waits = 1;
        } else if (ops[i].op >= POLLEN_IO_CTL_ADD) {
            /* A registration change (checked by the caller), as pollen_poller_ctl makes it. */
            struct epoll_event *ev = &r->changes[slot];
            ev->events = pollen_epoll_interest((uint32_t) ops[i].iovcnt);
            ev->data.u64 = ops[i].iov;
            sqe->opcode = IORING_OP_EPOLL_CTL;
            sqe->fd = epfd;
            sqe->msg_flags = 0;
            sqe->off = (uint64_t) ops[i].fd;
            sqe->len = ops[i].op == POLLEN_IO_CTL_ADD ? EPOLL_CTL_ADD
                    : ops[i].op == POLLEN_IO_CTL_MOD ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
            sqe->addr = (uint64_t) (uintptr_t) ev;
        } else if (ops[i].op == POLLEN_IO_RECV) {
            /* One buffer (checked by the caller): a plain recv. */
            sqe->opcode = IORING_OP_RECV;
            sqe->msg_flags = MSG_DONTWAIT;
            sqe->addr = (uint64_t) (uintptr_t) iov[0].iov_base;
            sqe->len = iov[0].iov_len > UINT32_MAX ? UINT32_MAX : (uint32_t) iov[0].iov_len;
        } else if (ops[i].iovcnt == 1 && iov[0].iov_len <= UINT32_MAX) {
            /* One buffer: a plain send, which skips importing a message header. */
            sqe->opcode = IORING_OP_SEND;
            sqe->addr = (uint64_t) (uintptr_t) iov[0].iov_base;
            sqe->len = (uint32_t) iov[0].iov_len;
        } else {
            struct msghdr *msg = &r->msgs[slot];
            memset(msg, 0, sizeof(*msg));
            msg->msg_iov = iov;
            msg->msg_iovlen = (size_t) ops[i].iovcnt;
            sqe->opcode = IORING_OP_SENDMSG;
            sqe->addr = (uint64_t) (uintptr_t) msg;
            sqe->len = 1;
        }
    }
    __atomic_store_n(r->sq_tail, tail + n, __ATOMIC_RELEASE);
    /*
     * Submit and collect in one entry; the reads and writes never wait, so all complete during the
     * submit (a change that finds the epoll descriptor busy is finished by a kernel worker, and
     * waited for). The wait, made last, completes there too if events are ready, and is not waited for.
     */
    unsigned submitted = 0;
    int rc = 0;
    while (submitted < n) {
        unsigned min = submitted == 0 ? n - waits : 0;
        int k = sys_enter(r->fd, n - submitted, min, submitted == 0 ? IORING_ENTER_GETEVENTS : 0);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = neg_errno();
            break;
        }
        if (k == 0) {
            rc = -EAGAIN;
            break;
        }
        submitted += (unsigned) k;
    }
    if (submitted < n) {
        /* The kernel has not read the rest (it reads the ring only within io_uring_enter): take them back. */
        __atomic_store_n(r->sq_tail, tail + submitted, __ATOMIC_RELEASE);
    }
    if (submitted == 0) {
        return rc;
    }
    if (waits && submitted == n) {
        r->wait_state = WAIT_STARTED;
        r->wait_thread = pthread_self();
        ops[n - 1].result = 0;
    }
    reap(r, ops, submitted < n - waits ? submitted : n - waits);
    return (int) submitted;
}

int pollen_uring_io_batch(pollen_uring *r, pollen_io *ops, int count, int epfd, struct epoll_event *events,
        int max) {
    for (int i = 0; i < count; i++) {
        if ((ops[i].op < POLLEN_IO_SEND || ops[i].op > POLLEN_IO_CTL_DEL)
                || (ops[i].op == POLLEN_IO_POLL && i != count - 1)) {
            return -EINVAL;
        }
    }
    if (count > 0 && ops[count - 1].op == POLLEN_IO_POLL
            && (!poll_supported || r->wait_state != WAIT_NONE || max <= 0)) {
        count--; /* left NOT_MADE: the next wait is a plain one, or finishes the one started */
    }
    for (int done = 0; done < count;) {
        unsigned n = (unsigned) (count - done) < r->entries ? (unsigned) (count - done) : r->entries;
        int k = send_chunk(r, ops + done, n, epfd, events, max);
        if (k < 0) {
            return k;
        }
        done += k;
    }
    return 0;
}

int pollen_uring_waiting(const pollen_uring *r) {
    return r != NULL && r->wait_state != WAIT_NONE;
}

/* Cancels the started wait and collects its completion, which may still bring events. */
static int cancel_wait(pollen_uring *r) {
    unsigned tail = *r->sq_tail;
    struct io_uring_sqe *sqe = &r->sqes[tail & r->sq_mask];
    memset(sqe, 0, sizeof(*sqe));
    sqe->opcode = IORING_OP_ASYNC_CANCEL;
    sqe->fd = -1;
    sqe->addr = WAIT_TAG;
    sqe->user_data = CANCEL_TAG;
    __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
    int rc;
    while ((rc = sys_enter(r->fd, 1, 1, IORING_ENTER_GETEVENTS)) < 0 && errno == EINTR) {
    }
    if (rc < 1) {
        rc = rc < 0 ? neg_errno() : -EAGAIN;
        __atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
        return rc;
    }
    while (drain(r, NULL), r->wait_state != WAIT_DONE) {
        if (sys_enter(r->fd, 0, 1, IORING_ENTER_GETEVENTS) < 0 && errno != EINTR) {
            return neg_errno();
        }
    }
    return 0;
}

int pollen_uring_wait(pollen_uring *r, int64_t timeout_ns) {
    if (r->wait_state == WAIT_STARTED && !pthread_equal(r->wait_thread, pthread_self())) {
        /* Only its own thread runs the started wait's completion: take it back, and wait anew. */
        int rc = cancel_wait(r);
        if (rc < 0) {
            return rc;
        }
        int n = r->wait_result;
        r->wait_state = WAIT_NONE;
        return n == -ECANCELED ? -EAGAIN : n;
    }
    drain(r, NULL);
    if (r->wait_state == WAIT_STARTED) {
        int rc;
        if (timeout_ns == 0) {
            rc = sys_enter(r->fd, 0, 0, IORING_ENTER_GETEVENTS); /* runs its completion, if due */
        } else if (timeout_ns < 0) {
            rc = sys_enter(r->fd, 0, 1, IORING_ENTER_GETEVENTS);
        } else {
            rc = sys_enter_timed(r->fd, timeout_ns);
        }
        if (rc < 0 && errno != ETIME) {
            return neg_errno(); /* EINTR included: the caller waits again for the time left */
        }
        drain(r, NULL);
        if (r->wait_state != WAIT_DONE) {
            return 0;
        }
    }
    r->wait_state = WAIT_NONE;
    return r->wait_result;
}

void pollen_uring_close(pollen_uring *r) {
    if (r == NULL) {
        return;
    }
    if (r->wait_state == WAIT_STARTED && r->sqes != NULL) {
        /* The kernel must be done with the event array before the poller frees it. */
        cancel_wait(r);
    }
    unmap(r);
    if (r->fd >= 0) {
        close(r->fd);
    }
    free(r->msgs);
    free(r->changes);
    free(r);
}
