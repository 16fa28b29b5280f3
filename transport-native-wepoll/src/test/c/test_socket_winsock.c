/*
 * TEST SUPPORT ONLY: the part of pollen_socket.h that the poller tests use, over Winsock.
 * It lets transport-core's test_poller.c run unchanged against the wepoll backend; the
 * transport's real Winsock socket layer (every function of pollen_socket.h) is still to be
 * written and must not grow out of this file.
 */
#include <errno.h>
#include <string.h>

#include "pollen_errno.h"
#include "pollen_socket.h"

static void test_socket_startup(void) {
    static int started;
    WSADATA wsa;
    if (!started && WSAStartup(MAKEWORD(2, 2), &wsa) == 0) {
        started = 1;
    }
}

int pollen_socket_ipv6_supported(void) {
    return 1;
}

int pollen_socket_stream(pollen_fd *out, int ipv6) {
    test_socket_startup();
    SOCKET s = WSASocketW(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                          WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) {
        return pollen_errno_last_wsa();
    }
    u_long on = 1;
    if (ioctlsocket(s, FIONBIO, &on) == SOCKET_ERROR) {
        int rc = pollen_errno_last_wsa();
        closesocket(s);
        return rc;
    }
    *out = s;
    return 0;
}

int pollen_addr_to_sockaddr(int ipv6, const uint8_t *addr, struct sockaddr_storage *ss, socklen_t *len) {
    memset(ss, 0, sizeof(*ss));
    if (!ipv6 && addr[0] == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *) ss;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, addr + 1, 4);
        memcpy(&sin->sin_port, addr + 17, 2);
        *len = sizeof(*sin);
        return 0;
    }
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
    sin6->sin6_family = AF_INET6;
    if (addr[0] == 4) {
        sin6->sin6_addr.s6_addr[10] = 0xff;
        sin6->sin6_addr.s6_addr[11] = 0xff;
        memcpy(&sin6->sin6_addr.s6_addr[12], addr + 1, 4);
    } else {
        memcpy(&sin6->sin6_addr, addr + 1, 16);
    }
    memcpy(&sin6->sin6_port, addr + 17, 2);
    *len = sizeof(*sin6);
    return 0;
}

int pollen_addr_from_sockaddr(const struct sockaddr_storage *ss, uint8_t *addr) {
    memset(addr, 0, POLLEN_ADDR_SIZE);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
        addr[0] = 4;
        memcpy(addr + 1, &sin->sin_addr, 4);
        memcpy(addr + 17, &sin->sin_port, 2);
        return 0;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;
        addr[0] = 16;
        memcpy(addr + 1, &sin6->sin6_addr, 16);
        memcpy(addr + 17, &sin6->sin6_port, 2);
        return 0;
    }
    return -EAFNOSUPPORT;
}

int pollen_socket_bind(pollen_fd fd, int ipv6, const uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    pollen_addr_to_sockaddr(ipv6, addr, &ss, &len);
    return bind(fd, (struct sockaddr *) &ss, len) == SOCKET_ERROR ? pollen_errno_last_wsa() : 0;
}

int pollen_socket_listen(pollen_fd fd, int backlog) {
    return listen(fd, backlog) == SOCKET_ERROR ? pollen_errno_last_wsa() : 0;
}

int pollen_socket_connect(pollen_fd fd, int ipv6, const uint8_t *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    pollen_addr_to_sockaddr(ipv6, addr, &ss, &len);
    if (connect(fd, (struct sockaddr *) &ss, len) == 0) {
        return 1;
    }
    int rc = pollen_errno_last_wsa();
    return rc == -EAGAIN || rc == -EINPROGRESS ? 0 : rc;
}

int pollen_socket_finish_connect(pollen_fd fd) {
    fd_set w, x;
    struct timeval zero = { 0, 0 };
    FD_ZERO(&w);
    FD_ZERO(&x);
    FD_SET(fd, &w);
    FD_SET(fd, &x);
    if (select(0, NULL, &w, &x, &zero) == SOCKET_ERROR) {
        return pollen_errno_last_wsa();
    }
    if (FD_ISSET(fd, &x)) {
        int err = 0;
        int len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, (char *) &err, &len) == SOCKET_ERROR) {
            return pollen_errno_last_wsa();
        }
        return -pollen_errno_from_win32((DWORD) (err != 0 ? err : WSAECONNREFUSED));
    }
    return FD_ISSET(fd, &w) ? 1 : 0;
}

int pollen_socket_accept(pollen_fd fd, pollen_fd *out, uint8_t *addr) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    SOCKET s = accept(fd, (struct sockaddr *) &ss, &len);
    if (s == INVALID_SOCKET) {
        return pollen_errno_last_wsa();
    }
    u_long on = 1;
    ioctlsocket(s, FIONBIO, &on);
    *out = s;
    return pollen_addr_from_sockaddr(&ss, addr);
}

int pollen_socket_local_address(pollen_fd fd, uint8_t *addr) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *) &ss, &len) == SOCKET_ERROR) {
        return pollen_errno_last_wsa();
    }
    return pollen_addr_from_sockaddr(&ss, addr);
}

int pollen_socket_remote_address(pollen_fd fd, uint8_t *addr) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *) &ss, &len) == SOCKET_ERROR) {
        return pollen_errno_last_wsa();
    }
    return pollen_addr_from_sockaddr(&ss, addr);
}

int pollen_socket_recv(pollen_fd fd, void *buf, int len) {
    int n = recv(fd, buf, len, 0);
    return n == SOCKET_ERROR ? pollen_errno_last_wsa() : n;
}

int pollen_socket_send(pollen_fd fd, const void *buf, int len) {
    int n = send(fd, buf, len, 0);
    return n == SOCKET_ERROR ? pollen_errno_last_wsa() : n;
}

int pollen_socket_shutdown(pollen_fd fd, int read, int write) {
    int how = read && write ? SD_BOTH : read ? SD_RECEIVE : SD_SEND;
    return shutdown(fd, how) == SOCKET_ERROR ? pollen_errno_last_wsa() : 0;
}

int pollen_socket_close(pollen_fd fd) {
    return closesocket(fd) == SOCKET_ERROR ? pollen_errno_last_wsa() : 0;
}
