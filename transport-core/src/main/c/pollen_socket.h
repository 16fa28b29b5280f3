/*
 * The socket layer under every transport. This is the POSIX variant's contract; a Winsock
 * variant implements the same functions with pollen_fd being a SOCKET.
 *
 * Every function returns >= 0 on success or a negative errno.
 */
#ifndef POLLEN_SOCKET_H
#define POLLEN_SOCKET_H

#include <stdint.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
typedef SOCKET pollen_fd;
#else
#include <sys/socket.h>
typedef int pollen_fd;
#endif

/*
 * Socket addresses cross the boundary in a fixed 24-byte form:
 * [0] address length (4 or 16), [1..16] address bytes, [17..18] port (big endian),
 * [19] unused, [20..23] IPv6 scope id (big endian).
 */
#define POLLEN_ADDR_SIZE 24

/* Portable option ids; each platform maps them to its own level and name. */
enum pollen_option {
    POLLEN_SO_KEEPALIVE = 1,
    POLLEN_SO_REUSEADDR,
    POLLEN_SO_REUSEPORT,
    POLLEN_SO_RCVBUF,
    POLLEN_SO_SNDBUF,
    POLLEN_SO_LINGER,      /* value < 0 disables lingering */
    POLLEN_SO_BROADCAST,
    POLLEN_TCP_NODELAY,
    POLLEN_IP_TOS,         /* also IPV6_TCLASS on IPv6 sockets */
    POLLEN_TCP_KEEPIDLE,
    POLLEN_TCP_KEEPINTVL,
    POLLEN_TCP_KEEPCNT,
    POLLEN_TCP_USER_TIMEOUT,
    POLLEN_IPV6_V6ONLY,
    /* Linux-only so far: -ENOPROTOOPT elsewhere. */
    POLLEN_TCP_CORK,
    POLLEN_TCP_QUICKACK,
    POLLEN_TCP_NOTSENT_LOWAT,
    POLLEN_TCP_DEFER_ACCEPT,
    POLLEN_TCP_FASTOPEN,          /* listener's queue length */
    POLLEN_TCP_FASTOPEN_CONNECT,
    POLLEN_IP_BIND_ADDRESS_NO_PORT,
    POLLEN_SO_BUSY_POLL,
    POLLEN_IP_FREEBIND,
    POLLEN_IP_TRANSPARENT,
    /* macOS and FreeBSD only: -ENOPROTOOPT elsewhere (Linux cannot set SO_SNDLOWAT). */
    POLLEN_TCP_NOPUSH,
    POLLEN_SO_SNDLOWAT,
    /* Windows only: -ENOPROTOOPT elsewhere. */
    POLLEN_SO_EXCLUSIVEADDRUSE,
    POLLEN_OPTION_MAX
};

/* Returns 1 if IPv6 sockets can be created on this host, 0 otherwise. */
int pollen_socket_ipv6_supported(void);

/* A non-blocking, close-on-exec TCP socket; ipv6 sockets are dual stack. */
int pollen_socket_stream(pollen_fd *out, int ipv6);

/* A non-blocking, close-on-exec UDP socket; ipv6 sockets are dual stack. */
int pollen_socket_datagram(pollen_fd *out, int ipv6);

/*
 * The 24-byte form to a sockaddr for a socket of the given family (IPv4 on an IPv6 socket
 * becomes IPv4-mapped), and back (IPv4-mapped comes back as IPv4).
 */
int pollen_addr_to_sockaddr(int ipv6, const uint8_t *addr, struct sockaddr_storage *ss, socklen_t *len);
int pollen_addr_from_sockaddr(const struct sockaddr_storage *ss, uint8_t *addr);

/* The (level, name) of a portable option id on this platform: 1, or 0 if it has none. */
int pollen_option_key(int option, int *level, int *name);

int pollen_socket_bind(pollen_fd fd, int ipv6, const uint8_t *addr);
int pollen_socket_listen(pollen_fd fd, int backlog);
/* 1: connected, 0: in progress. */
int pollen_socket_connect(pollen_fd fd, int ipv6, const uint8_t *addr);
/* 1: connected, 0: still in progress; a failure is the connect's own errno. */
int pollen_socket_finish_connect(pollen_fd fd);
/* Returns the accepted (non-blocking) socket in *out and the peer's address in addr. */
int pollen_socket_accept(pollen_fd fd, pollen_fd *out, uint8_t *addr);
int pollen_socket_local_address(pollen_fd fd, uint8_t *addr);
int pollen_socket_remote_address(pollen_fd fd, uint8_t *addr);

/* 0 from recv means end of stream. */
int pollen_socket_recv(pollen_fd fd, void *buf, int len);
int pollen_socket_send(pollen_fd fd, const void *buf, int len);

/* A gathering write from an array of { void *base; size_t len; } pairs (struct iovec). */
int64_t pollen_socket_writev(pollen_fd fd, const void *iov, int count);

int pollen_socket_shutdown(pollen_fd fd, int read, int write);
int pollen_socket_close(pollen_fd fd);

int pollen_socket_set_option(pollen_fd fd, int option, int value);
int pollen_socket_get_option(pollen_fd fd, int option, int *value);

/* Any option by the platform's own level and name, as raw bytes (*len: in capacity, out size). */
int pollen_socket_set_raw_option(pollen_fd fd, int level, int name, const void *value, int len);
int pollen_socket_get_raw_option(pollen_fd fd, int level, int name, void *value, int *len);

/*
 * Copies up to count bytes of the file at file_fd, starting at offset, to the socket without
 * passing through user space; returns the bytes sent (0 when the socket buffer is full is -EAGAIN).
 */
int64_t pollen_socket_sendfile(pollen_fd fd, int file_fd, int64_t offset, int64_t count);

/* RFC 2385 signature key for a peer (addr in the 24-byte form); an empty key removes it. */
int pollen_socket_set_md5sig(pollen_fd fd, int ipv6, const uint8_t *addr, const uint8_t *key, int keylen);

/* Largest iovec count a single gathering write accepts. */
int pollen_socket_iov_max(void);

/*
 * A message for a positive errno value of this platform, worded as on Linux; never NULL. (The
 * Windows C runtime's strerror knows only the oldest values: "Unknown error" for the network ones.)
 */
const char *pollen_socket_strerror(int err);

#endif
