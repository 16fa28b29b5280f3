/*
 * A minimal io_uring, made with the raw system calls (no liburing), used by the epoll backend
 * for one thing: handing a batch of socket reads and writes, registration changes and the loop's
 * next wait to the kernel in one io_uring_enter.
 */
#ifndef POLLEN_URING_H
#define POLLEN_URING_H

#include <stdint.h>
#include <sys/epoll.h>

#include "pollen_poller.h"

typedef struct pollen_uring pollen_uring;

/*
 * 0 if this kernel lets this process make a ring that can send (io_uring_setup is allowed and
 * IORING_OP_SENDMSG, SEND, RECV and EPOLL_CTL supported), else the negative errno that stops it:
 * -ENOSYS (no io_uring, or a seccomp filter), -EPERM (kernel.io_uring_disabled), -EOPNOTSUPP (an
 * operation missing). Probed once.
 */
int pollen_uring_probe(void);

/* The step of the probe that failed, once pollen_uring_probe has: 0 if none did. */
#define POLLEN_URING_STEP_SETUP 1    /* io_uring_setup refused */
#define POLLEN_URING_STEP_REGISTER 2 /* IORING_REGISTER_PROBE refused (before Linux 5.6: unknown) */
#define POLLEN_URING_STEP_OPS 3      /* the probe answered, without an operation the backend needs */
int pollen_uring_probe_step(void);

/* 1 if a batch may also start the next wait (IORING_OP_EPOLL_WAIT, Linux 6.15+), else 0. */
int pollen_uring_can_poll(void);

/* A ring of `entries` submission slots (a power of two), or a negative errno. */
int pollen_uring_create(pollen_uring **out, unsigned entries);

/*
 * Submits the operations and waits for their completions, in one io_uring_enter per ring-sized chunk
 * (one for a batch that fits), storing each one's result. Returns 0 if every one went in, or the
 * negative errno that stopped the rest, whose results are left untouched. A last POLLEN_IO_POLL
 * starts a wait for at most max events of epfd into events, which stay the kernel's until
 * pollen_uring_wait has returned them (or close).
 */
int pollen_uring_io_batch(pollen_uring *r, pollen_io *ops, int count, int epfd, struct epoll_event *events,
        int max);

/* 1 if a wait was started and its events not yet returned by pollen_uring_wait. */
int pollen_uring_waiting(const pollen_uring *r);

/*
 * Finishes the started wait (pollen_uring_waiting): its event count once it has completed, within
 * timeout_ns (< 0: without limit, 0: at once), else 0 and it stays started; or a negative errno
 * (-EINTR: interrupted, wait again). A wait started by another thread is cancelled first, and
 * answers -EAGAIN if it found nothing: the caller then waits the plain way.
 */
int pollen_uring_wait(pollen_uring *r, int64_t timeout_ns);

/* Cancels a started wait, then frees the ring. */
void pollen_uring_close(pollen_uring *r);

#endif
