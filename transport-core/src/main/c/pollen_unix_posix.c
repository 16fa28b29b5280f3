/* Unix domain sockets on POSIX systems; abstract names and SO_PEERCRED are Linux only. */
#ifndef _WIN32

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__DragonFly__) || defined(__NetBSD__) || defined(__OpenBSD__)
#include <sys/param.h>
#include <sys/ucred.h>
#endif

#include "pollen_unix.h"
#include "pollen_errno.h"

#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL
#else
#define SEND_FLAGS 0
#endif

/* The most descriptors one received message may carry; more are closed on arrival. */
#define MAX_FDS_PER_MESSAGE 16

#define PATH_CAP ((int) sizeof(((struct sockaddr_un *) 0)->sun_path))

__attribute__((unused)) static int set_flags(int fd, int nonblock) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || (nonblock && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
            || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        return neg_errno();
    }
    return 0;
}

static void set_nosigpipe(int fd) {
#ifdef SO_NOSIGPIPE
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#else
    (void) fd;
#endif
}

static int sock_type(int type) {
    return type == POLLEN_UNIX_STREAM ? SOCK_STREAM : type == POLLEN_UNIX_DGRAM ? SOCK_DGRAM : -1;
}

int pollen_unix_path_max(void) {
    return PATH_CAP;
}

int pollen_unix_socket(pollen_fd *out, int type) {
    int t = sock_type(type);
    if (t < 0 || out == NULL) {
        return -EINVAL;
    }
#ifdef SOCK_NONBLOCK
    int fd = socket(AF_UNIX, t | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return neg_errno();
    }
#else
    int fd = socket(AF_UNIX, t, 0);
    if (fd < 0) {
        return neg_errno();
    }
    int rc = set_flags(fd, 1);
    if (rc < 0) {
        close(fd);
        return rc;
    }
#endif
    set_nosigpipe(fd);
    *out = fd;
    return 0;
}

int pollen_unix_socketpair(pollen_fd out[2], int type) {
    int t = sock_type(type);
    int sv[2];
    if (t < 0 || out == NULL) {
        return -EINVAL;
    }
#ifdef SOCK_NONBLOCK
    if (socketpair(AF_UNIX, t | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
        return neg_errno();
    }
#else
    if (socketpair(AF_UNIX, t, 0, sv) < 0) {
        return neg_errno();
    }
    int rc = set_flags(sv[0], 1);
    if (rc == 0) {
        rc = set_flags(sv[1], 1);
    }
    if (rc < 0) {
        close(sv[0]);
        close(sv[1]);
        return rc;
    }
#endif
    set_nosigpipe(sv[0]);
    set_nosigpipe(sv[1]);
    out[0] = sv[0];
    out[1] = sv[1];
    return 0;
}

static int to_sockaddr(const uint8_t *addr, int len, struct sockaddr_un *sun, socklen_t *slen) {
    if (addr == NULL || len <= 0) {
        return -EINVAL;
    }
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (addr[0] == 0) {
#ifdef __linux__
        if (len > PATH_CAP) {
            return -ENAMETOOLONG;
        }
        memcpy(sun->sun_path, addr, (size_t) len);
        *slen = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + (size_t) len);
        return 0;
#else
        return -EINVAL; /* abstract names are Linux only */
#endif
    }
    if (memchr(addr, 0, (size_t) len) != NULL) {
        return -EINVAL;
    }
    if (len >= PATH_CAP) {
        return -ENAMETOOLONG;
    }
    memcpy(sun->sun_path, addr, (size_t) len);
    *slen = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + (size_t) len + 1);
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__DragonFly__) || defined(__NetBSD__) || defined(__OpenBSD__)
    sun->sun_len = (uint8_t) *slen;
#endif
    return 0;
}

static int from_sockaddr(const struct sockaddr_un *sun, socklen_t slen, uint8_t *addr, int cap) {
    size_t off = offsetof(struct sockaddr_un, sun_path);
    if (addr == NULL || cap < 0) {
        return -EINVAL;
    }
    if (slen <= off) {
        return 0; /* unnamed */
    }
    size_t n = (size_t) slen - off;
    if (n > sizeof(sun->sun_path)) {
        n = sizeof(sun->sun_path);
    }
    if (sun->sun_path[0] == 0) {
#ifdef __linux__
        /* Abstract: every byte counts, NULs included. */
#else
        n = 0;
#endif
    } else {
        n = strnlen(sun->sun_path, n);
    }
    if (n > (size_t) cap) {
        return -ENAMETOOLONG;
    }
    memcpy(addr, sun->sun_path, n);
    return (int) n;
}

