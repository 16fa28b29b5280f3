/*
 * The epoll backend's io_uring (pollen_uring.h): a ring per poller, made by its first (usually
 * empty) batch, through which a batch of socket reads and writes enters the kernel once instead
 * of once per socket. Each is an IORING_OP_SEND, SENDMSG or RECV with MSG_DONTWAIT, so it keeps the plain
 * path's semantics: it is made inline during the submission, moves what it can, and completes with
 * -EAGAIN instead of waiting; the ring never holds an operation past the call that made it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pollen_uring.h"
#include "pollen_errno.h"

struct pollen_uring {
    int fd;
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
};

static int sys_setup(unsigned entries, struct io_uring_params *p) {
    return (int) syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
    return (int) syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, NULL, 0);
}

static int supports(const struct io_uring_probe *probe, int op) {
    return probe->last_op >= op && (probe->ops[op].flags & IO_URING_OP_SUPPORTED);
}

/* 1: not probed yet. */
static volatile int probe_result = 1;

int pollen_uring_probe(void) {
    int rc = probe_result;
    if (rc != 1) {
        return rc;
    }
    struct io_uring_params params;
    memset(&params, 0, sizeof(params));
    int fd = sys_setup(2, &params);
    if (fd < 0) {
        rc = neg_errno();
    } else {
        size_t size = sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op);
        struct io_uring_probe *probe = calloc(1, size);
        if (probe == NULL) {
            rc = -ENOMEM;
        } else if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_PROBE, probe, 256) < 0) {
            /* Before Linux 5.6 there is no probe: too old for what this backend asks. */
            rc = errno == EINVAL ? -EOPNOTSUPP : neg_errno();
        } else {
            rc = supports(probe, IORING_OP_SENDMSG) && supports(probe, IORING_OP_SEND)
                    && supports(probe, IORING_OP_RECV) ? 0 : -EOPNOTSUPP;
        }
        free(probe);
        close(fd);
    }
    if (rc != -ENOMEM) {
        probe_result = rc;
    }
    return rc;
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
    if (r->msgs == NULL) {
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
 * Moves the completions of `expected` submitted operations into their results. Should the ring fail
 * while they are collected, the operations still without a result get -EIO: they were handed to the
 * kernel, so retrying them could move their bytes twice; failing them closes their channels.
 */
static void reap(pollen_uring *r, pollen_io *ops, unsigned expected) {
    for (unsigned i = 0; i < expected; i++) {
        ops[i].result = -EIO;
    }
    unsigned got = 0;
    while (got < expected) {
        unsigned head = *r->cq_head;
        unsigned tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
        for (; head != tail; head++) {
            struct io_uring_cqe *cqe = &r->cqes[head & r->cq_mask];
            ops[cqe->user_data].result = cqe->res;
            got++;
        }
        __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
        if (got < expected && sys_enter(r->fd, 0, expected - got, IORING_ENTER_GETEVENTS) < 0 && errno != EINTR) {
            return;
        }
    }
}

/* One chunk of at most r->entries operations; the number submitted, or a negative errno if none was. */
static int send_chunk(pollen_uring *r, pollen_io *ops, unsigned n) {
    unsigned tail = *r->sq_tail;
    for (unsigned i = 0; i < n; i++) {
        unsigned slot = (tail + i) & r->sq_mask;
        struct iovec *iov = (struct iovec *) (uintptr_t) ops[i].iov;
        struct io_uring_sqe *sqe = &r->sqes[slot];
        memset(sqe, 0, sizeof(*sqe));
        sqe->fd = (int) ops[i].fd;
        sqe->msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL;
        sqe->user_data = i;
        if (ops[i].op == POLLEN_IO_RECV) {
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
    /* Submit and collect in one entry; the operations never wait, so all complete during the submit. */
    unsigned submitted = 0;
    int rc = 0;
    while (submitted < n) {
        int k = sys_enter(r->fd, n - submitted, submitted == 0 ? n : 0, submitted == 0 ? IORING_ENTER_GETEVENTS : 0);
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
    reap(r, ops, submitted);
    return (int) submitted;
}

int pollen_uring_io_batch(pollen_uring *r, pollen_io *ops, int count) {
    for (int done = 0; done < count;) {
        unsigned n = (unsigned) (count - done) < r->entries ? (unsigned) (count - done) : r->entries;
        int k = send_chunk(r, ops + done, n);
        if (k < 0) {
            return k;
        }
        done += k;
    }
    return 0;
}

void pollen_uring_close(pollen_uring *r) {
    if (r == NULL) {
        return;
    }
    unmap(r);
    if (r->fd >= 0) {
        close(r->fd);
    }
    free(r->msgs);
    free(r);
}
