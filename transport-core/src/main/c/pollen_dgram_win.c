/*
 * Datagram (UDP) sockets over Winsock: every function of pollen_dgram.h. One datagram per
 * WSASendTo/WSARecvFrom (Windows has no sendmmsg/recvmmsg); a batch loops until the socket
 * would block. Linux extras (GSO, GRO, original destination, IP_MULTICAST_ALL, freebind,
 * transparent proxying) do not exist here and fail with -ENOPROTOOPT.
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

#include "pollen_dgram.h"
#include "pollen_errno_win.h"

#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif

/* Buffers of one datagram; the packet array's iovec table holds at most this many. */
#define DGRAM_IOV_MAX 1024

_Static_assert(sizeof(pollen_dgram_packet) == POLLEN_DGRAM_PACKET_SIZE, "packet record size");
_Static_assert(offsetof(pollen_dgram_packet, length) == POLLEN_DGRAM_OFF_LENGTH, "length offset");
_Static_assert(offsetof(pollen_dgram_packet, segment) == POLLEN_DGRAM_OFF_SEGMENT, "segment offset");
_Static_assert(offsetof(pollen_dgram_packet, addr) == POLLEN_DGRAM_OFF_ADDR, "addr offset");
_Static_assert(offsetof(pollen_dgram_packet, orig_dst) == POLLEN_DGRAM_OFF_ORIG_DST, "orig_dst offset");
_Static_assert(offsetof(pollen_dgram_packet, flags) == POLLEN_DGRAM_OFF_FLAGS, "flags offset");

/* The table's entries: struct iovec's layout, filled by Java. */
typedef struct dgram_iov {
    void *base;
    size_t len;
} dgram_iov;

_Static_assert(sizeof(dgram_iov) == 16, "iovec pairs are 16 bytes");

static int wsa_error(void) {
    return pollen_errno_last_wsa();
}

/*
 * Windows dissolves a datagram association by connecting to the all-zero address of the
 * socket's own family (its documented way). AF_UNSPEC, the POSIX way, is not used: under
 * Wine 8 it also drops the socket's local port.
 */
int pollen_dgram_disconnect(pollen_fd fd) {
    WSAPROTOCOL_INFOW info;
    int len = sizeof(info);
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *) &info, &len) == SOCKET_ERROR) {
        return wsa_error();
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    ss.ss_family = (ADDRESS_FAMILY) info.iAddressFamily;
    int namelen = info.iAddressFamily == AF_INET6 ? (int) sizeof(struct sockaddr_in6) : (int) sizeof(struct sockaddr_in);
    if (connect(fd, (struct sockaddr *) &ss, namelen) == SOCKET_ERROR) {
        return wsa_error();
    }
    /* Unconnected again: ICMP errors stop being reported, as on POSIX (see pollen_socket_win.c). */
    BOOL report = FALSE;
    DWORD bytes = 0;
    WSAIoctl(fd, SIO_UDP_CONNRESET, &report, sizeof(report), NULL, 0, &bytes, NULL, NULL);
    return 0;
}

int pollen_dgram_take_error(pollen_fd fd) {
    int err = 0;
    int len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, (char *) &err, &len) == SOCKET_ERROR) {
        return wsa_error();
    }
    return err == 0 ? 0 : -pollen_errno_from_win32((DWORD) err);
}

/* A record's iovecs as WSABUFs, checked against the table; *capacity is their total size. */
static int packet_bufs(const pollen_dgram_packet *p, const dgram_iov *iov, int iov_total, WSABUF *bufs,
                       size_t *capacity) {
    if (p->iov_count > (uint32_t) iov_total || p->iov_index > (uint32_t) iov_total - p->iov_count
            || p->iov_count > DGRAM_IOV_MAX) {
        return -EINVAL;
    }
    size_t total = 0;
    for (uint32_t i = 0; i < p->iov_count; i++) {
        const dgram_iov *v = &iov[p->iov_index + i];
        if (v->len > INT_MAX - total) {
            return -EMSGSIZE; /* no datagram is that large */
        }
        bufs[i].buf = (CHAR *) v->base;
        bufs[i].len = (ULONG) v->len;
        total += v->len;
    }
    *capacity = total;
    return 0;
}

/* True when the socket has no peer: a send without a destination then lacks one. */
static int unconnected(pollen_fd fd) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    return getpeername(fd, (struct sockaddr *) &ss, &len) == SOCKET_ERROR && WSAGetLastError() == WSAENOTCONN;
}

