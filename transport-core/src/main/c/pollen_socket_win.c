/*
 * The Winsock socket layer (Windows, mingw-w64): every function of pollen_socket.h with
 * pollen_fd being a SOCKET. Errors go through the one Windows -> errno table
 * (pollen_errno_win.h), so callers see the same negative errno values as everywhere else,
 * as mingw-w64's errno.h numbers them.
 *
 * Socket handles cross JNI as a Java int: Windows keeps kernel handle values below 2^24
 * (and documents that they can be truncated to 32 bits for 32/64-bit interop), so a SOCKET
 * fits in a jint and survives the round trip.
 */
#ifdef _WIN32

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>

#include "pollen_errno_win.h"
#include "pollen_socket.h"

#ifndef IPV6_TCLASS
#define IPV6_TCLASS 39
#endif
#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif

/* No system limit exists for WSASend's buffer count; this bounds the array on the stack. */
#define POLLEN_WIN_IOV_MAX 1024

/* The caller's gathering array: struct iovec's layout, filled by Java (16 bytes a pair). */
typedef struct pollen_iov {
    void *base;
    size_t len;
} pollen_iov;

_Static_assert(sizeof(pollen_iov) == 16, "iovec pairs are 16 bytes");

/* WSAStartup, once per process, on first use; its failure is remembered and returned. */
static INIT_ONCE winsock_once = INIT_ONCE_STATIC_INIT;
static int winsock_error;

static BOOL CALLBACK winsock_start(PINIT_ONCE once, PVOID param, PVOID *context) {
    (void) once; (void) param; (void) context;
    WSADATA wsa;
    int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    winsock_error = rc == 0 ? 0 : -pollen_errno_from_win32((DWORD) rc);
    return TRUE;
}

static int winsock_init(void) {
    if (!InitOnceExecuteOnce(&winsock_once, winsock_start, NULL, NULL)) {
        return pollen_errno_last();
    }
    return winsock_error;
}

static int wsa_error(void) {
    return pollen_errno_last_wsa();
}

/* Family and type of a socket; works before bind, where getsockname fails on Windows. */
static int socket_kind(pollen_fd fd, int *family, int *type) {
    WSAPROTOCOL_INFOW info;
    int len = sizeof(info);
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *) &info, &len) == SOCKET_ERROR) {
        return wsa_error();
    }
    *family = info.iAddressFamily;
    *type = info.iSocketType;
    return 0;
}

/* Windows reports a UDP port unreachable as WSAECONNRESET on the next receive. */
static void udp_connreset(pollen_fd fd, BOOL report) {
    DWORD bytes = 0;
    /* Best effort: a provider without the control behaves like POSIX already. */
    WSAIoctl(fd, SIO_UDP_CONNRESET, &report, sizeof(report), NULL, 0, &bytes, NULL, NULL);
}

int pollen_socket_ipv6_supported(void) {
    static volatile LONG supported = -1;
    LONG known = supported;
    if (known >= 0) {
        return (int) known;
    }
    int ok = 0;
    if (winsock_init() == 0) {
        SOCKET s = WSASocketW(AF_INET6, SOCK_STREAM, IPPROTO_TCP, NULL, 0, 0);
        if (s != INVALID_SOCKET) {
            ok = 1;
            closesocket(s);
        }
    }
    /* Racing probes all find the same answer. */
    InterlockedExchange(&supported, ok);
    return ok;
}