int pollen_unix_bind(pollen_fd fd, const uint8_t *addr, int len) {
    struct sockaddr_un sun;
    socklen_t slen;
    int rc = to_sockaddr(addr, len, &sun, &slen);
    if (rc < 0) {
        return rc;
    }
    return bind(fd, (struct sockaddr *) &sun, slen) < 0 ? neg_errno() : 0;
}

int pollen_unix_connect(pollen_fd fd, const uint8_t *addr, int len) {
    struct sockaddr_un sun;
    socklen_t slen;
    int rc = to_sockaddr(addr, len, &sun, &slen);
    if (rc < 0) {
        return rc;
    }
    do {
        rc = connect(fd, (struct sockaddr *) &sun, slen);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        return 1;
    }
    return errno == EINPROGRESS ? 0 : neg_errno();
}

int pollen_unix_local_address(pollen_fd fd, uint8_t *addr, int cap) {
    struct sockaddr_un sun;
    socklen_t slen = sizeof(sun);
    memset(&sun, 0, sizeof(sun));
    if (getsockname(fd, (struct sockaddr *) &sun, &slen) < 0) {
        return neg_errno();
    }
    return from_sockaddr(&sun, slen, addr, cap);
}

int pollen_unix_remote_address(pollen_fd fd, uint8_t *addr, int cap) {
    struct sockaddr_un sun;
    socklen_t slen = sizeof(sun);
    memset(&sun, 0, sizeof(sun));
    if (getpeername(fd, (struct sockaddr *) &sun, &slen) < 0) {
        return neg_errno();
    }
    return from_sockaddr(&sun, slen, addr, cap);
}

int pollen_unix_peer_credentials(pollen_fd fd, int32_t *pid, uint32_t *uid, uint32_t *gids, int gids_cap) {
    if (pid == NULL || uid == NULL || (gids == NULL && gids_cap > 0) || gids_cap < 0) {
        return -EINVAL;
    }
    int n = 0;
#if defined(__linux__) && defined(SO_PEERCRED)
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        return neg_errno();
    }
    *pid = (int32_t) cred.pid;
    *uid = (uint32_t) cred.uid;
    if (n < gids_cap) {
        gids[n++] = (uint32_t) cred.gid;
    }
#ifdef SO_PEERGROUPS
    gid_t groups[64];
    socklen_t glen = sizeof(groups);
    /* Supplementary groups (Linux 4.13+); too many for the buffer, or an old kernel: primary only. */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0) {
        int count = (int) (glen / sizeof(gid_t));
        for (int i = 0; i < count && n < gids_cap; i++) {
            if (groups[i] != cred.gid) {
                gids[n++] = (uint32_t) groups[i];
            }
        }
    }
#endif
#elif defined(LOCAL_PEERCRED)
    struct xucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, 0, LOCAL_PEERCRED, &cred, &len) < 0) {
        return neg_errno();
    }
    if (cred.cr_version != XUCRED_VERSION) {
        return -EINVAL;
    }
    *uid = (uint32_t) cred.cr_uid;
    *pid = -1;
#ifdef LOCAL_PEERPID
    pid_t peer = 0;
    socklen_t plen = sizeof(peer);
    if (getsockopt(fd, 0, LOCAL_PEERPID, &peer, &plen) == 0) {
        *pid = (int32_t) peer;
    }
#endif
    for (int i = 0; i < cred.cr_ngroups && n < gids_cap; i++) {
        gids[n++] = (uint32_t) cred.cr_groups[i];
    }
#else
    uid_t u;
    gid_t g;
    if (getpeereid(fd, &u, &g) < 0) {
        return neg_errno();
    }
    *pid = -1;
    *uid = (uint32_t) u;
    if (n < gids_cap) {
        gids[n++] = (uint32_t) g;
    }
