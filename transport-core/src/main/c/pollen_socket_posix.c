/* The POSIX socket layer (Linux, BSD, macOS). */
#ifndef _WIN32

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#ifdef __linux__
#include <sys/sendfile.h>
#include <sys/syscall.h>
#endif
#include <unistd.h>

#include "pollen_socket.h"
#include "pollen_errno.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

/* MSG_NOSIGNAL keeps a write to a reset connection from raising SIGPIPE in the JVM. */
#ifdef MSG_NOSIGNAL
#define POLLEN_SEND_FLAGS MSG_NOSIGNAL
#else
#define POLLEN_SEND_FLAGS 0
#endif

/*
 * Linux: the per-byte and per-connection calls go straight to the kernel through syscall(2).
 * glibc's recv, send, sendmsg and close are thread-cancellation points, and each call pays for
 * two atomic updates of the thread's cancellation state around the system call; nothing here is
 * ever cancelled.
 */
#if defined(__linux__) && defined(SYS_recvfrom) && defined(SYS_sendto) && defined(SYS_sendmsg) && defined(SYS_close)
#define POLLEN_RECV(fd, buf, len, flags) syscall(SYS_recvfrom, (fd), (buf), (len), (flags), NULL, NULL)
#define POLLEN_SEND(fd, buf, len, flags) syscall(SYS_sendto, (fd), (buf), (len), (flags), NULL, 0)
#define POLLEN_SENDMSG(fd, msg, flags) syscall(SYS_sendmsg, (fd), (msg), (flags))
#define POLLEN_CLOSE(fd) syscall(SYS_close, (fd))
#else
#define POLLEN_RECV(fd, buf, len, flags) recv((fd), (buf), (len), (flags))
#define POLLEN_SEND(fd, buf, len, flags) send((fd), (buf), (len), (flags))
#define POLLEN_SENDMSG(fd, msg, flags) sendmsg((fd), (msg), (flags))
#define POLLEN_CLOSE(fd) close(fd)
#endif

__attribute__((unused)) static int set_nonblock_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        return neg_errno();
    }
#ifdef SO_NOSIGPIPE
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
    return 0;
}

int pollen_socket_ipv6_supported(void) {
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0) {
        return 0;
    }
    close(fd);
    return 1;
}

static int new_socket(pollen_fd *out, int ipv6, int type) {
#ifdef SOCK_NONBLOCK
    int fd = socket(ipv6 ? AF_INET6 : AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return neg_errno();
    }
#else
    int fd = socket(ipv6 ? AF_INET6 : AF_INET, type, 0);
    if (fd < 0) {
        return neg_errno();
    }
    int rc = set_nonblock_cloexec(fd);
    if (rc < 0) {
        close(fd);
        return rc;
    }
#endif
    if (ipv6) {
        int zero = 0;
        /* Dual stack: IPv4 peers appear as IPv4-mapped addresses. */
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    }
    *out = fd;
    return 0;
}

int pollen_socket_stream(pollen_fd *out, int ipv6) {
    return new_socket(out, ipv6, SOCK_STREAM);
}

int pollen_socket_datagram(pollen_fd *out, int ipv6) {
    return new_socket(out, ipv6, SOCK_DGRAM);
}

int pollen_socket_bind(pollen_fd fd, int ipv6, const uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = pollen_addr_to_sockaddr(ipv6, addr, &ss, &len);
    if (rc < 0) {
        return rc;
    }
    return bind(fd, (struct sockaddr *) &ss, len) < 0 ? neg_errno() : 0;
}

int pollen_socket_listen(pollen_fd fd, int backlog) {
    return listen(fd, backlog) < 0 ? neg_errno() : 0;
}

int pollen_socket_connect(pollen_fd fd, int ipv6, const uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = pollen_addr_to_sockaddr(ipv6, addr, &ss, &len);
    if (rc < 0) {
        return rc;
    }
    do {
        rc = connect(fd, (struct sockaddr *) &ss, len);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        return 1;
    }
    return errno == EINPROGRESS ? 0 : neg_errno();
}

