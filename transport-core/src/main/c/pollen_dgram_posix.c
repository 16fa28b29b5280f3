/* Datagram sockets over POSIX; Linux extras (recvmmsg/sendmmsg, GSO, GRO, ...) behind __linux__. */
#ifndef _WIN32

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pollen_dgram.h"
#include "pollen_errno.h"

#ifdef __linux__
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef IPV6_ORIGDSTADDR
#define IPV6_ORIGDSTADDR 74
#define IPV6_RECVORIGDSTADDR IPV6_ORIGDSTADDR
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif
#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif
#endif

#ifdef MSG_NOSIGNAL
#define DGRAM_SEND_FLAGS MSG_NOSIGNAL
#else
#define DGRAM_SEND_FLAGS 0
#endif

_Static_assert(sizeof(pollen_dgram_packet) == POLLEN_DGRAM_PACKET_SIZE, "packet record size");
_Static_assert(offsetof(pollen_dgram_packet, length) == POLLEN_DGRAM_OFF_LENGTH, "length offset");
_Static_assert(offsetof(pollen_dgram_packet, segment) == POLLEN_DGRAM_OFF_SEGMENT, "segment offset");
_Static_assert(offsetof(pollen_dgram_packet, addr) == POLLEN_DGRAM_OFF_ADDR, "addr offset");
_Static_assert(offsetof(pollen_dgram_packet, orig_dst) == POLLEN_DGRAM_OFF_ORIG_DST, "orig_dst offset");
_Static_assert(offsetof(pollen_dgram_packet, flags) == POLLEN_DGRAM_OFF_FLAGS, "flags offset");

/* Room for every control message a receive may carry: GRO size and original destination. */
#define CTRL_SIZE (CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct sockaddr_in6)) + 16)

typedef union {
    struct cmsghdr align;
    char buf[CTRL_SIZE];
} ctrl_buf;

/* A group or source address in its own family (no mapping: memberships are per family). */
static int addr_to_native_family(const uint8_t *addr, struct sockaddr_storage *ss, socklen_t *len) {
    if (addr[0] == 4) {
        return pollen_addr_to_sockaddr(0, addr, ss, len);
    }
    if (addr[0] == 16) {
        return pollen_addr_to_sockaddr(1, addr, ss, len);
    }
    return -EINVAL;
}

int pollen_dgram_disconnect(pollen_fd fd) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    ss.ss_family = AF_UNSPEC;
    if (connect(fd, (struct sockaddr *) &ss, sizeof(ss)) < 0) {
        /* BSDs report the dissolved association as EAFNOSUPPORT. */
        return errno == EAFNOSUPPORT ? 0 : neg_errno();
    }
    return 0;
}

int pollen_dgram_take_error(pollen_fd fd) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
        return neg_errno();
    }
    return -err;
}

/* Checks a record's iovec range against the table. */
static int packet_iov(const pollen_dgram_packet *p, const struct iovec *iov, int iov_total, struct msghdr *msg) {
    if (p->iov_count > (uint32_t) iov_total || p->iov_index > (uint32_t) iov_total - p->iov_count) {
        return -EINVAL;
    }
    msg->msg_iov = (struct iovec *) (iov + p->iov_index);
    msg->msg_iovlen = p->iov_count;
    return 0;
}

/* Prepares one outgoing message; name and ctrl are owned by the caller. */
static int prepare_send(int ipv6, pollen_dgram_packet *p, const struct iovec *iov, int iov_total,
                        struct msghdr *msg, struct sockaddr_storage *name, ctrl_buf *ctrl) {
    memset(msg, 0, sizeof(*msg));
    int rc = packet_iov(p, iov, iov_total, msg);
    if (rc < 0) {
        return rc;
    }
    if (p->addr[0] != 0) {
        socklen_t len;
        rc = pollen_addr_to_sockaddr(ipv6, p->addr, name, &len);
        if (rc < 0) {
            return rc;
        }
        msg->msg_name = name;
        msg->msg_namelen = len;
    }
    if (p->segment < 0 || p->segment > 65535) {
        return -EINVAL;
    }
    if (p->segment > 0) {
#ifdef __linux__
        memset(ctrl, 0, sizeof(*ctrl));
        msg->msg_control = ctrl->buf;
        msg->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
        struct cmsghdr *cm = CMSG_FIRSTHDR(msg);
        cm->cmsg_level = SOL_UDP;
        cm->cmsg_type = UDP_SEGMENT;
        cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t seg = (uint16_t) p->segment;
        memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
#else
        (void) ctrl;
        return -ENOPROTOOPT;
#endif
    }
    return 0;
}

