/*
 * Unix domain sockets (POSIX only): addressing, peer credentials and descriptor passing.
 *
 * An address crosses the boundary as the raw bytes of sun_path and their count: a leading NUL
 * byte marks a Linux abstract name (the rest of the bytes, NULs included, are the name); any
 * other address is a file system path without its terminating NUL. An unnamed socket's address
 * has length 0.
 *
 * Every function returns >= 0 on success or a negative errno.
 */
#ifndef POLLEN_UNIX_H
#define POLLEN_UNIX_H

#include <stdint.h>

#include "pollen_socket.h"

#define POLLEN_UNIX_STREAM 1
#define POLLEN_UNIX_DGRAM  2

/* Capacity of sun_path: the longest abstract address; a path must be shorter by one. */
int pollen_unix_path_max(void);

/* A non-blocking, close-on-exec AF_UNIX socket of the given POLLEN_UNIX_* type. */
int pollen_unix_socket(pollen_fd *out, int type);

/* Both ends of a connected pair, for tests and for callers that need one. */
int pollen_unix_socketpair(pollen_fd out[2], int type);

/* -ENAMETOOLONG if the address does not fit, -EINVAL if it is empty or a path holds a NUL. */
int pollen_unix_bind(pollen_fd fd, const uint8_t *addr, int len);
/* 1: connected, 0: in progress; a full listen backlog is -EAGAIN, as the kernel reports it. */
int pollen_unix_connect(pollen_fd fd, const uint8_t *addr, int len);

/* Write at most cap bytes of the address into addr; return its length. */
int pollen_unix_local_address(pollen_fd fd, uint8_t *addr, int cap);
int pollen_unix_remote_address(pollen_fd fd, uint8_t *addr, int cap);

/*
 * The connected peer's credentials. *pid is -1 where the platform does not report it; up to
 * gids_cap supplementary group ids are written (the primary group first). Returns the number of
 * group ids written.
 */
int pollen_unix_peer_credentials(pollen_fd fd, int32_t *pid, uint32_t *uid, uint32_t *gids, int gids_cap);

/* Sends one descriptor with a single data byte (stream sockets need one). 1 when sent. */
int pollen_unix_send_fd(pollen_fd fd, int fd_to_send);

/*
 * Receives one message of at most one data byte and the descriptors passed with it: up to max
 * are written to fds (close-on-exec) and their count to *count; extra descriptors are closed.
 * *lost is set to 1 when the peer sent descriptors that are not delivered (more than max, or more
 * than the control buffer holds: the kernel cuts them, MSG_CTRUNC), else 0.
 * Returns the number of data bytes read: 0 is end of stream.
 */
int pollen_unix_recv_fds(pollen_fd fd, int *fds, int max, int *count, int *lost);

/* Added by the JNI glue to recvFds' result when descriptors were lost (see pollen_unix_recv_fds). */
#define POLLEN_UNIX_FDS_LOST 0x10000

/* Datagrams: send to addr (len 0: the connected peer); receive with the sender's address. */
int pollen_unix_sendto(pollen_fd fd, const void *buf, int len, const uint8_t *addr, int addr_len);
int pollen_unix_recvfrom(pollen_fd fd, void *buf, int len, uint8_t *addr, int addr_cap, int *addr_len);

/* Plain descriptors, for passing pipes and files around: a close-on-exec pipe, read, write. */
int pollen_unix_pipe(int out[2]);
int pollen_unix_read(int fd, void *buf, int len);
int pollen_unix_write(int fd, const void *buf, int len);
int pollen_unix_close(int fd);

#endif
