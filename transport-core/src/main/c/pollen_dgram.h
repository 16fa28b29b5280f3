/*
 * Datagram (UDP) sockets, for every POSIX transport. Every function returns >= 0 on success or
 * a negative errno. Addresses use the 24-byte form of pollen_socket.h.
 *
 * Batched I/O works on a caller-owned "packet array" in native memory: count consecutive
 * pollen_dgram_packet records (layout fixed, 4-byte aligned, native byte order) plus a table of
 * struct iovec that the records index into. Java fills and reads both through direct buffers,
 * so a batch costs one JNI call and no allocation.
 */
#ifndef POLLEN_DGRAM_H
#define POLLEN_DGRAM_H

#include <stdint.h>

#include "pollen_socket.h"

/* Largest number of datagrams one batched call handles; larger counts are clamped. */
#define POLLEN_DGRAM_MAX_BATCH 64

/* The record layout, as offsets, for the Java side. */
#define POLLEN_DGRAM_PACKET_SIZE 72
#define POLLEN_DGRAM_OFF_IOV_INDEX 0    /* in: first iovec of this datagram in the table */
#define POLLEN_DGRAM_OFF_IOV_COUNT 4    /* in: number of iovecs */
#define POLLEN_DGRAM_OFF_LENGTH 8       /* out: bytes received / sent */
#define POLLEN_DGRAM_OFF_SEGMENT 12     /* in: UDP GSO segment size (0: none); out: GRO segment size */
#define POLLEN_DGRAM_OFF_ADDR 16        /* in: destination (length byte 0: none); out: sender */
#define POLLEN_DGRAM_OFF_ORIG_DST 40    /* out: original destination (IP_RECVORIGDSTADDR), length 0 if absent */
#define POLLEN_DGRAM_OFF_FLAGS 64       /* in: POLLEN_DGRAM_F_NO_CONTROL; out: POLLEN_DGRAM_F_TRUNCATED */
#define POLLEN_DGRAM_OFF_CALL 68        /* out, first record only: the call that failed (enum pollen_dgram_call) */

#define POLLEN_DGRAM_F_TRUNCATED 0x1    /* out: the datagram did not fit its buffers */
/*
 * in (receive): no control message is wanted for this datagram (the socket has neither UDP_GRO
 * nor IP_RECVORIGDSTADDR on), so where the platform can it reads with recvfrom, which spares
 * the kernel copying a msghdr in; segment and orig_dst then come back 0.
 */
#define POLLEN_DGRAM_F_NO_CONTROL 0x100

typedef struct pollen_dgram_packet {
    uint32_t iov_index;
    uint32_t iov_count;
    int32_t length;
    int32_t segment;
    uint8_t addr[POLLEN_ADDR_SIZE];
    uint8_t orig_dst[POLLEN_ADDR_SIZE];
    uint32_t flags;
    uint32_t call;
} pollen_dgram_packet;

/*
 * Which system call a failed send or receive made, so its error can name it: send and receive
 * set packets[0].call on every negative return (NONE when no call was made: a bad record).
 */
enum pollen_dgram_call {
    POLLEN_DGRAM_CALL_NONE = 0,
    POLLEN_DGRAM_CALL_SENDMSG,
    POLLEN_DGRAM_CALL_SENDMMSG,
    POLLEN_DGRAM_CALL_SENDTO,
    POLLEN_DGRAM_CALL_RECVMSG,
    POLLEN_DGRAM_CALL_RECVMMSG,
    POLLEN_DGRAM_CALL_RECVFROM,
    POLLEN_DGRAM_CALL_WSASENDTO,
    POLLEN_DGRAM_CALL_WSARECVFROM,
    POLLEN_DGRAM_CALL_COUNT
};

/* Datagram-only options; ids distinct from enum pollen_option. */
enum pollen_dgram_option {
    POLLEN_DGRAM_MULTICAST_LOOP = 1,   /* IP_MULTICAST_LOOP (+ IPV6_MULTICAST_LOOP) */
    POLLEN_DGRAM_MULTICAST_TTL,        /* IP_MULTICAST_TTL (+ IPV6_MULTICAST_HOPS) */
    POLLEN_DGRAM_MULTICAST_ALL,        /* Linux: IP_MULTICAST_ALL (+ IPV6_MULTICAST_ALL) */
    POLLEN_DGRAM_RECVORIGDSTADDR,      /* Linux: IP_RECVORIGDSTADDR (+ IPV6_RECVORIGDSTADDR) */
    POLLEN_DGRAM_FREEBIND,             /* Linux: IP_FREEBIND */
    POLLEN_DGRAM_TRANSPARENT,          /* Linux: IP_TRANSPARENT (+ IPV6_TRANSPARENT) */
    POLLEN_DGRAM_UDP_GRO,              /* Linux: UDP_GRO */
    POLLEN_DGRAM_UDP_SEGMENT,          /* Linux: UDP_SEGMENT, the socket's default GSO size */
    POLLEN_DGRAM_OPTION_MAX
};

/* Capabilities for pollen_dgram_probe. */
#define POLLEN_DGRAM_CAP_GSO 1
#define POLLEN_DGRAM_CAP_GRO 2
#define POLLEN_DGRAM_CAP_MMSG 3

/* Dissolves a datagram socket's association (connect to AF_UNSPEC). */
int pollen_dgram_disconnect(pollen_fd fd);

/* The pending socket error (SO_ERROR), cleared by the call: 0 or a negative errno. */
int pollen_dgram_take_error(pollen_fd fd);

/*
 * Sends packets[0..count) in one call where the platform allows (sendmmsg), looping sendmsg
 * elsewhere. Returns the number of datagrams sent (>= 1), or the first datagram's error.
 */
int pollen_dgram_send(pollen_fd fd, int ipv6, pollen_dgram_packet *packets, int count,
                      const void *iov, int iov_total);

/*
 * Receives up to count datagrams, one per record, into each record's iovecs. Returns the number
 * received (0 means none was waiting, never EAGAIN), or a negative errno.
 */
int pollen_dgram_recv(pollen_fd fd, int ipv6, pollen_dgram_packet *packets, int count,
                      const void *iov, int iov_total);

/*
 * Any-source (source NULL) or source-specific membership; iface is an interface index (0: let
 * the kernel choose). join 1: join, 0: leave.
 */
int pollen_dgram_membership(pollen_fd fd, int ipv6, int join, const uint8_t *group, int iface,
                            const uint8_t *source);

/* Blocks (block 1) or unblocks traffic from source to an any-source membership. */
int pollen_dgram_block(pollen_fd fd, int ipv6, int block, const uint8_t *group, int iface,
                       const uint8_t *source);

/* Outgoing multicast interface: by index (v6 sockets and Linux) and/or IPv4 address (addr may be NULL). */
int pollen_dgram_set_multicast_if(pollen_fd fd, int ipv6, int iface, const uint8_t *addr);

/* Returns the interface index where known (v6 sockets), else 0 and the IPv4 address in addr. */
int pollen_dgram_get_multicast_if(pollen_fd fd, int ipv6, uint8_t *addr);

int pollen_dgram_set_option(pollen_fd fd, int ipv6, int option, int value);
int pollen_dgram_get_option(pollen_fd fd, int ipv6, int option, int *value);

/* 1 if this host supports the POLLEN_DGRAM_CAP_* (probed with a real socket), 0 if not. */
int pollen_dgram_probe(int capability);

#endif