/*
 * One send of msg; a single buffer with no control message goes by sendto, sparing the msghdr
 * copy. *call says which call was made.
 */
static ssize_t send_one(pollen_fd fd, const struct msghdr *msg, uint32_t *call) {
    ssize_t n;
    if (msg->msg_iovlen == 1 && msg->msg_controllen == 0) {
        *call = POLLEN_DGRAM_CALL_SENDTO;
        do {
            n = sendto(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len, DGRAM_SEND_FLAGS,
                       (const struct sockaddr *) msg->msg_name, msg->msg_namelen);
        } while (n < 0 && errno == EINTR);
        return n;
    }
    *call = POLLEN_DGRAM_CALL_SENDMSG;
    do {
        n = sendmsg(fd, msg, DGRAM_SEND_FLAGS);
    } while (n < 0 && errno == EINTR);
    return n;
}

int pollen_dgram_send(pollen_fd fd, int ipv6, pollen_dgram_packet *packets, int count,
                      const void *iov_table, int iov_total) {
    const struct iovec *iov = (const struct iovec *) iov_table;
    if (packets == NULL || count <= 0 || iov_total < 0 || (iov == NULL && iov_total > 0)) {
        return -EINVAL;
    }
    packets[0].call = POLLEN_DGRAM_CALL_NONE;
    if (count > POLLEN_DGRAM_MAX_BATCH) {
        count = POLLEN_DGRAM_MAX_BATCH;
    }
#ifdef __linux__
    if (count > 1) {
        struct mmsghdr msgs[POLLEN_DGRAM_MAX_BATCH];
        struct sockaddr_storage names[POLLEN_DGRAM_MAX_BATCH];
        ctrl_buf ctrls[POLLEN_DGRAM_MAX_BATCH];
        int ready = 0;
        for (; ready < count; ready++) {
            int rc = prepare_send(ipv6, &packets[ready], iov, iov_total, &msgs[ready].msg_hdr, &names[ready],
                                  &ctrls[ready]);
            if (rc < 0) {
                if (ready == 0) {
                    return rc;
                }
                break; /* send the valid prefix; the bad record fails on its own next time */
            }
            msgs[ready].msg_len = 0;
        }
        int n;
        do {
            n = sendmmsg(fd, msgs, (unsigned int) ready, DGRAM_SEND_FLAGS);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            packets[0].call = POLLEN_DGRAM_CALL_SENDMMSG;
            return neg_errno();
        }
        for (int i = 0; i < n; i++) {
            packets[i].length = (int32_t) msgs[i].msg_len;
        }
        return n;
    }
#endif
    int sent = 0;
    for (; sent < count; sent++) {
        struct msghdr msg;
        struct sockaddr_storage name;
        ctrl_buf ctrl;
        int rc = prepare_send(ipv6, &packets[sent], iov, iov_total, &msg, &name, &ctrl);
        ssize_t n = -1;
        uint32_t call = POLLEN_DGRAM_CALL_NONE;
        if (rc == 0) {
            n = send_one(fd, &msg, &call);
            rc = n < 0 ? neg_errno() : 0;
        }
        if (rc < 0) {
            if (sent > 0) {
                return sent;
            }
            packets[0].call = call;
            return rc;
        }
        packets[sent].length = (int32_t) n;
    }
    return sent;
}

