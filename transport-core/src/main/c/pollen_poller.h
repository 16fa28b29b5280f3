/*
 * The backend contract. Every poller (epoll, kqueue, wepoll) implements exactly these
 * functions; the JNI glue and everything above it are shared.
 *
 * - Level-triggered only. Readiness is normalised to the POLLEN_READY_* bits.
 * - Every call returns >= 0 on success or a negative errno (Windows errors are mapped
 *   through the one table in pollen_errno_win.h).
 * - A registration carries a 64-bit token chosen by the caller; events come back with it,
 *   so the caller can recognise (and drop) events for a registration it has cancelled.
 * - pollen_poller_ctl/wait/close are called from the loop thread only; wake may be called
 *   from any thread.
 */
#ifndef POLLEN_POLLER_H
#define POLLEN_POLLER_H

#include <stddef.h>
#include <stdint.h>

#include "pollen_socket.h"

/* Interest bits, as passed to pollen_poller_ctl. */
#define POLLEN_INTEREST_READ        0x1
#define POLLEN_INTEREST_WRITE       0x2
#define POLLEN_INTEREST_READ_CLOSED 0x4
/*
 * OR'd into an ADD/MOD interest: the registration reports one event and then stays silent
 * until the next MOD re-arms it. Only on backends answering POLLEN_CAP_ONESHOT.
 */
#define POLLEN_INTEREST_ONESHOT     0x8
/* Urgent (out-of-band) data, as TCP's MSG_OOB; only on backends answering POLLEN_CAP_PRIORITY. */
#define POLLEN_INTEREST_PRIORITY    0x10

/* Readiness bits, as delivered in pollen_event.ready. */
#define POLLEN_READY_READABLE    0x1
#define POLLEN_READY_WRITABLE    0x2
#define POLLEN_READY_READ_CLOSED 0x4
#define POLLEN_READY_ERROR       0x8
#define POLLEN_READY_PRIORITY    0x10  /* urgent data waits (asked for with POLLEN_INTEREST_PRIORITY) */

#define POLLEN_CTL_ADD 1
#define POLLEN_CTL_MOD 2
#define POLLEN_CTL_DEL 3

/* Capability bits, answered by pollen_poller_capabilities(). */
#define POLLEN_CAP_LEVEL           0x1
#define POLLEN_CAP_ONESHOT         0x2
/* 0x4 is free: no interest bit asks for edge-triggered readiness, so no capability claims it. */
#define POLLEN_CAP_READ_CLOSED     0x8   /* reports a peer's write shutdown as its own bit */
#define POLLEN_CAP_NANO_TIMEOUT    0x10  /* waits with sub-millisecond precision */
/*
 * Closing a socket that nothing else holds (no dup, no other process) ends its registration:
 * no DEL is needed first, and its number may be added again at once.
 */
#define POLLEN_CAP_CLOSE_REMOVES   0x20
/* Watches urgent data: POLLEN_INTEREST_PRIORITY is accepted and POLLEN_READY_PRIORITY reported. */
#define POLLEN_CAP_PRIORITY        0x40
/*
 * pollen_poller_io_batch hands many sockets' reads and writes, and registration changes, to the
 * kernel in one entry (epoll: an io_uring submission). Without it, the function answers -ENOSYS
 * and each is a call of its own.
 */
#define POLLEN_CAP_IO_BATCH      0x80
/*
 * A POLLEN_IO_POLL record ending a batch starts the next wait in the same kernel entry (epoll: an
 * IORING_OP_EPOLL_WAIT, Linux 6.15+). Without it, such a record is left POLLEN_IO_NOT_MADE.
 */
#define POLLEN_CAP_IO_BATCH_POLL 0x100

/* One delivered event; 16 bytes, laid out identically on every platform. */
typedef struct pollen_event {
    uint64_t token;
    uint32_t ready;
    uint32_t reserved;
} pollen_event;

/* What PollenIoHandler reads by offset (EVENT_SIZE 16, token at 0, ready at 8), on every CPU. */
_Static_assert(sizeof(pollen_event) == 16, "pollen_event is 16 bytes");
_Static_assert(offsetof(pollen_event, token) == 0, "pollen_event.token at offset 0");
_Static_assert(offsetof(pollen_event, ready) == 8, "pollen_event.ready at offset 8");