static int send_one(pollen_fd fd, int ipv6, pollen_dgram_packet *p, const dgram_iov *iov, int iov_total) {
    WSABUF bufs[DGRAM_IOV_MAX];
    size_t capacity;
    int rc = packet_bufs(p, iov, iov_total, bufs, &capacity);
    if (rc < 0) {
        return rc;
    }
    struct sockaddr_storage name;
    socklen_t len = 0;
    if (p->addr[0] != 0) {
        rc = pollen_addr_to_sockaddr(ipv6, p->addr, &name, &len);
        if (rc < 0) {
            return rc;
        }
    }
    if (p->segment < 0 || p->segment > 65535) {
        return -EINVAL;
    }
    if (p->segment > 0) {
        return -ENOPROTOOPT; /* no UDP segmentation offload */
    }
    DWORD sent = 0;
    if (WSASendTo(fd, bufs, p->iov_count, &sent, 0, len > 0 ? (struct sockaddr *) &name : NULL, len, NULL, NULL)
            == SOCKET_ERROR) {
        p->call = POLLEN_DGRAM_CALL_WSASENDTO;
        rc = wsa_error();
        /* Windows answers a missing destination with WSAENOTCONN or WSAEINVAL; POSIX with EDESTADDRREQ. */
        if (len == 0 && rc != -EAGAIN && unconnected(fd)) {
            return -EDESTADDRREQ;
        }
        return rc;
    }
    p->length = (int32_t) sent;
    return 0;
}

int pollen_dgram_send(pollen_fd fd, int ipv6, pollen_dgram_packet *packets, int count,
                      const void *iov_table, int iov_total) {
    const dgram_iov *iov = (const dgram_iov *) iov_table;
    if (packets == NULL || count <= 0 || iov_total < 0 || (iov == NULL && iov_total > 0)) {
        return -EINVAL;
    }
    packets[0].call = POLLEN_DGRAM_CALL_NONE;
    if (count > POLLEN_DGRAM_MAX_BATCH) {
        count = POLLEN_DGRAM_MAX_BATCH;
    }
    int sent = 0;
    for (; sent < count; sent++) {
        int rc = send_one(fd, ipv6, &packets[sent], iov, iov_total);
        if (rc < 0) {
            return sent > 0 ? sent : rc;
        }
    }
    return sent;
}

/* 1: a datagram was received into p; 0: none waiting; < 0: an error. */
static int recv_one(pollen_fd fd, pollen_dgram_packet *p, const dgram_iov *iov, int iov_total) {
    WSABUF bufs[DGRAM_IOV_MAX];
    size_t capacity;
    int rc = packet_bufs(p, iov, iov_total, bufs, &capacity);
    if (rc < 0) {
        return rc;
    }
    struct sockaddr_storage name;
    int namelen = sizeof(name);
    DWORD received = 0, flags = 0;
    uint32_t result_flags = 0;
    memset(&name, 0, sizeof(name));
    if (WSARecvFrom(fd, bufs, p->iov_count, &received, &flags, (struct sockaddr *) &name, &namelen, NULL, NULL)
            == SOCKET_ERROR) {
        int err = WSAGetLastError();
        if (err == WSAEWOULDBLOCK) {
            return 0;
        }
        if (err != WSAEMSGSIZE) {
            p->call = POLLEN_DGRAM_CALL_WSARECVFROM;
            /* A UDP port unreachable arrives as WSAECONNRESET; POSIX calls it ECONNREFUSED. */
            return err == WSAECONNRESET ? -ECONNREFUSED : -pollen_errno_from_win32((DWORD) err);
        }
        /* Truncated: the buffers are full, the rest of the datagram is gone (POSIX MSG_TRUNC). */
        received = (DWORD) capacity;
        result_flags = POLLEN_DGRAM_F_TRUNCATED;
    }
    p->length = (int32_t) received;
    p->segment = 0;
    p->flags = result_flags;
    memset(p->addr, 0, POLLEN_ADDR_SIZE);
    memset(p->orig_dst, 0, POLLEN_ADDR_SIZE);
    if (namelen > 0) {
        pollen_addr_from_sockaddr(&name, p->addr);
    }
    return 1;
}

