/*
 * What the epoll backend shares with its io_uring (pollen_uring.c) and the raw epoll binding
 * (pollen_linux_fds.c).
 */
#ifndef POLLEN_EPOLL_H
#define POLLEN_EPOLL_H

#include <stdint.h>
#include <sys/epoll.h>

/*
 * epoll_wait with a timeout in nanoseconds: < 0 blocks, 0 polls. epoll_pwait2 where the kernel has
 * it, else milliseconds rounded up (never down). Returns the count, or -1 with errno set.
 */
int pollen_epoll_wait_ns(int epfd, struct epoll_event *events, int max, int64_t timeout_ns);

/* The epoll events that ask for a POLLEN_INTEREST_* set. */
uint32_t pollen_epoll_interest(uint32_t interest);

#endif