/* Reads the control messages and flags of one received datagram into its record. */
static void finish_recv(pollen_dgram_packet *p, struct msghdr *msg, size_t len) {
    p->length = (int32_t) len;
    p->segment = 0;
    p->flags = (msg->msg_flags & MSG_TRUNC) ? POLLEN_DGRAM_F_TRUNCATED : 0;
    memset(p->addr, 0, POLLEN_ADDR_SIZE);
    memset(p->orig_dst, 0, POLLEN_ADDR_SIZE);
    if (msg->msg_namelen > 0) {
        pollen_addr_from_sockaddr((const struct sockaddr_storage *) msg->msg_name, p->addr);
    }
    if (msg->msg_controllen == 0) {
        return;
    }
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
#ifdef __linux__
        if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO && cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int gso;
            memcpy(&gso, CMSG_DATA(cm), sizeof(gso));
            p->segment = gso;
        } else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_ORIGDSTADDR
                   && cm->cmsg_len >= CMSG_LEN(sizeof(struct sockaddr_in))) {
            struct sockaddr_in s4;
            memcpy(&s4, CMSG_DATA(cm), sizeof(s4));
            pollen_addr_from_sockaddr((const struct sockaddr_storage *) &s4, p->orig_dst);
        } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_ORIGDSTADDR
                   && cm->cmsg_len >= CMSG_LEN(sizeof(struct sockaddr_in6))) {
            struct sockaddr_in6 s6;
            memcpy(&s6, CMSG_DATA(cm), sizeof(s6));
            pollen_addr_from_sockaddr((const struct sockaddr_storage *) &s6, p->orig_dst);
        }
#else
        (void) cm;
#endif
    }
}

static int prepare_recv(pollen_dgram_packet *p, const struct iovec *iov, int iov_total, struct msghdr *msg,
                        struct sockaddr_storage *name, ctrl_buf *ctrl) {
    memset(msg, 0, sizeof(*msg));
    int rc = packet_iov(p, iov, iov_total, msg);
    if (rc < 0) {
        return rc;
    }
    msg->msg_name = name;
    msg->msg_namelen = sizeof(*name);
    msg->msg_control = ctrl->buf;
    msg->msg_controllen = sizeof(ctrl->buf);
    return 0;
}

/*
 * One receive into msg. With no_control, Linux reads a single-buffer datagram with recvfrom,
 * which spares the kernel copying the msghdr and iovec in; MSG_TRUNC makes it return the
 * datagram's full length, so truncation still shows. *call says which call was made.
 */
static ssize_t recv_one(pollen_fd fd, struct msghdr *msg, int no_control, uint32_t *call) {
    ssize_t n;
#ifdef __linux__
    if (no_control && msg->msg_iovlen == 1) {
        *call = POLLEN_DGRAM_CALL_RECVFROM;
        socklen_t namelen = msg->msg_namelen;
        size_t room = msg->msg_iov[0].iov_len;
        do {
            n = recvfrom(fd, msg->msg_iov[0].iov_base, room, MSG_TRUNC, (struct sockaddr *) msg->msg_name, &namelen);
        } while (n < 0 && errno == EINTR);
        if (n >= 0) {
            msg->msg_namelen = namelen;
            msg->msg_controllen = 0;
            msg->msg_flags = (size_t) n > room ? MSG_TRUNC : 0;
            if ((size_t) n > room) {
                n = (ssize_t) room;
            }
        }
        return n;
    }
#else
    (void) no_control;
#endif
    *call = POLLEN_DGRAM_CALL_RECVMSG;
    do {
        n = recvmsg(fd, msg, 0);
    } while (n < 0 && errno == EINTR);
    return n;
}