/*
 * One operation of a batch (a socket's read or write, the next wait, a registration change);
 * 32 bytes, laid out identically on every platform.
 * POLLEN_IO_SEND: a gathering write of the iovcnt struct iovecs at iov. POLLEN_IO_RECV: a read
 * into the one struct iovec at iov (iovcnt 1). result receives the bytes moved (0 for a read: end
 * of stream) or a negative errno (-EAGAIN when the socket had nothing to give or no room now).
 * Every operation is non-blocking and never raises SIGPIPE, exactly as the plain calls.
 */
#define POLLEN_IO_SEND 0
#define POLLEN_IO_RECV 1
/*
 * Only as a batch's last record (iov, fd and iovcnt unused): starts the poller's next wait in the
 * batch's own kernel entry. The events ready then are kept for the next pollen_poller_wait, which
 * returns them without entering the kernel; if none was ready, that wait waits on for the one
 * started here. Result 0 if started; left POLLEN_IO_NOT_MADE if not (without
 * POLLEN_CAP_IO_BATCH_POLL), and the next wait is then a plain one.
 */
#define POLLEN_IO_POLL 2
/*
 * A registration change, made as pollen_poller_ctl makes it (ADD, MOD or DEL): fd the descriptor,
 * iovcnt the interest, iov the token. Result 0 or the negative errno pollen_poller_ctl would
 * return. Made in record order: a change before a POLLEN_IO_POLL is in force for that wait.
 */
#define POLLEN_IO_CTL_ADD 3
#define POLLEN_IO_CTL_MOD 4
#define POLLEN_IO_CTL_DEL 5
#define POLLEN_IO_NOT_MADE INT64_MIN

typedef struct pollen_io {
    uint64_t iov;
    int64_t fd;
    int64_t result;
    int32_t iovcnt;
    int32_t op;
} pollen_io;

/* What the Java side writes by offset (IO_SIZE 32: iov at 0, fd at 8, result at 16, iovcnt at 24, op at 28). */
_Static_assert(sizeof(pollen_io) == 32, "pollen_io is 32 bytes");
_Static_assert(offsetof(pollen_io, fd) == 8, "pollen_io.fd at offset 8");
_Static_assert(offsetof(pollen_io, result) == 16, "pollen_io.result at offset 16");
_Static_assert(offsetof(pollen_io, iovcnt) == 24, "pollen_io.iovcnt at offset 24");
_Static_assert(offsetof(pollen_io, op) == 28, "pollen_io.op at offset 28");

typedef struct pollen_poller pollen_poller;

/* capacity: the number of events a single wait may return (the caller's buffer size). */
int pollen_poller_create(pollen_poller **out, int capacity);

/* op is POLLEN_CTL_*; interest is ignored for DEL. */
int pollen_poller_ctl(pollen_poller *p, int op, pollen_fd fd, uint32_t interest, uint64_t token);

/*
 * Waits for events and writes at most max of them into events. timeout_ns < 0 blocks until
 * an event or a wake-up, 0 polls. Returns the number of events written; a wake-up is
 * consumed here and never appears as an event. Timeouts are never rounded down. A wait a batch
 * started (POLLEN_IO_POLL) is finished here, and returns what it found.
 */
int pollen_poller_wait(pollen_poller *p, pollen_event *events, int max, int64_t timeout_ns);

/*
 * Makes count reads and writes, each on its own socket, with as few kernel entries as the backend
 * allows, and sets the result of each one it makes. The caller sets every result to
 * POLLEN_IO_NOT_MADE first: an operation still marked so after the call was not made (nothing was
 * moved) and is to be made the plain way. Returns 0 if every one was made (a POLLEN_IO_POLL the
 * backend cannot start aside), else the negative errno that stopped the rest: -ENOSYS, and none
 * made, without POLLEN_CAP_IO_BATCH; -EINVAL, and none made, for a POLLEN_IO_POLL that is not the
 * last record, an unknown operation, or a change pollen_poller_ctl would refuse with -EINVAL
 * whatever the descriptor. A call with count 0 prepares what batches need (0 if it could). Loop
 * thread only.
 */
int pollen_poller_io_batch(pollen_poller *p, pollen_io *ops, int count);

/* Interrupts a wait in progress (or the next one). Safe from any thread. */
int pollen_poller_wake(pollen_poller *p);

int pollen_poller_close(pollen_poller *p);

/* POLLEN_CAP_* bits of this backend on this host. */
uint32_t pollen_poller_capabilities(void);

/* Short backend name, e.g. "epoll". */
const char *pollen_poller_name(void);

#endif
