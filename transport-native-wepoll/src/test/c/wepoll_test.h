/* Helpers for the wepoll backend's own tests (one program per behaviour), on top of pollen_test.h. */
#ifndef WEPOLL_TEST_H
#define WEPOLL_TEST_H

#include <errno.h>

#include "pollen_errno_win.h"
#include "pollen_socket.h"
#include "pollen_test.h"
#include "pollen_poller.h"

/* Generous: only bounds a hang; every wait returns as soon as its event is there. */
#define WAIT_NS 5000000000LL

static const uint8_t LOOPBACK4[POLLEN_ADDR_SIZE] = { 4, 127, 0, 0, 1 };

static inline void test_listener(pollen_fd *listener, uint8_t *addr) {
    CHECK_RC(pollen_socket_stream(listener, 0));
    CHECK_RC(pollen_socket_bind(*listener, 0, LOOPBACK4));
    CHECK_RC(pollen_socket_listen(*listener, SOMAXCONN));
    CHECK_RC(pollen_socket_local_address(*listener, addr));
}

/* Blocks (in short sleeps) until accept succeeds, bounded by WAIT_NS. */
static inline void test_accept_one(pollen_fd listener, pollen_fd *server) {
    uint8_t peer[POLLEN_ADDR_SIZE];
    int rc;
    for (int i = 0; (rc = pollen_socket_accept(listener, server, peer)) == -EAGAIN && i < 5000; i++) {
        Sleep(1);
    }
    CHECK_RC(rc);
}

/* A connected loopback TCP pair. */
static inline void test_tcp_pair(pollen_fd *client, pollen_fd *server) {
    pollen_fd listener;
    uint8_t addr[POLLEN_ADDR_SIZE];
    test_listener(&listener, addr);
    CHECK_RC(pollen_socket_stream(client, 0));
    CHECK_RC(pollen_socket_connect(*client, 0, addr));
    test_accept_one(listener, server);
    int rc;
    for (int i = 0; (rc = pollen_socket_finish_connect(*client)) == 0 && i < 5000; i++) {
        Sleep(1);
    }
    CHECK(rc == 1);
    CHECK_RC(pollen_socket_close(listener));
}

static inline int test_wait(pollen_poller *p, pollen_event *ev, int max, int64_t timeout_ns) {
    int n = pollen_poller_wait(p, ev, max, timeout_ns);
    CHECK_RC(n);
    return n;
}

/* Waits until an event for token arrives (others are ignored); returns its readiness. */
static inline uint32_t test_wait_token(pollen_poller *p, uint64_t token) {
    pollen_event ev[16];
    for (int round = 0; round < 50; round++) {
        int n = test_wait(p, ev, 16, WAIT_NS / 50);
        for (int i = 0; i < n; i++) {
            if (ev[i].token == token) {
                return ev[i].ready;
            }
        }
    }
    fprintf(stderr, "no event for token %llu\n", (unsigned long long) token);
    exit(1);
}

static inline void test_start(const char *name) {
    WSADATA wsa;
    CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("%s (backend %s, capabilities 0x%x)\n", name, pollen_poller_name(), pollen_poller_capabilities());
}

#endif