int pollen_dgram_recv(pollen_fd fd, int ipv6, pollen_dgram_packet *packets, int count,
                      const void *iov_table, int iov_total) {
    const dgram_iov *iov = (const dgram_iov *) iov_table;
    (void) ipv6;
    if (packets == NULL || count <= 0 || iov == NULL || iov_total <= 0) {
        return -EINVAL;
    }
    packets[0].call = POLLEN_DGRAM_CALL_NONE;
    if (count > POLLEN_DGRAM_MAX_BATCH) {
        count = POLLEN_DGRAM_MAX_BATCH;
    }
    int received = 0;
    for (; received < count; received++) {
        int rc = recv_one(fd, &packets[received], iov, iov_total);
        if (rc == 0) {
            break;
        }
        if (rc < 0) {
            return received > 0 ? received : rc;
        }
    }
    return received;
}

/* IPv4 interface of a membership: an index in Windows' 0.0.0.index form, 0 for the default. */
static IN_ADDR ipv4_interface(int iface) {
    IN_ADDR in;
    in.s_addr = htonl((u_long) iface);
    return in;
}

/* Level of a membership: the group's own family; an IPv6 group needs an IPv6 socket. */
static int group_family(int ipv6, const uint8_t *group, const uint8_t *source) {
    if (group[0] != 4 && group[0] != 16) {
        return -EINVAL;
    }
    if (group[0] == 16 && !ipv6) {
        return -EAFNOSUPPORT;
    }
    if (source != NULL && source[0] != group[0]) {
        return -EINVAL;
    }
    return group[0] == 4 ? AF_INET : AF_INET6;
}

static int set_opt(pollen_fd fd, int level, int name, const void *value, int len) {
    return setsockopt(fd, level, name, (const char *) value, len) == SOCKET_ERROR ? wsa_error() : 0;
}

/* A source-specific request for IPv6 (Windows has no IPV6_ counterpart of ip_mreq_source). */
static int ipv6_source_request(pollen_fd fd, int name, const uint8_t *group, int iface, const uint8_t *source) {
    struct group_source_req req;
    socklen_t len;
    int rc;
    memset(&req, 0, sizeof(req));
    req.gsr_interface = (ULONG) iface;
    if ((rc = pollen_addr_to_sockaddr(1, group, &req.gsr_group, &len)) < 0
            || (rc = pollen_addr_to_sockaddr(1, source, &req.gsr_source, &len)) < 0) {
        return rc;
    }
    return set_opt(fd, IPPROTO_IPV6, name, &req, sizeof(req));
}

int pollen_dgram_membership(pollen_fd fd, int ipv6, int join, const uint8_t *group, int iface,
                            const uint8_t *source) {
    if (group == NULL || iface < 0) {
        return -EINVAL;
    }
    int family = group_family(ipv6, group, source);
    if (family < 0) {
        return family;
    }
    if (family == AF_INET) {
        if (source == NULL) {
            struct ip_mreq req;
            memcpy(&req.imr_multiaddr, group + 1, 4);
            req.imr_interface = ipv4_interface(iface);
            return set_opt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &req, sizeof(req));
        }
        struct ip_mreq_source req;
        memcpy(&req.imr_multiaddr, group + 1, 4);
        memcpy(&req.imr_sourceaddr, source + 1, 4);
        req.imr_interface = ipv4_interface(iface);
        return set_opt(fd, IPPROTO_IP, join ? IP_ADD_SOURCE_MEMBERSHIP : IP_DROP_SOURCE_MEMBERSHIP, &req,
                       sizeof(req));
    }
    if (source == NULL) {
        struct ipv6_mreq req;
        memcpy(&req.ipv6mr_multiaddr, group + 1, 16);
        req.ipv6mr_interface = (ULONG) iface;
        return set_opt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &req, sizeof(req));
    }
    return ipv6_source_request(fd, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP, group, iface, source);
}

int pollen_dgram_block(pollen_fd fd, int ipv6, int block, const uint8_t *group, int iface,
                       const uint8_t *source) {
    if (group == NULL || source == NULL || iface < 0) {
        return -EINVAL;
    }
    int family = group_family(ipv6, group, source);
    if (family < 0) {
        return family;
    }
    if (family == AF_INET) {
        struct ip_mreq_source req;
        memcpy(&req.imr_multiaddr, group + 1, 4);
        memcpy(&req.imr_sourceaddr, source + 1, 4);
        req.imr_interface = ipv4_interface(iface);
        return set_opt(fd, IPPROTO_IP, block ? IP_BLOCK_SOURCE : IP_UNBLOCK_SOURCE, &req, sizeof(req));
    }
    return ipv6_source_request(fd, block ? MCAST_BLOCK_SOURCE : MCAST_UNBLOCK_SOURCE, group, iface, source);
}

