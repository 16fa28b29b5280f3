/*
 * The 24-byte address form (pollen_socket.h) to and from a sockaddr: the same code for POSIX and
 * Winsock, whose sockaddr_in / sockaddr_in6 share their layout.
 */
#include <errno.h>
#include <string.h>
#ifndef _WIN32
#include <netinet/in.h>
#include <arpa/inet.h>
#endif

#include "pollen_socket.h"

/* Decodes the 24-byte address form into a sockaddr fitting the socket's family. */
int pollen_addr_to_sockaddr(int ipv6, const uint8_t *addr, struct sockaddr_storage *ss, socklen_t *len) {
    int alen = addr[0];
    uint16_t port = (uint16_t) ((addr[17] << 8) | addr[18]);
    memset(ss, 0, sizeof(*ss));
    if (alen != 4 && alen != 16) {
        return -EINVAL; /* malformed: neither IPv4 nor IPv6 */
    }
    if (ipv6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        if (alen == 4) {
            s6->sin6_addr.s6_addr[10] = 0xff;
            s6->sin6_addr.s6_addr[11] = 0xff;
            memcpy(&s6->sin6_addr.s6_addr[12], addr + 1, 4);
        } else {
            memcpy(&s6->sin6_addr, addr + 1, 16);
            s6->sin6_scope_id = ((uint32_t) addr[20] << 24) | ((uint32_t) addr[21] << 16) |
                                ((uint32_t) addr[22] << 8) | addr[23];
        }
        *len = sizeof(*s6);
    } else {
        if (alen != 4) {
            return -EAFNOSUPPORT;
        }
        struct sockaddr_in *s4 = (struct sockaddr_in *) ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        memcpy(&s4->sin_addr, addr + 1, 4);
        *len = sizeof(*s4);
    }
    return 0;
}

/* Encodes a sockaddr; IPv4-mapped IPv6 addresses come back as plain IPv4. */
int pollen_addr_from_sockaddr(const struct sockaddr_storage *ss, uint8_t *addr) {
    memset(addr, 0, POLLEN_ADDR_SIZE);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *) ss;
        uint16_t port = ntohs(s4->sin_port);
        addr[0] = 4;
        memcpy(addr + 1, &s4->sin_addr, 4);
        addr[17] = (uint8_t) (port >> 8);
        addr[18] = (uint8_t) port;
        return 0;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *) ss;
        uint16_t port = ntohs(s6->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
            addr[0] = 4;
            memcpy(addr + 1, &s6->sin6_addr.s6_addr[12], 4);
        } else {
            uint32_t scope = s6->sin6_scope_id;
            addr[0] = 16;
            memcpy(addr + 1, &s6->sin6_addr, 16);
            addr[20] = (uint8_t) (scope >> 24);
            addr[21] = (uint8_t) (scope >> 16);
            addr[22] = (uint8_t) (scope >> 8);
            addr[23] = (uint8_t) scope;
        }
        addr[17] = (uint8_t) (port >> 8);
        addr[18] = (uint8_t) port;
        return 0;
    }
    return -EAFNOSUPPORT;
}