int pollen_socket_finish_connect(pollen_fd fd) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
        return neg_errno();
    }
    if (err != 0) {
        return -err;
    }
    /* Without a pending error the socket is connected once it has a peer. */
    struct sockaddr_storage ss;
    socklen_t slen = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *) &ss, &slen) == 0) {
        return 1;
    }
    return errno == ENOTCONN ? 0 : neg_errno();
}

int pollen_socket_accept(pollen_fd fd, pollen_fd *out, uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int child;
#if defined(__linux__) || defined(__FreeBSD__)
    do {
        child = accept4(fd, (struct sockaddr *) &ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (child < 0 && errno == EINTR);
    if (child < 0) {
        return neg_errno();
    }
#else
    do {
        child = accept(fd, (struct sockaddr *) &ss, &len);
    } while (child < 0 && errno == EINTR);
    if (child < 0) {
        return neg_errno();
    }
    int rc = set_nonblock_cloexec(child);
    if (rc < 0) {
        close(child);
        return rc;
    }
#endif
    pollen_addr_from_sockaddr(&ss, addr);
    *out = child;
    return 0;
}

int pollen_socket_local_address(pollen_fd fd, uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
        return neg_errno();
    }
    return pollen_addr_from_sockaddr(&ss, addr);
}

int pollen_socket_remote_address(pollen_fd fd, uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *) &ss, &len) < 0) {
        return neg_errno();
    }
    return pollen_addr_from_sockaddr(&ss, addr);
}

int pollen_socket_recv(pollen_fd fd, void *buf, int len) {
    if (len < 0) {
        return -EINVAL; /* as size_t it would let the kernel write past the buffer */
    }
    ssize_t n;
    do {
        n = POLLEN_RECV(fd, buf, (size_t) len, 0);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : (int) n;
}

int pollen_socket_send(pollen_fd fd, const void *buf, int len) {
    if (len < 0) {
        return -EINVAL;
    }
    ssize_t n;
    do {
        n = POLLEN_SEND(fd, buf, (size_t) len, POLLEN_SEND_FLAGS);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : (int) n;
}

int64_t pollen_socket_writev(pollen_fd fd, const void *iov, int count) {
    if (count < 0 || (iov == NULL && count > 0)) {
        return -EINVAL;
    }
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = (struct iovec *) iov;
    msg.msg_iovlen = (size_t) count;
    ssize_t n;
    do {
        n = POLLEN_SENDMSG(fd, &msg, POLLEN_SEND_FLAGS);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : (int64_t) n;
}

int pollen_socket_shutdown(pollen_fd fd, int read, int write) {
    int how = read && write ? SHUT_RDWR : read ? SHUT_RD : SHUT_WR;
    return shutdown(fd, how) < 0 ? neg_errno() : 0;
}

int pollen_socket_close(pollen_fd fd) {
    /* On Linux the descriptor is released even when close reports EINTR: never retry. */
    return POLLEN_CLOSE(fd) < 0 && errno != EINTR ? neg_errno() : 0;
}

/* The socket's address family (AF_INET, AF_INET6, AF_UNIX), or -1. */
static int socket_family(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
        return -1;
    }
    return ss.ss_family;
}

int pollen_socket_set_option(pollen_fd fd, int option, int value) {
    if (option == POLLEN_SO_LINGER) {
        struct linger l;
        l.l_onoff = value >= 0;
        l.l_linger = value >= 0 ? value : 0;
        return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) < 0 ? neg_errno() : 0;
    }
    if (option == POLLEN_IP_TOS && socket_family(fd) == AF_INET6) {
        /* IPv4 traffic of a dual-stack socket uses IP_TOS; IPv6 traffic uses the class. */
        setsockopt(fd, IPPROTO_IP, IP_TOS, &value, sizeof(value));
        return setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &value, sizeof(value)) < 0 ? neg_errno() : 0;
    }
    int level, name;
    if (!pollen_option_key(option, &level, &name)) {
        return -ENOPROTOOPT;
    }
    return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? neg_errno() : 0;
}

