/*
 * Linux's own descriptors for dev.pollen.poller.linux: epoll as the kernel offers it (every flag,
 * the caller's 64-bit data), inotify, pidfd, eventfd and timerfd. Every call returns >= 0 or a
 * negative errno; every descriptor is created non-blocking and close-on-exec.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "pollen_epoll.h"
#include "pollen_errno.h"
#include "pollen_linux.h"

/* The layout Java reads: 16 bytes per event, data at 0, events at 8 (epoll_event is packed on x86_64). */
_Static_assert(sizeof(struct epoll_event) <= 16, "epoll_event fits a 16-byte record");

int pollen_linux_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? neg_errno() : fd;
}

int pollen_linux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev = { .events = events, .data.u64 = data };
    return epoll_ctl(epfd, op, fd, &ev) < 0 ? neg_errno() : 0;
}

int pollen_linux_epoll_wait(int epfd, void *records, int max, int64_t timeout_ns) {
    if (max <= 0 || records == NULL) {
        return -EINVAL;
    }
    /* The kernel writes its epoll_events at the start of the buffer; they are widened in place. */
    struct epoll_event *events = records;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t start = (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
    int64_t left = timeout_ns;
    int n;
    /* A timed wait a signal interrupts waits again for the time left: it never ends early. */
    while ((n = pollen_epoll_wait_ns(epfd, events, max, left)) < 0 && errno == EINTR && timeout_ns > 0) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        left = timeout_ns - ((int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec - start);
        if (left <= 0) {
            return 0;
        }
    }
    if (n < 0) {
        return errno == EINTR ? 0 : neg_errno(); /* a wait without timeout ends with the signal */
    }
    /* Last to first: record i starts at or after event i, and after every event before it. */
    for (int i = n - 1; i >= 0; i--) {
        struct epoll_event ev;
        memcpy(&ev, (char *) records + (size_t) i * sizeof(struct epoll_event), sizeof(ev));
        uint64_t data = ev.data.u64;
        uint32_t bits = ev.events;
        uint32_t zero = 0;
        char *record = (char *) records + (size_t) i * 16;
        memcpy(record, &data, 8);
        memcpy(record + 8, &bits, 4);
        memcpy(record + 12, &zero, 4);
    }
    return n;
}

int pollen_linux_inotify_init(void) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    return fd < 0 ? neg_errno() : fd;
}

int pollen_linux_inotify_add_watch(int fd, const char *path, uint32_t mask) {
    int wd = inotify_add_watch(fd, path, mask);
    return wd < 0 ? neg_errno() : wd;
}

int pollen_linux_inotify_rm_watch(int fd, int wd) {
    return inotify_rm_watch(fd, wd) < 0 ? neg_errno() : 0;
}

int pollen_linux_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    if (pid <= 0) {
        return -EINVAL;
    }
    /* pidfd_open(2) descriptors are always close-on-exec; PIDFD_NONBLOCK only affects waitid. */
    long fd = syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? neg_errno() : (int) fd;
#else
    return -ENOSYS;
#endif
}

int pollen_linux_eventfd(uint32_t initial, int semaphore) {
    int fd = eventfd(initial, EFD_NONBLOCK | EFD_CLOEXEC | (semaphore ? EFD_SEMAPHORE : 0));
    return fd < 0 ? neg_errno() : fd;
}

int pollen_linux_timerfd_create(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    return fd < 0 ? neg_errno() : fd;
}

int pollen_linux_timerfd_settime(int fd, int64_t initial_ns, int64_t interval_ns) {
    if (initial_ns < 0 || interval_ns < 0) {
        return -EINVAL;
    }
    struct itimerspec spec = {
        .it_value = { .tv_sec = initial_ns / 1000000000, .tv_nsec = initial_ns % 1000000000 },
        .it_interval = { .tv_sec = interval_ns / 1000000000, .tv_nsec = interval_ns % 1000000000 },
    };
    return timerfd_settime(fd, 0, &spec, NULL) < 0 ? neg_errno() : 0;
}

int pollen_linux_read_counter(int fd, uint64_t *value) {
    ssize_t n;
    do {
        n = read(fd, value, sizeof(*value));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return neg_errno();
    }
    return n == (ssize_t) sizeof(*value) ? 0 : -EIO;
}

int pollen_linux_write_counter(int fd, uint64_t value) {
    ssize_t n;
    do {
        n = write(fd, &value, sizeof(value));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return neg_errno();
    }
    return n == (ssize_t) sizeof(value) ? 0 : -EIO;
}

/* The values LinuxEpoll and LinuxDescriptors write down in Java, in their order (checked by a test). */
static const int32_t constants[] = {
    EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLRDBAND, EPOLLWRNORM,
    EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP, (int32_t) EPOLLEXCLUSIVE, (int32_t) EPOLLWAKEUP,
    (int32_t) EPOLLONESHOT, (int32_t) EPOLLET, EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL,
    IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN, IN_MOVED_FROM,
    IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF, IN_UNMOUNT, IN_Q_OVERFLOW,
    IN_IGNORED, IN_ONLYDIR, IN_DONT_FOLLOW, IN_EXCL_UNLINK, IN_MASK_ADD, (int32_t) IN_ISDIR,
    (int32_t) IN_ONESHOT,
};

const int32_t *pollen_linux_constants(int *count) {
    *count = (int) (sizeof(constants) / sizeof(constants[0]));
    return constants;
}
