/* Many registrations: every one is reported exactly once per round, in batches smaller than the set. */
#include "wepoll_test.h"

enum { N = 500, BATCH = 64 };

static pollen_fd client[N], server[N];

static void collect(pollen_poller *p, int *seen, uint32_t expect) {
    pollen_event ev[BATCH];
    int total = 0;
    memset(seen, 0, sizeof(int) * N);
    /* Level-triggered: each socket comes back on every wait, so count each token once per round. */
    for (int spins = 0; total < N && spins < 10000; spins++) {
        int n = test_wait(p, ev, BATCH, WAIT_NS);
        for (int i = 0; i < n; i++) {
            CHECK(ev[i].token < N);
            CHECK(ev[i].ready == expect);
            if (seen[ev[i].token]++ == 0) {
                total++;
            }
        }
    }
    CHECK(total == N);
}

int main(void) {
    test_start("many sockets");
    pollen_poller *p;
    pollen_fd listener;
    uint8_t addr[POLLEN_ADDR_SIZE];
    static int seen[N];
    char buf[4];
    test_listener(&listener, addr);
    for (int i = 0; i < N; i++) {
        CHECK_RC(pollen_socket_stream(&client[i], 0));
        CHECK_RC(pollen_socket_connect(client[i], 0, addr));
        test_accept_one(listener, &server[i]);
    }
    CHECK_RC(pollen_poller_create(&p, BATCH));
    for (int i = 0; i < N; i++) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, server[i], POLLEN_INTEREST_READ, (uint64_t) i));
    }
    pollen_event ev[BATCH];
    CHECK(test_wait(p, ev, BATCH, 0) == 0);
    for (int i = 0; i < N; i++) {
        CHECK(pollen_socket_send(client[i], "m", 1) == 1);
    }
    collect(p, seen, POLLEN_READY_READABLE);
    /* Switch every registration to WRITE after draining: all report writable. */
    for (int i = 0; i < N; i++) {
        CHECK(pollen_socket_recv(server[i], buf, sizeof(buf)) == 1);
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, server[i], POLLEN_INTEREST_WRITE, (uint64_t) i));
    }
    collect(p, seen, POLLEN_READY_WRITABLE);
    /* Delete every other one; only the rest stay. */
    for (int i = 0; i < N; i += 2) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, server[i], 0, (uint64_t) i));
    }
    int odd = 0;
    memset(seen, 0, sizeof(seen));
    for (int spins = 0; odd < N / 2 && spins < 10000; spins++) {
        int n = test_wait(p, ev, BATCH, WAIT_NS);
        for (int i = 0; i < n; i++) {
            CHECK(ev[i].token % 2 == 1);
            if (seen[ev[i].token]++ == 0) {
                odd++;
            }
        }
    }
    CHECK(odd == N / 2);
    CHECK_RC(pollen_poller_close(p));
    for (int i = 0; i < N; i++) {
        CHECK_RC(pollen_socket_close(client[i]));
        CHECK_RC(pollen_socket_close(server[i]));
    }
    CHECK_RC(pollen_socket_close(listener));
    printf("  ok (%d connections)\n", N);
    return 0;
}
