/*
 * How the AFD poller's cancel-heavy operations scale with the number of polls outstanding on its
 * AFD handle. Not a test (nothing is asserted about time): it prints, for each registration count
 * N, the cost per operation (the least of several rounds for re-arm, so other work on the
 * machine counts less) of
 *   - re-arm: a MOD that grows the interest (READ -> READ|WRITE) cancels the outstanding poll
 *     and the next wait submits a new one; timed from the MODs to the last WRITABLE reported;
 *   - delete: a DEL of a registration whose poll is outstanding (one cancel each).
 * and then, below the poller, the cost of one NtCancelIoFileEx with N polls outstanding, all on one
 * AFD handle or spread over handles of at most 32 polls each (wepoll's, mio's and polling's
 * grouping). A per-operation cost that rises with N on one handle and not with groups means
 * cancellation gets dearer as polls pile up on one handle, and groups pay.
 *
 *   bash transport-native-wepoll/src/test/build.sh bench_afd_scaling
 */
#include "pollen_afd.h"
#include "wepoll_test.h"

enum { BATCH = 256, REARM = 256, ROUNDS = 5 };

static double now_ms(void) {
    LARGE_INTEGER f, t;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t);
    return (double) t.QuadPart * 1000.0 / (double) f.QuadPart;
}

/* Waits until `want` registrations among the first `count` tokens reported `ready`. */
static void collect(pollen_poller *p, size_t count, int want, uint32_t ready, char *seen) {
    pollen_event ev[BATCH];
    int got = 0;
    memset(seen, 0, count);
    double deadline = now_ms() + 60000;
    while (got < want) {
        CHECK(now_ms() < deadline);
        int n = test_wait(p, ev, BATCH, WAIT_NS);
        for (int i = 0; i < n; i++) {
            if (ev[i].token < (uint64_t) count && (ev[i].ready & ready) && !seen[ev[i].token]) {
                seen[ev[i].token] = 1;
                got++;
            }
        }
    }
}

static void measure(int n) {
    if (n <= 0) {
        return;
    }
    pollen_fd listener, *client = malloc(sizeof(pollen_fd) * n), *server = malloc(sizeof(pollen_fd) * n);
    char *seen = malloc((size_t) n);
    uint8_t addr[POLLEN_ADDR_SIZE];
    pollen_event ev[BATCH];
    pollen_poller *p;
    CHECK(client != NULL && server != NULL && seen != NULL);
    test_listener(&listener, addr);
    for (int i = 0; i < n; i++) {
        CHECK_RC(pollen_socket_stream(&client[i], 0));
        CHECK_RC(pollen_socket_connect(client[i], 0, addr));
        test_accept_one(listener, &server[i]);
    }
    CHECK_RC(pollen_poller_create(&p, BATCH));
    for (int i = 0; i < n; i++) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, server[i], POLLEN_INTEREST_READ, (uint64_t) i));
    }
    /* Submits the N polls; nothing is readable, so all stay outstanding. */
    CHECK(test_wait(p, ev, BATCH, 0) == 0);

    int k = n < REARM ? n : REARM;
    double rearm = 1e300;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ms();
        for (int i = 0; i < k; i++) {
            CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, server[i], POLLEN_INTEREST_READ | POLLEN_INTEREST_WRITE,
                                       (uint64_t) i));
        }
        collect(p, (size_t) n, k, POLLEN_READY_WRITABLE, seen);
        double t = now_ms() - t0;
        rearm = t < rearm ? t : rearm;
        for (int i = 0; i < k; i++) {
            CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_MOD, server[i], POLLEN_INTEREST_READ, (uint64_t) i));
        }
        /* The writable polls complete and are resubmitted for READ only: back to N outstanding. */
        for (int i = 0; i < 8; i++) {
            test_wait(p, ev, BATCH, 0);
        }
    }

    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, server[i], 0, (uint64_t) i));
    }
    double del = now_ms() - t0;
    /* The cancelled polls' completions free their state. */
    t0 = now_ms();
    while (test_wait(p, ev, BATCH, 0) > 0 || now_ms() - t0 < 50) {
    }
    double drain = now_ms() - t0;

    printf("  %6d registrations: re-arm %8.2f us/op, delete %8.2f us/op, drain %8.2f ms\n", n,
           rearm * 1000.0 / k, del * 1000.0 / n, drain);
    CHECK_RC(pollen_poller_close(p));
    for (int i = 0; i < n; i++) {
        CHECK_RC(pollen_socket_close(client[i]));
        CHECK_RC(pollen_socket_close(server[i]));
    }
    CHECK_RC(pollen_socket_close(listener));
    free(client);
    free(server);
    free(seen);
}