static int new_socket(pollen_fd *out, int ipv6, int type, int protocol) {
    int rc = winsock_init();
    if (rc < 0) {
        return rc;
    }
    int family = ipv6 ? AF_INET6 : AF_INET;
    /* Overlapped like socket() makes them (AFD polls need nothing else); never inherited. */
    SOCKET s = WSASocketW(family, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
        /* Before Windows 7 SP1 the flag is unknown: clear inheritance on the handle instead. */
        s = WSASocketW(family, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED);
        if (s != INVALID_SOCKET) {
            SetHandleInformation((HANDLE) s, HANDLE_FLAG_INHERIT, 0);
        }
    }
    if (s == INVALID_SOCKET) {
        return wsa_error();
    }
    u_long on = 1;
    if (ioctlsocket(s, FIONBIO, &on) == SOCKET_ERROR) {
        rc = wsa_error();
        closesocket(s);
        return rc;
    }
    if (ipv6) {
        DWORD zero = 0;
        /* Dual stack: IPv4 peers appear as IPv4-mapped addresses. */
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *) &zero, sizeof(zero));
    }
    if (type == SOCK_DGRAM) {
        /* An unconnected POSIX UDP socket never hears of ICMP errors; connect turns them on. */
        udp_connreset(s, FALSE);
    }
    *out = s;
    return 0;
}

int pollen_socket_stream(pollen_fd *out, int ipv6) {
    return new_socket(out, ipv6, SOCK_STREAM, IPPROTO_TCP);
}

int pollen_socket_datagram(pollen_fd *out, int ipv6) {
    return new_socket(out, ipv6, SOCK_DGRAM, IPPROTO_UDP);
}

int pollen_socket_bind(pollen_fd fd, int ipv6, const uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = pollen_addr_to_sockaddr(ipv6, addr, &ss, &len);
    if (rc < 0) {
        return rc;
    }
    return bind(fd, (struct sockaddr *) &ss, len) == SOCKET_ERROR ? wsa_error() : 0;
}

int pollen_socket_listen(pollen_fd fd, int backlog) {
    return listen(fd, backlog) == SOCKET_ERROR ? wsa_error() : 0;
}

/*
 * POSIX reaches the local host through the unspecified address; Windows refuses it
 * (WSAEADDRNOTAVAIL). Connecting to loopback instead gives the POSIX result.
 */
static void unspecified_to_loopback(struct sockaddr_storage *ss) {
    if (ss->ss_family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *) ss;
        if (s4->sin_addr.s_addr == htonl(INADDR_ANY)) {
            s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        }
    } else if (ss->ss_family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) ss;
        static const uint8_t mapped_any[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0 };
        if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr)) {
            s6->sin6_addr.s6_addr[15] = 1;
        } else if (memcmp(&s6->sin6_addr, mapped_any, 16) == 0) {
            s6->sin6_addr.s6_addr[12] = 127;
            s6->sin6_addr.s6_addr[15] = 1;
        }
    }
}

int pollen_socket_connect(pollen_fd fd, int ipv6, const uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = pollen_addr_to_sockaddr(ipv6, addr, &ss, &len);
    if (rc < 0) {
        return rc;
    }
    unspecified_to_loopback(&ss);
    if (connect(fd, (struct sockaddr *) &ss, len) == 0) {
        int family = 0, type = 0;
        if (socket_kind(fd, &family, &type) == 0 && type == SOCK_DGRAM) {
            /* A connected POSIX UDP socket reports ICMP port unreachable: so does this one. */
            udp_connreset(fd, TRUE);
        }
        return 1;
    }
    /* A non-blocking connect in progress is WSAEWOULDBLOCK on Windows (EINPROGRESS on POSIX). */
    return WSAGetLastError() == WSAEWOULDBLOCK ? 0 : wsa_error();
}

/*
 * After the poller reports the socket writable or failed: SO_ERROR holds a failed connect's
 * reason; without one the socket is connected once it has a peer, and still connecting
 * while getpeername says WSAENOTCONN.
 */
int pollen_socket_finish_connect(pollen_fd fd) {
    int err = 0;
    int len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, (char *) &err, &len) == SOCKET_ERROR) {
        return wsa_error();
    }
    if (err != 0) {
        return -pollen_errno_from_win32((DWORD) err);
    }
    struct sockaddr_storage ss;
    int slen = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *) &ss, &slen) == 0) {
        return 1;
    }
    return WSAGetLastError() == WSAENOTCONN ? 0 : wsa_error();
}

