/*
 * AFD handle groups: registrations spread over AFD handles of at most POLLEN_GROUP_MAX sockets,
 * emptied handles close as their cancelled polls come back, freed room is filled again, and
 * every registration keeps its events wherever its handle is.
 */
#include "pollen_wepoll_internal.h"
#include "wepoll_test.h"

enum { N = 100, REMOVED = 70, BATCH = 64 };

static pollen_fd client[N], server[N];

static size_t sockets_in(const pollen_afd_group *g, size_t *groups) {
    size_t total = 0;
    for (; g != NULL; g = g->next) {
        CHECK(g->size > 0 || g->prev == NULL);
        CHECK(g->size <= POLLEN_GROUP_MAX);
        total += (size_t) g->size;
        ++*groups;
    }
    return total;
}

/* Checks the lists agree with the count and holds `want` sockets; returns the group count. */
static size_t check_groups(pollen_poller *p, size_t want) {
    size_t groups = 0;
    size_t total = sockets_in(p->open_groups, &groups) + sockets_in(p->full_groups, &groups);
    CHECK(groups == p->group_count);
    CHECK(total == want);
    for (const pollen_afd_group *g = p->full_groups; g != NULL; g = g->next) {
        CHECK(g->size == POLLEN_GROUP_MAX);
    }
    return groups;
}

static void add(pollen_poller *p, int from, int to) {
    for (int i = from; i < to; i++) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, server[i], POLLEN_INTEREST_READ, (uint64_t) i));
    }
}

int main(void) {
    test_start("AFD handle groups");
    pollen_poller *p;
    pollen_fd listener;
    uint8_t addr[POLLEN_ADDR_SIZE];
    pollen_event ev[BATCH];
    static int seen[N];
    char buf[4];
    test_listener(&listener, addr);
    for (int i = 0; i < N; i++) {
        CHECK_RC(pollen_socket_stream(&client[i], 0));
        CHECK_RC(pollen_socket_connect(client[i], 0, addr));
        test_accept_one(listener, &server[i]);
    }
    CHECK_RC(pollen_poller_create(&p, BATCH));
    /* The first handle opens with the poller, empty. */
    CHECK(check_groups(p, 0) == 1);

    add(p, 0, N);
    CHECK(check_groups(p, N) == (N + POLLEN_GROUP_MAX - 1) / POLLEN_GROUP_MAX);
    /* Submit every poll: nothing is readable, all stay outstanding. */
    CHECK(test_wait(p, ev, BATCH, 0) == 0);

    /* Deleting cancels the polls; each socket leaves its handle when its cancellation comes back. */
    for (int i = 0; i < REMOVED; i++) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, server[i], 0, (uint64_t) i));
    }
    for (int spins = 0; p->outstanding > N - REMOVED && spins < 1000; spins++) {
        CHECK(test_wait(p, ev, BATCH, 5000000) == 0);
    }
    CHECK(p->outstanding == N - REMOVED);
    size_t after_delete = check_groups(p, N - REMOVED);
    /* Handles left empty closed: only those still holding a socket remain (one spare at most). */
    CHECK(after_delete <= (size_t) (N - REMOVED + POLLEN_GROUP_MAX - 1) / POLLEN_GROUP_MAX + 1);
    CHECK(after_delete < (size_t) (N + POLLEN_GROUP_MAX - 1) / POLLEN_GROUP_MAX);

    /* Registering again fills the room left before opening handles. */
    add(p, 0, REMOVED);
    CHECK(check_groups(p, N) <= (size_t) (N + POLLEN_GROUP_MAX - 1) / POLLEN_GROUP_MAX + 1);

    /* Every registration reports its readiness, whichever handle it went through. */
    for (int i = 0; i < N; i++) {
        CHECK(pollen_socket_send(client[i], "g", 1) == 1);
    }
    int total = 0;
    for (int spins = 0; total < N && spins < 10000; spins++) {
        int n = test_wait(p, ev, BATCH, WAIT_NS);
        for (int i = 0; i < n; i++) {
            CHECK(ev[i].token < N);
            CHECK(ev[i].ready == POLLEN_READY_READABLE);
            if (seen[ev[i].token]++ == 0) {
                total++;
                CHECK(pollen_socket_recv(server[ev[i].token], buf, sizeof(buf)) == 1);
            }
        }
    }
    CHECK(total == N);

    CHECK_RC(pollen_poller_close(p));
    for (int i = 0; i < N; i++) {
        CHECK_RC(pollen_socket_close(client[i]));
        CHECK_RC(pollen_socket_close(server[i]));
    }
    CHECK_RC(pollen_socket_close(listener));
    printf("  ok (%d registrations over %d handles, %zu after deleting %d)\n", N,
           (N + POLLEN_GROUP_MAX - 1) / POLLEN_GROUP_MAX, after_delete, REMOVED);
    return 0;
}
