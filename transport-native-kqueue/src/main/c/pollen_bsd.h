/*
 * What only macOS and FreeBSD have, beyond the shared socket layer (pollen_socket.h). Every
 * function compiles everywhere; where the OS lacks the feature it returns -ENOPROTOOPT (an
 * option) or -EOPNOTSUPP (a call). None of it can be exercised on Linux, even through the
 * kqueue emulation: it is compile-checked there only.
 */
#ifndef POLLEN_BSD_H
#define POLLEN_BSD_H

#include <stdint.h>

#include "pollen_socket.h"

/* Longest accept filter name and argument, NUL included (FreeBSD struct accept_filter_arg). */
#define POLLEN_ACCEPT_FILTER_NAME_MAX 16
#define POLLEN_ACCEPT_FILTER_ARG_MAX 240

/* FreeBSD SO_ACCEPTFILTER on a listening socket; an empty name removes the filter. */
int pollen_bsd_set_accept_filter(pollen_fd fd, const char *name, const char *arg);
/*
 * The installed filter into name/arg (POLLEN_ACCEPT_FILTER_*_MAX bytes each); 1 if one is
 * installed, 0 if none.
 */
int pollen_bsd_get_accept_filter(pollen_fd fd, char *name, char *arg);

/* macOS LOCAL_PEERPID: the process id of a connected Unix domain socket's peer. */
int pollen_bsd_peer_pid(pollen_fd fd, int *pid);

/*
 * macOS TCP fast open: connectx(2) to addr (the 24-byte form) sending the first len bytes of
 * data with the SYN. Returns the bytes accepted (the connect completes later, as for a
 * non-blocking connect) or a negative errno.
 */
int64_t pollen_bsd_connectx(pollen_fd fd, int ipv6, const uint8_t *addr, const void *data, int len);

/*
 * The host's TCP fast open settings from sysctl: bit 0x1 clients may send data with the SYN,
 * bit 0x2 listeners accept it. macOS: net.inet.tcp.fastopen; FreeBSD:
 * net.inet.tcp.fastopen.client_enable and .server_enable.
 */
int pollen_bsd_fastopen_mode(void);

#endif