int pollen_socket_accept(pollen_fd fd, pollen_fd *out, uint8_t *addr) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    SOCKET child = accept(fd, (struct sockaddr *) &ss, &len);
    if (child == INVALID_SOCKET) {
        return wsa_error();
    }
    /* The child inherits the listener's mode on Windows; set both anyway, as POSIX does. */
    u_long on = 1;
    if (ioctlsocket(child, FIONBIO, &on) == SOCKET_ERROR) {
        int rc = wsa_error();
        closesocket(child);
        return rc;
    }
    SetHandleInformation((HANDLE) child, HANDLE_FLAG_INHERIT, 0);
    pollen_addr_from_sockaddr(&ss, addr);
    *out = child;
    return 0;
}

int pollen_socket_local_address(pollen_fd fd, uint8_t *addr) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *) &ss, &len) == SOCKET_ERROR) {
        int rc = wsa_error();
        int family = 0, type = 0;
        /* An unbound socket has no name on Windows; POSIX reports the wildcard and port 0. */
        if (rc == -EINVAL && socket_kind(fd, &family, &type) == 0
                && (family == AF_INET || family == AF_INET6)) {
            memset(addr, 0, POLLEN_ADDR_SIZE);
            addr[0] = family == AF_INET ? 4 : 16;
            return 0;
        }
        return rc;
    }
    return pollen_addr_from_sockaddr(&ss, addr);
}

int pollen_socket_remote_address(pollen_fd fd, uint8_t *addr) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *) &ss, &len) == SOCKET_ERROR) {
        return wsa_error();
    }
    return pollen_addr_from_sockaddr(&ss, addr);
}

int pollen_socket_recv(pollen_fd fd, void *buf, int len) {
    if (len < 0) {
        return -EINVAL;
    }
    int n = recv(fd, (char *) buf, len, 0);
    if (n == SOCKET_ERROR) {
        /* After a local input shutdown Windows fails receives; POSIX reports end of stream. */
        return WSAGetLastError() == WSAESHUTDOWN ? 0 : wsa_error();
    }
    return n;
}

int pollen_socket_send(pollen_fd fd, const void *buf, int len) {
    if (len < 0) {
        return -EINVAL;
    }
    /* Windows raises no signal on a write to a reset connection: no flag needed. */
    int n = send(fd, (const char *) buf, len, 0);
    return n == SOCKET_ERROR ? wsa_error() : n;
}

int64_t pollen_socket_writev(pollen_fd fd, const void *iov, int count) {
    if (count < 0 || count > POLLEN_WIN_IOV_MAX || (iov == NULL && count > 0)) {
        return -EINVAL;
    }
    if (count == 0) {
        return 0;
    }
    const pollen_iov *in = (const pollen_iov *) iov;
    WSABUF bufs[POLLEN_WIN_IOV_MAX];
    DWORD n = 0;
    /* WSABUF lengths are 32-bit and WSASend counts in a DWORD: a write stops short of 2 GiB. */
    size_t room = INT_MAX;
    for (int i = 0; i < count && room > 0; i++) {
        size_t len = in[i].len < room ? in[i].len : room;
        bufs[n].buf = (CHAR *) in[i].base;
        bufs[n].len = (ULONG) len;
        room -= len;
        n++;
    }
    DWORD sent = 0;
    /* Without an OVERLAPPED the call completes (or fails with WSAEWOULDBLOCK) at once. */
    if (WSASend(fd, bufs, n, &sent, 0, NULL, NULL) == SOCKET_ERROR) {
        return wsa_error();
    }
    return (int64_t) sent;
}

int pollen_socket_shutdown(pollen_fd fd, int read, int write) {
    int how = read && write ? SD_BOTH : read ? SD_RECEIVE : SD_SEND;
    return shutdown(fd, how) == SOCKET_ERROR ? wsa_error() : 0;
}

int pollen_socket_close(pollen_fd fd) {
    return closesocket(fd) == SOCKET_ERROR ? wsa_error() : 0;
}

/* Maps a portable option id to level and name; 0 if Windows lacks it. */
static int is_ipv6(pollen_fd fd) {
    int family = 0, type = 0;
    return socket_kind(fd, &family, &type) == 0 && family == AF_INET6;
}