int pollen_dgram_set_multicast_if(pollen_fd fd, int ipv6, int iface, const uint8_t *addr) {
    if (iface < 0 || (addr != NULL && addr[0] != 4)) {
        return -EINVAL;
    }
    /* IPv4: the interface's address when given, else its index in the 0.0.0.index form. */
    IN_ADDR in = ipv4_interface(iface);
    if (addr != NULL) {
        memcpy(&in, addr + 1, 4);
    }
    int rc4 = set_opt(fd, IPPROTO_IP, IP_MULTICAST_IF, &in, sizeof(in));
    if (!ipv6) {
        return rc4;
    }
    /* Dual stack: the IPv4 part is best effort, the IPv6 interface decides. */
    DWORD idx = (DWORD) iface;
    return set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
}

int pollen_dgram_get_multicast_if(pollen_fd fd, int ipv6, uint8_t *addr) {
    if (addr == NULL) {
        return -EINVAL;
    }
    memset(addr, 0, POLLEN_ADDR_SIZE);
    if (ipv6) {
        DWORD idx = 0;
        int len = sizeof(idx);
        if (getsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (char *) &idx, &len) == SOCKET_ERROR) {
            return wsa_error();
        }
        return (int) idx;
    }
    IN_ADDR in;
    int len = sizeof(in);
    memset(&in, 0, sizeof(in));
    if (getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, (char *) &in, &len) == SOCKET_ERROR) {
        return wsa_error();
    }
    u_long host = ntohl(in.s_addr);
    if (host != 0 && host < 0x01000000) {
        return (int) host; /* set by index (0.0.0.index): the index is what is known */
    }
    addr[0] = 4;
    memcpy(addr + 1, &in, 4);
    return 0;
}

static int set_dword(pollen_fd fd, int level, int name, int value) {
    DWORD v = (DWORD) value;
    return set_opt(fd, level, name, &v, sizeof(v));
}

static int get_dword(pollen_fd fd, int level, int name, int *value) {
    DWORD v = 0;
    int len = sizeof(v);
    if (getsockopt(fd, level, name, (char *) &v, &len) == SOCKET_ERROR) {
        return wsa_error();
    }
    *value = len == 1 ? (int) *(unsigned char *) &v : (int) v;
    return 0;
}

/*
 * Windows applies IP_MULTICAST_LOOP on the receiving side (whether this socket hears looped
 * traffic) where POSIX applies it to what the socket sends; both default to on.
 */
int pollen_dgram_set_option(pollen_fd fd, int ipv6, int option, int value) {
    int rc;
    switch (option) {
    case POLLEN_DGRAM_MULTICAST_LOOP:
        rc = set_dword(fd, IPPROTO_IP, IP_MULTICAST_LOOP, value != 0);
        if (ipv6) {
            rc = set_dword(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, value != 0);
        }
        return rc;
    case POLLEN_DGRAM_MULTICAST_TTL:
        if (value < 0 || value > 255) {
            return -EINVAL;
        }
        rc = set_dword(fd, IPPROTO_IP, IP_MULTICAST_TTL, value);
        if (ipv6) {
            rc = set_dword(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, value);
        }
        return rc;
    default:
        return -ENOPROTOOPT;
    }
}

int pollen_dgram_get_option(pollen_fd fd, int ipv6, int option, int *value) {
    if (value == NULL) {
        return -EINVAL;
    }
    switch (option) {
    case POLLEN_DGRAM_MULTICAST_LOOP:
        return ipv6 ? get_dword(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, value)
                    : get_dword(fd, IPPROTO_IP, IP_MULTICAST_LOOP, value);
    case POLLEN_DGRAM_MULTICAST_TTL:
        return ipv6 ? get_dword(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, value)
                    : get_dword(fd, IPPROTO_IP, IP_MULTICAST_TTL, value);
    default:
        return -ENOPROTOOPT;
    }
}

/* No GSO, GRO or multi-message calls on Windows. */
int pollen_dgram_probe(int capability) {
    (void) capability;
    return 0;
}

#endif /* _WIN32 */
