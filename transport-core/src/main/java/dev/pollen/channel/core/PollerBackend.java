package dev.pollen.channel.core;

/**
 * The backend contract in Java: one implementation per poller (epoll, kqueue, wepoll), each a thin
 * binding of pollen_poller.h. Every method returns a non-negative result or a negative errno.
 * {@link PollenIoHandler} is the only caller; it calls ctl, wait and close on its loop thread.
 */
public interface PollerBackend {
    int CTL_ADD = 1;
    int CTL_MOD = 2;
    int CTL_DEL = 3;

    int CAP_LEVEL = 0x1;
    int CAP_ONESHOT = 0x2;
    int CAP_READ_CLOSED = 0x8;
    int CAP_NANO_TIMEOUT = 0x10;
    /** Closing a descriptor nothing else holds ends its registration: no DEL is needed first. */
    int CAP_CLOSE_REMOVES = 0x20;
    /** Urgent data is watched: {@link Readiness#INTEREST_PRIORITY} accepted, {@link Readiness#PRIORITY} reported. */
    int CAP_PRIORITY = 0x40;
    /**
     * {@link #ioBatch} makes many sockets' reads and writes, and registration changes, in one kernel
     * entry (epoll: through io_uring).
     */
    int CAP_IO_BATCH = 0x80;
    /**
     * A batch may end with the loop's next wait (IoBatch's poll record), made in the batch's own kernel
     * entry (epoll: IORING_OP_EPOLL_WAIT, Linux 6.15+); the next {@link #wait} returns what it found.
     */
    int CAP_IO_BATCH_POLL = 0x100;

    /** Short name, e.g. "epoll". */
    String name();

    /** CAP_* bits of this backend on this host. */
    int capabilities();

    /** A new poller whose waits return at most {@code capacity} events; its handle or a negative errno. */
    long create(int capacity);

    int ctl(long poller, int op, int fd, int interest, long token);

    /**
     * Waits for events, writing at most {@code max} 16-byte records (token, ready bits) at
     * {@code eventsAddress}; {@code timeoutNanos < 0} blocks, 0 polls. Returns the count.
     */
    int wait(long poller, long eventsAddress, int max, long timeoutNanos);

    /**
     * Makes {@code count} socket reads and gathering writes described by 32-byte records at
     * {@code opsAddress} (pollen_io, see IoBatch), each non-blocking, and sets the result of each
     * one made; a record whose result is still NOT_MADE moved nothing. Returns 0 if every one was
     * made, else the negative errno that stopped the rest (-ENOSYS, none made, without
     * {@link #CAP_IO_BATCH}); a count of 0 prepares what batches need. A last poll record starts
     * the next wait (result 0), or is left NOT_MADE without {@link #CAP_IO_BATCH_POLL}. A change
     * record is made as {@link #ctl} makes it (result 0 or its negative errno), in record order.
     */
    int ioBatch(long poller, long opsAddress, int count);

    /** Interrupts a wait in progress or the next one; callable from any thread. */
    int wake(long poller);

    int close(long poller);

    /** The backend's own flag names for an interest set, e.g. {@code EPOLLIN|EPOLLRDHUP}. */
    String nativeInterestNames(int interest);
}