#endif
    return n;
}

int pollen_unix_send_fd(pollen_fd fd, int fd_to_send) {
    if (fd_to_send < 0) {
        return -EBADF;
    }
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    char data = 0;
    struct iovec iov = { &data, 1 };
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    memset(&control, 0, sizeof(control));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd_to_send, sizeof(int));
    ssize_t n;
    do {
        n = sendmsg(fd, &msg, SEND_FLAGS);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : 1;
}

int pollen_unix_recv_fds(pollen_fd fd, int *fds, int max, int *count, int *lost) {
    if (count == NULL || lost == NULL || max < 0 || (fds == NULL && max > 0)) {
        return -EINVAL;
    }
    *count = 0;
    *lost = 0;
    union {
        char buf[CMSG_SPACE(sizeof(int) * MAX_FDS_PER_MESSAGE)];
        struct cmsghdr align;
    } control;
    char data;
    struct iovec iov = { &data, 1 };
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    int flags = 0;
#ifdef MSG_CMSG_CLOEXEC
    flags |= MSG_CMSG_CLOEXEC;
#endif
    ssize_t n;
    do {
        n = recvmsg(fd, &msg, flags);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return neg_errno();
    }
    if (msg.msg_flags & MSG_CTRUNC) {
        *lost = 1; /* the kernel closed what did not fit */
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < nfds; i++) {
            int received;
            memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
#ifndef MSG_CMSG_CLOEXEC
            fcntl(received, F_SETFD, FD_CLOEXEC);
#endif
            if (*count < max) {
                fds[(*count)++] = received;
            } else {
                close(received);
                *lost = 1;
            }
        }
    }
    return (int) n;
}

int pollen_unix_sendto(pollen_fd fd, const void *buf, int len, const uint8_t *addr, int addr_len) {
    struct sockaddr_un sun;
    socklen_t slen = 0;
    if (len < 0) {
        return -EINVAL;
    }
    if (addr_len > 0) {
        int rc = to_sockaddr(addr, addr_len, &sun, &slen);
        if (rc < 0) {
            return rc;
        }
    }
    ssize_t n;
    do {
        n = sendto(fd, buf, (size_t) len, SEND_FLAGS, addr_len > 0 ? (struct sockaddr *) &sun : NULL, slen);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : (int) n;
}

int pollen_unix_recvfrom(pollen_fd fd, void *buf, int len, uint8_t *addr, int addr_cap, int *addr_len) {
    struct sockaddr_un sun;
    socklen_t slen = sizeof(sun);
    if (len < 0 || addr_len == NULL) {
        return -EINVAL;
    }
    memset(&sun, 0, sizeof(sun));
    ssize_t n;
    do {
        n = recvfrom(fd, buf, (size_t) len, 0, (struct sockaddr *) &sun, &slen);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return neg_errno();
    }
    int alen = from_sockaddr(&sun, slen, addr, addr_cap);
    *addr_len = alen < 0 ? 0 : alen;
    return (int) n;
}

int pollen_unix_pipe(int out[2]) {
    if (out == NULL) {
        return -EINVAL;
    }
#ifdef __linux__
    if (pipe2(out, O_CLOEXEC) < 0) {
        return neg_errno();
    }
#else
    if (pipe(out) < 0) {
        return neg_errno();
    }
    if (set_flags(out[0], 0) < 0 || set_flags(out[1], 0) < 0) {
        int rc = neg_errno();
        close(out[0]);
        close(out[1]);
        return rc;
    }
#endif
    return 0;
}

int pollen_unix_read(int fd, void *buf, int len) {
    if (len < 0) {
        return -EINVAL;
    }
    ssize_t n;
    do {
        n = read(fd, buf, (size_t) len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : (int) n;
}

int pollen_unix_write(int fd, const void *buf, int len) {
    if (len < 0) {
        return -EINVAL;
    }
    ssize_t n;
    do {
        n = write(fd, buf, (size_t) len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : (int) n;
}

int pollen_unix_close(int fd) {
    /* As for sockets: the descriptor is gone even when close reports EINTR. */
    return close(fd) < 0 && errno != EINTR ? neg_errno() : 0;
}

#endif /* !_WIN32 */
