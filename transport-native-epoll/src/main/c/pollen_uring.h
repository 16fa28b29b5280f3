/*
 * A minimal io_uring, made with the raw system calls (no liburing), used by the epoll backend
 * for one thing: handing a batch of socket reads and writes to the kernel in one io_uring_enter.
 */
#ifndef POLLEN_URING_H
#define POLLEN_URING_H

#include "pollen_poller.h"

typedef struct pollen_uring pollen_uring;

/*
 * 0 if this kernel lets this process make a ring that can send (io_uring_setup is allowed and
 * IORING_OP_SENDMSG, SEND and RECV supported), else the negative errno that stops it: -ENOSYS (no io_uring, or a
 * seccomp filter), -EPERM (kernel.io_uring_disabled), -EOPNOTSUPP (no send operation). Probed once.
 */
int pollen_uring_probe(void);

/* A ring of `entries` submission slots (a power of two), or a negative errno. */
int pollen_uring_create(pollen_uring **out, unsigned entries);

/*
 * Submits the operations and waits for their completions, in one io_uring_enter per ring-sized chunk
 * (one for a batch that fits), storing each one's result. Returns 0 if every one went in, or the
 * negative errno that stopped the rest, whose results are left untouched.
 */
int pollen_uring_io_batch(pollen_uring *r, pollen_io *ops, int count);

void pollen_uring_close(pollen_uring *r);

#endif