int pollen_socket_get_option(pollen_fd fd, int option, int *value) {
    if (option == POLLEN_SO_LINGER) {
        struct linger l;
        socklen_t len = sizeof(l);
        if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) < 0) {
            return neg_errno();
        }
        *value = l.l_onoff ? l.l_linger : -1;
        return 0;
    }
    int level, name;
    if (option == POLLEN_IP_TOS && socket_family(fd) == AF_INET6) {
        level = IPPROTO_IPV6;
        name = IPV6_TCLASS;
    } else if (!pollen_option_key(option, &level, &name)) {
        return -ENOPROTOOPT;
    }
    int v = 0;
    socklen_t len = sizeof(v);
    if (getsockopt(fd, level, name, &v, &len) < 0) {
        return neg_errno();
    }
    *value = v;
    return 0;
}

int pollen_socket_set_raw_option(pollen_fd fd, int level, int name, const void *value, int len) {
    if (len < 0) {
        return -EINVAL;
    }
    return setsockopt(fd, level, name, value, (socklen_t) len) < 0 ? neg_errno() : 0;
}

int pollen_socket_get_raw_option(pollen_fd fd, int level, int name, void *value, int *len) {
    if (*len < 0) {
        return -EINVAL;
    }
    socklen_t l = (socklen_t) *len;
    if (getsockopt(fd, level, name, value, &l) < 0) {
        return neg_errno();
    }
    *len = (int) l;
    return 0;
}

int64_t pollen_socket_sendfile(pollen_fd fd, int file_fd, int64_t offset, int64_t count) {
    if (offset < 0 || count < 0) {
        return -EINVAL;
    }
#if defined(__linux__)
    off_t off = (off_t) offset;
    ssize_t n;
    do {
        n = sendfile(fd, file_fd, &off, (size_t) count);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : (int64_t) n;
#elif defined(__FreeBSD__)
    /* FreeBSD: seven arguments, the bytes sent come back through sbytes even on EAGAIN. */
    off_t sbytes = 0;
    int rc = sendfile(file_fd, fd, (off_t) offset, (size_t) count, NULL, &sbytes, 0);
    if (rc < 0 && sbytes == 0) {
        return neg_errno();
    }
    return (int64_t) sbytes;
#elif defined(__APPLE__)
    /* macOS: six arguments, the length is in/out. */
    off_t len = (off_t) count;
    int rc = sendfile(file_fd, fd, (off_t) offset, &len, NULL, 0);
    if (rc < 0 && len == 0) {
        return neg_errno();
    }
    return (int64_t) len;
#else
    return -ENOSYS;
#endif
}

int pollen_socket_set_md5sig(pollen_fd fd, int ipv6, const uint8_t *addr, const uint8_t *key, int keylen) {
#if defined(__linux__) && defined(TCP_MD5SIG)
    struct tcp_md5sig sig;
    socklen_t len;
    if (keylen < 0 || keylen > TCP_MD5SIG_MAXKEYLEN) {
        return -EINVAL;
    }
    memset(&sig, 0, sizeof(sig));
    int rc = pollen_addr_to_sockaddr(ipv6, addr, &sig.tcpm_addr, &len);
    if (rc < 0) {
        return rc;
    }
    sig.tcpm_keylen = (uint16_t) keylen;
    memcpy(sig.tcpm_key, key, (size_t) keylen);
    return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig)) < 0 ? neg_errno() : 0;
#else
    return -ENOPROTOOPT;
#endif
}

const char *pollen_socket_strerror(int err) {
    return strerror(err);
}

int pollen_socket_iov_max(void) {
    long max = sysconf(_SC_IOV_MAX);
    return max > 0 && max < INT_MAX ? (int) max : IOV_MAX;
}

#endif /* !_WIN32 */
