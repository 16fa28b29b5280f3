/* Linux-only socket features of the epoll transport. Every call returns >= 0 or a negative errno. */
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

#endif