/* Waits for `count` completion packets. */
static void drain_port(HANDLE iocp, int count) {
    OVERLAPPED_ENTRY entries[BATCH];
    for (int done = 0; done < count;) {
        ULONG got = 0;
        CHECK(GetQueuedCompletionStatusEx(iocp, entries, BATCH, &got, 5000, FALSE));
        done += (int) got;
    }
}

/*
 * The cost of one cancel with the N sockets' polls outstanding on AFD handles of `group` polls
 * each: the least of several rounds, so other work on the machine does not count.
 */
static double cancel_cost(int n, const SOCKET *base, int group) {
    int handles = (n + group - 1) / group, k = n < REARM ? n : REARM;
    HANDLE *afd = malloc(sizeof(HANDLE) * handles);
    pollen_afd_poll_info *info = calloc((size_t) n, sizeof(*info));
    IO_STATUS_BLOCK *iosb = calloc((size_t) n, sizeof(*iosb));
    CHECK(afd != NULL && info != NULL && iosb != NULL);
    double best = 1e300;
    for (int r = 0; r < ROUNDS; r++) {
        HANDLE iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
        CHECK(iocp != NULL);
        for (int h = 0; h < handles; h++) {
            CHECK_RC(pollen_afd_open(iocp, 1, &afd[h]));
        }
        for (int i = 0; i < n; i++) {
            info[i].timeout.QuadPart = INT64_MAX;
            info[i].handle_count = 1;
            info[i].handles[0].handle = (HANDLE) base[i];
            info[i].handles[0].events = POLLEN_AFD_POLL_RECEIVE;
            CHECK_RC(pollen_afd_poll(afd[i / group], &info[i], &iosb[i]));
        }
        double t0 = now_ms();
        for (int i = 0; i < k; i++) {
            /* Spread over the handles: every group loses some. */
            int j = (int) ((long long) i * n / k);
            CHECK_RC(pollen_afd_cancel(afd[j / group], &iosb[j]));
        }
        double cost = (now_ms() - t0) * 1000.0 / k;
        best = cost < best ? cost : best;
        for (int i = 0; i < n; i++) {
            CHECK_RC(pollen_afd_cancel(afd[i / group], &iosb[i]));
        }
        drain_port(iocp, n);
        for (int h = 0; h < handles; h++) {
            CloseHandle(afd[h]);
        }
        CloseHandle(iocp);
    }
    free(afd);
    free(info);
    free(iosb);
    return best;
}

static void measure_cancel(int n) {
    pollen_fd listener, *client = malloc(sizeof(pollen_fd) * n), *server = malloc(sizeof(pollen_fd) * n);
    SOCKET *base = malloc(sizeof(SOCKET) * n);
    uint8_t addr[POLLEN_ADDR_SIZE];
    CHECK(client != NULL && server != NULL && base != NULL);
    test_listener(&listener, addr);
    for (int i = 0; i < n; i++) {
        CHECK_RC(pollen_socket_stream(&client[i], 0));
        CHECK_RC(pollen_socket_connect(client[i], 0, addr));
        test_accept_one(listener, &server[i]);
        CHECK_RC(pollen_afd_base_socket((SOCKET) server[i], &base[i]));
    }
    double one = cancel_cost(n, base, n), grouped = cancel_cost(n, base, 32);
    printf("  %6d polls: one AFD handle %8.2f us/cancel, groups of 32 %8.2f us/cancel\n", n, one, grouped);
    for (int i = 0; i < n; i++) {
        CHECK_RC(pollen_socket_close(client[i]));
        CHECK_RC(pollen_socket_close(server[i]));
    }
    CHECK_RC(pollen_socket_close(listener));
    free(client);
    free(server);
    free(base);
}

int main(int argc, char **argv) {
    static const int sizes[] = { 32, 256, 1024, 4096, 8192 };
    test_start("AFD poller scaling");
    int count = argc > 1 ? atoi(argv[1]) : (int) (sizeof(sizes) / sizeof(sizes[0]));
    for (int i = 0; i < count; i++) {
        measure(sizes[i]);
    }
    printf("  raw cancel, N polls outstanding:\n");
    for (int i = 0; i < count; i++) {
        measure_cancel(sizes[i]);
    }
    return 0;
}
