/*
 * Helpers for the Winsock socket layer's own tests (one program per behaviour). They wait with
 * select() rather than the poller, so a failure points at the socket layer alone. Nothing here
 * calls WSAStartup: the layer must start Winsock by itself on first use.
 */
#ifndef SOCKET_TEST_H
#define SOCKET_TEST_H

#include <errno.h>

#include "pollen_dgram.h"
#include "pollen_errno_win.h"
#include "pollen_socket.h"
#include "pollen_test.h"

/* Like CHECK(expr == want), printing what expr gave instead. */
#define CHECK_IS(expr, want) do { \
        long long got_ = (long long) (expr), want_ = (long long) (want); \
        if (got_ != want_) { \
            fprintf(stderr, "%s:%d: %s gave %lld, expected %s (%lld)\n", __FILE__, __LINE__, #expr, got_, #want, want_); \
            exit(1); \
        } \
    } while (0)

/* Generous: only bounds a hang; every wait returns as soon as the socket is ready. */
#define WAIT_MS 5000

/* The 16-byte { void *base; size_t len; } pairs (struct iovec's layout) the layer reads. */
typedef struct test_iov {
    void *base;
    size_t len;
} test_iov;

static const uint8_t LOOPBACK4[POLLEN_ADDR_SIZE] = { 4, 127, 0, 0, 1 };
static const uint8_t ANY4[POLLEN_ADDR_SIZE] = { 4 };
static const uint8_t ANY6[POLLEN_ADDR_SIZE] = { 16 };
static const uint8_t LOOPBACK6[POLLEN_ADDR_SIZE] = { 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static inline void socket_test_start(const char *name) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("%s\n", name);
}

/* Wine exports wine_get_version from its ntdll: where Wine lacks a Windows feature, tests say so. */
static inline int under_wine(void) {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

/* The port of a 24-byte address, copied into another address. */
static inline void with_port(uint8_t *addr, const uint8_t *from) {
    addr[17] = from[17];
    addr[18] = from[18];
}

/* Waits (bounded) for readable, or for an error that a read would report. */
static inline void wait_readable_at(pollen_fd fd, const char *file, int line) {
    fd_set r, x;
    struct timeval tv = { WAIT_MS / 1000, 0 };
    FD_ZERO(&r);
    FD_ZERO(&x);
    FD_SET(fd, &r);
    FD_SET(fd, &x);
    if (select(0, &r, NULL, &x, &tv) < 1) {
        fprintf(stderr, "%s:%d: socket not readable within %d ms\n", file, line, WAIT_MS);
        exit(1);
    }
}
#define wait_readable(fd) wait_readable_at((fd), __FILE__, __LINE__)

static inline void one_packet(pollen_dgram_packet *p, const uint8_t *addr, uint32_t iov_index, uint32_t iov_count) {
    memset(p, 0, sizeof(*p));
    p->iov_index = iov_index;
    p->iov_count = iov_count;
    if (addr != NULL) {
        memcpy(p->addr, addr, POLLEN_ADDR_SIZE);
    }
}

/*
 * Reads once something (data, end of stream or an error) is there, polling recv itself
 * (bounded) so that the read is the first call to look at what arrived.
 */
static inline int recv_when_ready(pollen_fd fd, char *buf, int len) {
    int rc;
    for (int i = 0; (rc = pollen_socket_recv(fd, buf, len)) == -EAGAIN && i < WAIT_MS; i++) {
        Sleep(1);
    }
    return rc;
}

/*
 * A connected UDP socket's pending error: Windows reports an ICMP port unreachable on the next
 * receive, Wine 8 in SO_ERROR only (pollen_dgram_take_error). Returns the first one seen.
 */
static inline int dgram_error_when_ready(pollen_fd fd, pollen_dgram_packet *p, void *buf, size_t len) {
    test_iov iov = { buf, len };
    int rc = 0;
    for (int i = 0; rc == 0 && i < WAIT_MS; i++) {
        one_packet(p, NULL, 0, 1);
        if ((rc = pollen_dgram_take_error(fd)) == 0 && (rc = pollen_dgram_recv(fd, 0, p, 1, &iov, 1)) == 0) {
            Sleep(1);
        }
    }
    return rc;
}

/* Waits (bounded) until a connect completes or fails: writable or in the exception set. */
static inline void wait_connect_done(pollen_fd fd) {
    fd_set w, x;
    struct timeval tv = { WAIT_MS / 1000, 0 };
    FD_ZERO(&w);
    FD_ZERO(&x);
    FD_SET(fd, &w);
    FD_SET(fd, &x);
    CHECK(select(0, NULL, &w, &x, &tv) >= 1);
}

/* Finishes a connect: waits while finish_connect answers "in progress"; returns its final answer. */
static inline int finish_connect(pollen_fd fd) {
    int rc;
    for (int i = 0; i < 100 && (rc = pollen_socket_finish_connect(fd)) == 0; i++) {
        wait_connect_done(fd);
    }
    return rc;
}

static inline void listener_on(pollen_fd *listener, int ipv6, const uint8_t *where, uint8_t *addr) {
    CHECK_RC(pollen_socket_stream(listener, ipv6));
    CHECK_RC(pollen_socket_bind(*listener, ipv6, where));
    CHECK_RC(pollen_socket_listen(*listener, SOMAXCONN));
    CHECK_RC(pollen_socket_local_address(*listener, addr));
}

/* A connected loopback TCP pair: client connected through the layer, server accepted by it. */
static inline void tcp_pair(pollen_fd *client, pollen_fd *server) {
    pollen_fd listener;
    uint8_t addr[POLLEN_ADDR_SIZE], peer[POLLEN_ADDR_SIZE];
    listener_on(&listener, 0, LOOPBACK4, addr);
    CHECK_RC(pollen_socket_stream(client, 0));
    int rc = pollen_socket_connect(*client, 0, addr);
    CHECK(rc == 0 || rc == 1);
    wait_readable(listener);
    CHECK_RC(pollen_socket_accept(listener, server, peer));
    CHECK(finish_connect(*client) == 1);
    CHECK_RC(pollen_socket_close(listener));
}

/* Receives exactly len bytes (bounded waits). */
static inline void recv_all(pollen_fd fd, char *buf, int len) {
    int got = 0;
    while (got < len) {
        int n = pollen_socket_recv(fd, buf + got, len - got);
        if (n == -EAGAIN) {
            wait_readable(fd);
            continue;
        }
        CHECK_RC(n);
        CHECK(n > 0);
        got += n;
    }
}

/* A UDP socket bound to where, and its address (with the chosen port). */
static inline pollen_fd udp_bound(int ipv6, const uint8_t *where, uint8_t *addr) {
    pollen_fd fd;
    CHECK_RC(pollen_socket_datagram(&fd, ipv6));
    CHECK_RC(pollen_socket_bind(fd, ipv6, where));
    CHECK_RC(pollen_socket_local_address(fd, addr));
    return fd;
}

/* Receives one datagram into buf (bounded wait); returns pollen_dgram_recv's answer. */
static inline int recv_one_at(pollen_fd fd, int ipv6, pollen_dgram_packet *p, void *buf, size_t len,
                              const char *file, int line) {
    test_iov iov = { buf, len };
    wait_readable_at(fd, file, line);
    one_packet(p, NULL, 0, 1);
    return pollen_dgram_recv(fd, ipv6, p, 1, &iov, 1);
}
#define recv_one(fd, ipv6, p, buf, len) recv_one_at((fd), (ipv6), (p), (buf), (len), __FILE__, __LINE__)

#endif