int pollen_dgram_recv(pollen_fd fd, int ipv6, pollen_dgram_packet *packets, int count,
                      const void *iov_table, int iov_total) {
    const struct iovec *iov = (const struct iovec *) iov_table;
    (void) ipv6;
    if (packets == NULL || count <= 0 || iov == NULL || iov_total <= 0) {
        return -EINVAL;
    }
    packets[0].call = POLLEN_DGRAM_CALL_NONE;
    if (count > POLLEN_DGRAM_MAX_BATCH) {
        count = POLLEN_DGRAM_MAX_BATCH;
    }
#ifdef __linux__
    if (count > 1) {
        struct mmsghdr msgs[POLLEN_DGRAM_MAX_BATCH];
        struct sockaddr_storage names[POLLEN_DGRAM_MAX_BATCH];
        ctrl_buf ctrls[POLLEN_DGRAM_MAX_BATCH];
        for (int i = 0; i < count; i++) {
            int rc = prepare_recv(&packets[i], iov, iov_total, &msgs[i].msg_hdr, &names[i], &ctrls[i]);
            if (rc < 0) {
                return rc;
            }
            msgs[i].msg_len = 0;
        }
        int n;
        do {
            n = recvmmsg(fd, msgs, (unsigned int) count, MSG_DONTWAIT, NULL);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return 0;
            }
            packets[0].call = POLLEN_DGRAM_CALL_RECVMMSG;
            return neg_errno();
        }
        for (int i = 0; i < n; i++) {
            finish_recv(&packets[i], &msgs[i].msg_hdr, msgs[i].msg_len);
        }
        return n;
    }
#endif
    int received = 0;
    for (; received < count; received++) {
        struct msghdr msg;
        struct sockaddr_storage name;
        ctrl_buf ctrl;
        int rc = prepare_recv(&packets[received], iov, iov_total, &msg, &name, &ctrl);
        if (rc < 0) {
            return received > 0 ? received : rc;
        }
        uint32_t call;
        ssize_t n = recv_one(fd, &msg, packets[received].flags & POLLEN_DGRAM_F_NO_CONTROL, &call);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || received > 0) {
                return received;
            }
            packets[0].call = call;
            return neg_errno();
        }
        finish_recv(&packets[received], &msg, (size_t) n);
    }
    return received;
}

#if defined(MCAST_JOIN_GROUP) && defined(MCAST_JOIN_SOURCE_GROUP)
/* Level of a membership: the group's own family; an IPv6 group needs an IPv6 socket. */
static int group_level(int ipv6, const uint8_t *group, int *level) {
    if (group[0] == 4) {
        *level = IPPROTO_IP;
        return 0;
    }
    if (group[0] == 16) {
        if (!ipv6) {
            return -EAFNOSUPPORT;
        }
        *level = IPPROTO_IPV6;
        return 0;
    }
    return -EINVAL;
}

static int source_request(int ipv6, const uint8_t *group, int iface, const uint8_t *source,
                          struct group_source_req *req, int *level) {
    int rc = group_level(ipv6, group, level);
    if (rc < 0) {
        return rc;
    }
    if (source[0] != group[0]) {
        return -EINVAL;
    }
    socklen_t len;
    memset(req, 0, sizeof(*req));
    req->gsr_interface = (uint32_t) iface;
    if ((rc = addr_to_native_family(group, &req->gsr_group, &len)) < 0
            || (rc = addr_to_native_family(source, &req->gsr_source, &len)) < 0) {
        return rc;
    }
    return 0;
}
#endif

int pollen_dgram_membership(pollen_fd fd, int ipv6, int join, const uint8_t *group, int iface,
                            const uint8_t *source) {
    if (group == NULL || iface < 0) {
        return -EINVAL;
    }
#if defined(MCAST_JOIN_GROUP) && defined(MCAST_JOIN_SOURCE_GROUP)
    int level, rc;
    if (source == NULL) {
        struct group_req req;
        socklen_t len;
        if ((rc = group_level(ipv6, group, &level)) < 0) {
            return rc;
        }
        memset(&req, 0, sizeof(req));
        req.gr_interface = (uint32_t) iface;
        if ((rc = addr_to_native_family(group, &req.gr_group, &len)) < 0) {
            return rc;
        }
        rc = setsockopt(fd, level, join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP, &req, sizeof(req));
    } else {
        struct group_source_req req;
        if ((rc = source_request(ipv6, group, iface, source, &req, &level)) < 0) {
            return rc;
        }
        rc = setsockopt(fd, level, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP, &req, sizeof(req));
    }
    return rc < 0 ? neg_errno() : 0;
#else
    (void) fd; (void) ipv6; (void) join; (void) source;
    return -ENOPROTOOPT;
#endif
}

