/* A peer's reset (abortive close) is ERROR|READ_CLOSED, reported even without READ interest. */
#include "wepoll_test.h"

static void reset(pollen_fd s) {
    struct linger l = { 1, 0 };
    CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *) &l, sizeof(l)) == 0);
    CHECK_RC(pollen_socket_close(s));
}

int main(void) {
    test_start("reset");
    pollen_poller *p;
    pollen_fd a, b, c, d;
    char buf[8];
    test_tcp_pair(&a, &b);
    test_tcp_pair(&c, &d);
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 1));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, d, 0, 2));
    reset(a);
    reset(c);
    uint32_t r1 = test_wait_token(p, 1);
    CHECK(r1 & POLLEN_READY_ERROR);
    CHECK(r1 & POLLEN_READY_READ_CLOSED);
    CHECK(test_wait_token(p, 2) == (POLLEN_READY_ERROR | POLLEN_READY_READ_CLOSED));
    int rc = pollen_socket_recv(b, buf, sizeof(buf));
    CHECK(rc == -ECONNRESET || rc == 0);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, b, 0, 1));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, d, 0, 2));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_socket_close(d));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
