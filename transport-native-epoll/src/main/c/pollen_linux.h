/* Linux-only features of the epoll transport. Every call returns >= 0 or a negative errno. */
#ifndef POLLEN_LINUX_H
#define POLLEN_LINUX_H

#include <stdint.h>

/* A non-blocking, close-on-exec pipe. */
int pollen_linux_pipe(int fds[2]);

/* Moves up to len bytes between descriptors (one a pipe); an offset < 0 means "current position". */
int64_t pollen_linux_splice(int fd_in, int64_t off_in, int fd_out, int64_t off_out, int64_t len);

int pollen_linux_close(int fd);

/* Fills out with the 32 TCP_INFO fields EpollTcpInfo names, in its order; returns the count. */
int pollen_linux_tcp_info(int fd, int64_t *out, int count);

/* Raw epoll: waits write 16-byte records (data at 0, events at 8) at records; see pollen_linux_fds.c. */
int pollen_linux_epoll_create(void);
int pollen_linux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
int pollen_linux_epoll_wait(int epfd, void *records, int max, int64_t timeout_ns);

int pollen_linux_inotify_init(void);
int pollen_linux_inotify_add_watch(int fd, const char *path, uint32_t mask);
int pollen_linux_inotify_rm_watch(int fd, int wd);
int pollen_linux_pidfd_open(int pid);
int pollen_linux_eventfd(uint32_t initial, int semaphore);
int pollen_linux_timerfd_create(void);
int pollen_linux_timerfd_settime(int fd, int64_t initial_ns, int64_t interval_ns);
/* 8-byte reads and writes of an eventfd or timerfd counter. */
int pollen_linux_read_counter(int fd, uint64_t *value);
int pollen_linux_write_counter(int fd, uint64_t value);

/* The EPOLL*, EPOLL_CTL_* and IN_* values, in the order Java declares them. */
const int32_t *pollen_linux_constants(int *count);

#endif
