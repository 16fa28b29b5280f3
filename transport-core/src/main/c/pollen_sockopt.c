/*
 * The portable option ids of pollen_socket.h to a (level, name) pair: one table for POSIX and
 * Winsock. An option the platform's headers do not name is left out, so the setter and getter
 * answer -ENOPROTOOPT for it.
 */
#ifndef _WIN32
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>
#endif

#include "pollen_socket.h"

#ifdef _WIN32
/* Windows 10 1709+ keep-alive names, in seconds as on Linux (ws2ipdef.h); older mingw-w64 headers lack them. */
#ifndef TCP_KEEPALIVE
#define TCP_KEEPALIVE 3
#endif
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE TCP_KEEPALIVE
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif
/*
 * TCP_USER_TIMEOUT stays out on Windows even if a header names it: TCP_MAXRT counts whole
 * seconds, not milliseconds.
 */
#undef TCP_USER_TIMEOUT
#endif

int pollen_option_key(int option, int *level, int *name) {
    switch (option) {
    case POLLEN_SO_KEEPALIVE: *level = SOL_SOCKET; *name = SO_KEEPALIVE; return 1;
    case POLLEN_SO_REUSEADDR: *level = SOL_SOCKET; *name = SO_REUSEADDR; return 1;
#ifdef SO_REUSEPORT
    case POLLEN_SO_REUSEPORT: *level = SOL_SOCKET; *name = SO_REUSEPORT; return 1;
#endif
#ifdef SO_EXCLUSIVEADDRUSE
    case POLLEN_SO_EXCLUSIVEADDRUSE: *level = SOL_SOCKET; *name = SO_EXCLUSIVEADDRUSE; return 1;
#endif
    case POLLEN_SO_RCVBUF: *level = SOL_SOCKET; *name = SO_RCVBUF; return 1;
    case POLLEN_SO_SNDBUF: *level = SOL_SOCKET; *name = SO_SNDBUF; return 1;
    case POLLEN_SO_BROADCAST: *level = SOL_SOCKET; *name = SO_BROADCAST; return 1;
    case POLLEN_TCP_NODELAY: *level = IPPROTO_TCP; *name = TCP_NODELAY; return 1;
    case POLLEN_IP_TOS: *level = IPPROTO_IP; *name = IP_TOS; return 1;
#ifdef TCP_KEEPIDLE
    case POLLEN_TCP_KEEPIDLE: *level = IPPROTO_TCP; *name = TCP_KEEPIDLE; return 1;
#elif defined(TCP_KEEPALIVE)
    case POLLEN_TCP_KEEPIDLE: *level = IPPROTO_TCP; *name = TCP_KEEPALIVE; return 1;
#endif
#ifdef TCP_KEEPINTVL
    case POLLEN_TCP_KEEPINTVL: *level = IPPROTO_TCP; *name = TCP_KEEPINTVL; return 1;
#endif
#ifdef TCP_KEEPCNT
    case POLLEN_TCP_KEEPCNT: *level = IPPROTO_TCP; *name = TCP_KEEPCNT; return 1;
#endif
#ifdef TCP_USER_TIMEOUT
    case POLLEN_TCP_USER_TIMEOUT: *level = IPPROTO_TCP; *name = TCP_USER_TIMEOUT; return 1;
#endif
    case POLLEN_IPV6_V6ONLY: *level = IPPROTO_IPV6; *name = IPV6_V6ONLY; return 1;
#ifdef __linux__
    case POLLEN_TCP_CORK: *level = IPPROTO_TCP; *name = TCP_CORK; return 1;
    case POLLEN_TCP_QUICKACK: *level = IPPROTO_TCP; *name = TCP_QUICKACK; return 1;
    case POLLEN_TCP_NOTSENT_LOWAT: *level = IPPROTO_TCP; *name = TCP_NOTSENT_LOWAT; return 1;
    case POLLEN_TCP_DEFER_ACCEPT: *level = IPPROTO_TCP; *name = TCP_DEFER_ACCEPT; return 1;
    case POLLEN_TCP_FASTOPEN: *level = IPPROTO_TCP; *name = TCP_FASTOPEN; return 1;
    case POLLEN_TCP_FASTOPEN_CONNECT: *level = IPPROTO_TCP; *name = TCP_FASTOPEN_CONNECT; return 1;
    case POLLEN_IP_BIND_ADDRESS_NO_PORT: *level = IPPROTO_IP; *name = IP_BIND_ADDRESS_NO_PORT; return 1;
    case POLLEN_SO_BUSY_POLL: *level = SOL_SOCKET; *name = SO_BUSY_POLL; return 1;
    case POLLEN_IP_FREEBIND: *level = IPPROTO_IP; *name = IP_FREEBIND; return 1;
    case POLLEN_IP_TRANSPARENT: *level = IPPROTO_IP; *name = IP_TRANSPARENT; return 1;
#endif
#if defined(__APPLE__) || defined(__FreeBSD__)
    case POLLEN_TCP_NOPUSH: *level = IPPROTO_TCP; *name = TCP_NOPUSH; return 1;
    case POLLEN_SO_SNDLOWAT: *level = SOL_SOCKET; *name = SO_SNDLOWAT; return 1;
#endif
    default: return 0;
    }
}
