/* macOS / FreeBSD only calls (pollen_bsd.h); stubs elsewhere. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>

#if defined(__APPLE__) || defined(__FreeBSD__)
#include <sys/sysctl.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#endif

#include "pollen_bsd.h"
#include "pollen_errno.h"

int pollen_bsd_set_accept_filter(pollen_fd fd, const char *name, const char *arg) {
#if defined(__FreeBSD__)
    if (name == NULL || name[0] == '\0') {
        return setsockopt(fd, SOL_SOCKET, SO_ACCEPTFILTER, NULL, 0) < 0 ? neg_errno() : 0;
    }
    struct accept_filter_arg afa;
    memset(&afa, 0, sizeof(afa));
    if (strlen(name) >= sizeof(afa.af_name) || (arg != NULL && strlen(arg) >= sizeof(afa.af_arg))) {
        return -EINVAL;
    }
    strcpy(afa.af_name, name);
    if (arg != NULL) {
        strcpy(afa.af_arg, arg);
    }
    return setsockopt(fd, SOL_SOCKET, SO_ACCEPTFILTER, &afa, sizeof(afa)) < 0 ? neg_errno() : 0;
#else
    (void) fd;
    (void) name;
    (void) arg;
    return -ENOPROTOOPT;
#endif
}

int pollen_bsd_get_accept_filter(pollen_fd fd, char *name, char *arg) {
#if defined(__FreeBSD__)
    struct accept_filter_arg afa;
    socklen_t len = sizeof(afa);
    memset(&afa, 0, sizeof(afa));
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTFILTER, &afa, &len) < 0) {
        /* EINVAL: not listening or no filter installed. */
        return errno == EINVAL ? 0 : neg_errno();
    }
    afa.af_name[sizeof(afa.af_name) - 1] = '\0';
    afa.af_arg[sizeof(afa.af_arg) - 1] = '\0';
    strncpy(name, afa.af_name, POLLEN_ACCEPT_FILTER_NAME_MAX - 1);
    name[POLLEN_ACCEPT_FILTER_NAME_MAX - 1] = '\0';
    strncpy(arg, afa.af_arg, POLLEN_ACCEPT_FILTER_ARG_MAX - 1);
    arg[POLLEN_ACCEPT_FILTER_ARG_MAX - 1] = '\0';
    return name[0] != '\0';
#else
    (void) fd;
    name[0] = '\0';
    arg[0] = '\0';
    return -ENOPROTOOPT;
#endif
}

int pollen_bsd_peer_pid(pollen_fd fd, int *pid) {
#if defined(__APPLE__) && defined(LOCAL_PEERPID)
    pid_t p = 0;
    socklen_t len = sizeof(p);
    if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &p, &len) < 0) {
        return neg_errno();
    }
    *pid = (int) p;
    return 0;
#else
    (void) fd;
    (void) pid;
    return -ENOPROTOOPT;
#endif
}

int64_t pollen_bsd_connectx(pollen_fd fd, int ipv6, const uint8_t *addr, const void *data, int len) {
#if defined(__APPLE__) && defined(CONNECT_DATA_IDEMPOTENT)
    struct sockaddr_storage ss;
    socklen_t sslen;
    int rc = pollen_addr_to_sockaddr(ipv6, addr, &ss, &sslen);
    if (rc < 0) {
        return rc;
    }
    if (len < 0) {
        return -EINVAL;
    }
    sa_endpoints_t endpoints;
    memset(&endpoints, 0, sizeof(endpoints));
    endpoints.sae_dstaddr = (const struct sockaddr *) &ss;
    endpoints.sae_dstaddrlen = sslen;
    struct iovec iov = { .iov_base = (void *) data, .iov_len = (size_t) len };
    size_t sent = 0;
    /* Idempotent data may be replayed; resume-on-read-write keeps the non-blocking semantics. */
    int r = connectx(fd, &endpoints, SAE_ASSOCID_ANY, CONNECT_DATA_IDEMPOTENT | CONNECT_RESUME_ON_READ_WRITE,
                     len > 0 ? &iov : NULL, len > 0 ? 1 : 0, &sent, NULL);
    if (r < 0 && errno != EINPROGRESS) {
        return neg_errno();
    }
    return (int64_t) sent;
#else
    (void) fd;
    (void) ipv6;
    (void) addr;
    (void) data;
    (void) len;
    return -EOPNOTSUPP;
#endif
}

#if defined(__APPLE__) || defined(__FreeBSD__)
static int sysctl_int(const char *name, int *value) {
    int v = 0;
    size_t len = sizeof(v);
    if (sysctlbyname(name, &v, &len, NULL, 0) < 0) {
        return neg_errno();
    }
    *value = v;
    return 0;
}
#endif

int pollen_bsd_fastopen_mode(void) {
#if defined(__APPLE__)
    /* Bit 0x1: client, 0x2: server, as on Linux. */
    int v;
    int rc = sysctl_int("net.inet.tcp.fastopen", &v);
    return rc < 0 ? rc : (v & 0x3);
#elif defined(__FreeBSD__)
    int client = 0, server = 0;
    int rc = sysctl_int("net.inet.tcp.fastopen.client_enable", &client);
    if (rc < 0) {
        return rc;
    }
    rc = sysctl_int("net.inet.tcp.fastopen.server_enable", &server);
    if (rc < 0) {
        return rc;
    }
    return (client ? 0x1 : 0) | (server ? 0x2 : 0);
#else
    return -EOPNOTSUPP;
#endif
}