int pollen_socket_set_option(pollen_fd fd, int option, int value) {
    if (option == POLLEN_SO_LINGER) {
        struct linger l;
        if (value > USHRT_MAX) {
            return -EINVAL;
        }
        l.l_onoff = value >= 0;
        l.l_linger = (u_short) (value >= 0 ? value : 0);
        return setsockopt(fd, SOL_SOCKET, SO_LINGER, (const char *) &l, sizeof(l)) == SOCKET_ERROR ? wsa_error() : 0;
    }
    DWORD v = (DWORD) value;
    if (option == POLLEN_IP_TOS && is_ipv6(fd)) {
        /* IPv4 traffic of a dual-stack socket uses IP_TOS; IPv6 traffic uses the class. */
        setsockopt(fd, IPPROTO_IP, IP_TOS, (const char *) &v, sizeof(v));
        return setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, (const char *) &v, sizeof(v)) == SOCKET_ERROR
                ? wsa_error() : 0;
    }
    int level, name;
    if (!pollen_option_key(option, &level, &name)) {
        return -ENOPROTOOPT;
    }
    return setsockopt(fd, level, name, (const char *) &v, sizeof(v)) == SOCKET_ERROR ? wsa_error() : 0;
}

int pollen_socket_get_option(pollen_fd fd, int option, int *value) {
    if (option == POLLEN_SO_LINGER) {
        struct linger l;
        int len = sizeof(l);
        if (getsockopt(fd, SOL_SOCKET, SO_LINGER, (char *) &l, &len) == SOCKET_ERROR) {
            return wsa_error();
        }
        *value = l.l_onoff ? (int) l.l_linger : -1;
        return 0;
    }
    int level, name;
    if (option == POLLEN_IP_TOS && is_ipv6(fd)) {
        level = IPPROTO_IPV6;
        name = IPV6_TCLASS;
    } else if (!pollen_option_key(option, &level, &name)) {
        return -ENOPROTOOPT;
    }
    DWORD v = 0;
    int len = sizeof(v);
    if (getsockopt(fd, level, name, (char *) &v, &len) == SOCKET_ERROR) {
        return wsa_error();
    }
    /* Some BOOL options come back as a single byte. */
    *value = len == 1 ? (int) *(unsigned char *) &v : (int) v;
    return 0;
}

int pollen_socket_set_raw_option(pollen_fd fd, int level, int name, const void *value, int len) {
    if (len < 0) {
        return -EINVAL;
    }
    return setsockopt(fd, level, name, (const char *) value, len) == SOCKET_ERROR ? wsa_error() : 0;
}

int pollen_socket_get_raw_option(pollen_fd fd, int level, int name, void *value, int *len) {
    if (*len < 0) {
        return -EINVAL;
    }
    int l = *len;
    if (getsockopt(fd, level, name, (char *) value, &l) == SOCKET_ERROR) {
        return wsa_error();
    }
    *len = l;
    return 0;
}

/*
 * Not on Windows: file_fd is a C runtime descriptor, while TransmitFile needs a HANDLE and an
 * overlapped call. -ENOSYS, the answer of every platform without sendfile, makes the Java side
 * (PollenSocket.sendFile) fall back to copying the region through ordinary buffered writes.
 */
int64_t pollen_socket_sendfile(pollen_fd fd, int file_fd, int64_t offset, int64_t count) {
    (void) fd; (void) file_fd;
    if (offset < 0 || count < 0) {
        return -EINVAL;
    }
    return -ENOSYS;
}

/* RFC 2385 signatures are a Linux (and BSD) feature. */
int pollen_socket_set_md5sig(pollen_fd fd, int ipv6, const uint8_t *addr, const uint8_t *key, int keylen) {
    (void) fd; (void) ipv6; (void) addr; (void) key; (void) keylen;
    return -ENOPROTOOPT;
}

int pollen_socket_iov_max(void) {
    return POLLEN_WIN_IOV_MAX;
}

#endif /* _WIN32 */