int pollen_dgram_block(pollen_fd fd, int ipv6, int block, const uint8_t *group, int iface,
                       const uint8_t *source) {
    if (group == NULL || source == NULL || iface < 0) {
        return -EINVAL;
    }
#if defined(MCAST_BLOCK_SOURCE) && defined(MCAST_JOIN_SOURCE_GROUP)
    struct group_source_req req;
    int level;
    int rc = source_request(ipv6, group, iface, source, &req, &level);
    if (rc < 0) {
        return rc;
    }
    rc = setsockopt(fd, level, block ? MCAST_BLOCK_SOURCE : MCAST_UNBLOCK_SOURCE, &req, sizeof(req));
    return rc < 0 ? neg_errno() : 0;
#else
    (void) fd; (void) ipv6; (void) block;
    return -ENOPROTOOPT;
#endif
}

int pollen_dgram_set_multicast_if(pollen_fd fd, int ipv6, int iface, const uint8_t *addr) {
    if (iface < 0 || (addr != NULL && addr[0] != 4)) {
        return -EINVAL;
    }
    int rc4;
#if defined(__linux__) || defined(__FreeBSD__)
    struct ip_mreqn mreq;
    memset(&mreq, 0, sizeof(mreq));
    mreq.imr_ifindex = iface;
    if (addr != NULL) {
        memcpy(&mreq.imr_address, addr + 1, 4);
    }
    rc4 = setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq));
#else
    struct in_addr in;
    memset(&in, 0, sizeof(in));
    if (addr != NULL) {
        memcpy(&in, addr + 1, 4);
    }
    rc4 = setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &in, sizeof(in));
#endif
    if (!ipv6) {
        return rc4 < 0 ? neg_errno() : 0;
    }
    /* Dual stack: the IPv4 part is best effort, the IPv6 interface decides. */
    unsigned int idx = (unsigned int) iface;
    return setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) < 0 ? neg_errno() : 0;
}

int pollen_dgram_get_multicast_if(pollen_fd fd, int ipv6, uint8_t *addr) {
    if (addr == NULL) {
        return -EINVAL;
    }
    memset(addr, 0, POLLEN_ADDR_SIZE);
    if (ipv6) {
        unsigned int idx = 0;
        socklen_t len = sizeof(idx);
        if (getsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, &len) < 0) {
            return neg_errno();
        }
        return (int) idx;
    }
    struct in_addr in;
    socklen_t len = sizeof(in);
    memset(&in, 0, sizeof(in));
    if (getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &in, &len) < 0) {
        return neg_errno();
    }
    addr[0] = 4;
    memcpy(addr + 1, &in, 4);
    return 0;
}

static int set_int(pollen_fd fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? neg_errno() : 0;
}

static int get_int(pollen_fd fd, int level, int name, int *value) {
    int v = 0;
    socklen_t len = sizeof(v);
    if (getsockopt(fd, level, name, &v, &len) < 0) {
        return neg_errno();
    }
    *value = len == 1 ? (int) *(unsigned char *) &v : v;
    return 0;
}

static int set_uchar(pollen_fd fd, int level, int name, int value) {
    unsigned char v = (unsigned char) value;
    return setsockopt(fd, level, name, &v, sizeof(v)) < 0 ? neg_errno() : 0;
}

int pollen_dgram_set_option(pollen_fd fd, int ipv6, int option, int value) {
    int rc;
    switch (option) {
    case POLLEN_DGRAM_MULTICAST_LOOP:
        rc = set_uchar(fd, IPPROTO_IP, IP_MULTICAST_LOOP, value != 0);
        if (ipv6) {
            rc = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, value != 0);
        }
        return rc;
    case POLLEN_DGRAM_MULTICAST_TTL:
        if (value < 0 || value > 255) {
            return -EINVAL;
        }
        rc = set_uchar(fd, IPPROTO_IP, IP_MULTICAST_TTL, value);
        if (ipv6) {
            rc = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, value);
        }
        return rc;
