/* What the epoll backend shares with the raw epoll binding (pollen_linux_fds.c). */
#ifndef POLLEN_EPOLL_H
#define POLLEN_EPOLL_H

#include <stdint.h>
#include <sys/epoll.h>

/*
 * epoll_wait with a timeout in nanoseconds: < 0 blocks, 0 polls. epoll_pwait2 where the kernel has
 * it, else milliseconds rounded up (never down). Returns the count, or -1 with errno set.
 */
int pollen_epoll_wait_ns(int epfd, struct epoll_event *events, int max, int64_t timeout_ns);

#endif