#ifdef __linux__
    case POLLEN_DGRAM_MULTICAST_ALL:
        rc = set_int(fd, IPPROTO_IP, IP_MULTICAST_ALL, value != 0);
        if (ipv6 && rc == 0) {
            /* IPV6_MULTICAST_ALL arrived in Linux 4.20; older kernels have the IPv4 part only. */
            int rc6 = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, value != 0);
            rc = rc6 == -ENOPROTOOPT ? 0 : rc6;
        }
        return rc;
    case POLLEN_DGRAM_RECVORIGDSTADDR:
        rc = set_int(fd, IPPROTO_IP, IP_RECVORIGDSTADDR, value != 0);
        if (ipv6 && rc == 0) {
            rc = set_int(fd, IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, value != 0);
        }
        return rc;
    case POLLEN_DGRAM_FREEBIND:
        return set_int(fd, IPPROTO_IP, IP_FREEBIND, value != 0);
    case POLLEN_DGRAM_TRANSPARENT:
        rc = set_int(fd, IPPROTO_IP, IP_TRANSPARENT, value != 0);
        if (ipv6 && rc == 0) {
            rc = set_int(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, value != 0);
        }
        return rc;
    case POLLEN_DGRAM_UDP_GRO:
        return set_int(fd, SOL_UDP, UDP_GRO, value != 0);
    case POLLEN_DGRAM_UDP_SEGMENT:
        if (value < 0 || value > 65535) {
            return -EINVAL;
        }
        return set_int(fd, SOL_UDP, UDP_SEGMENT, value);
#endif
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
        return ipv6 ? get_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, value)
                    : get_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, value);
    case POLLEN_DGRAM_MULTICAST_TTL:
        return ipv6 ? get_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, value)
                    : get_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, value);
#ifdef __linux__
    case POLLEN_DGRAM_MULTICAST_ALL:
        return get_int(fd, IPPROTO_IP, IP_MULTICAST_ALL, value);
    case POLLEN_DGRAM_RECVORIGDSTADDR:
        return get_int(fd, IPPROTO_IP, IP_RECVORIGDSTADDR, value);
    case POLLEN_DGRAM_FREEBIND:
        return get_int(fd, IPPROTO_IP, IP_FREEBIND, value);
    case POLLEN_DGRAM_TRANSPARENT:
        return get_int(fd, IPPROTO_IP, IP_TRANSPARENT, value);
    case POLLEN_DGRAM_UDP_GRO:
        return get_int(fd, SOL_UDP, UDP_GRO, value);
    case POLLEN_DGRAM_UDP_SEGMENT:
        return get_int(fd, SOL_UDP, UDP_SEGMENT, value);
#endif
    default:
        return -ENOPROTOOPT;
    }
}

int pollen_dgram_probe(int capability) {
#ifdef __linux__
    pollen_fd fd;
    if (pollen_socket_datagram(&fd, 0) < 0) {
        return 0;
    }
    int ok = 0;
    switch (capability) {
    case POLLEN_DGRAM_CAP_GSO:
        ok = set_int(fd, SOL_UDP, UDP_SEGMENT, 1200) == 0;
        break;
    case POLLEN_DGRAM_CAP_GRO:
        ok = set_int(fd, SOL_UDP, UDP_GRO, 1) == 0;
        break;
    case POLLEN_DGRAM_CAP_MMSG: {
        struct mmsghdr m;
        char b;
        struct iovec v = { &b, 1 };
        memset(&m, 0, sizeof(m));
        m.msg_hdr.msg_iov = &v;
        m.msg_hdr.msg_iovlen = 1;
        ok = recvmmsg(fd, &m, 1, MSG_DONTWAIT, NULL) >= 0 || errno != ENOSYS;
        break;
    }
    default:
        break;
    }
    close(fd);
    return ok;
#else
    (void) capability;
    return 0;
#endif
}

#endif /* !_WIN32 */
