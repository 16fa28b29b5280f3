/* Wake-ups from other threads end a blocking wait, are never events, and collapse into one. */
#include "wepoll_test.h"

typedef struct {
    pollen_poller *p;
    HANDLE go;
    int count;
} waker;

static DWORD WINAPI wake_thread(void *arg) {
    waker *w = arg;
    WaitForSingleObject(w->go, INFINITE);
    for (int i = 0; i < w->count; i++) {
        CHECK_RC(pollen_poller_wake(w->p));
    }
    return 0;
}

int main(void) {
    test_start("wakeup from another thread");
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    CHECK_RC(pollen_poller_create(&p, 8));
    /* Blocking without a timeout: only the wake-up can end it. */
    for (int round = 0; round < 20; round++) {
        waker w = { p, CreateEventW(NULL, TRUE, FALSE, NULL), 1 + round % 3 };
        HANDLE t = CreateThread(NULL, 0, wake_thread, &w, 0, NULL);
        CHECK(t != NULL);
        SetEvent(w.go);
        CHECK(test_wait(p, ev, 8, -1) == 0);
        CHECK(WaitForSingleObject(t, 10000) == WAIT_OBJECT_0);
        CloseHandle(t);
        CloseHandle(w.go);
        /* Whatever remains of a burst is at most one more empty return. */
        test_wait(p, ev, 8, 0);
        CHECK(test_wait(p, ev, 8, 0) == 0);
    }
    /* Many wake-ups from many threads collapse; afterwards the poller is quiet. */
    enum { THREADS = 8 };
    waker w = { p, CreateEventW(NULL, TRUE, FALSE, NULL), 1000 };
    HANDLE ts[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ts[i] = CreateThread(NULL, 0, wake_thread, &w, 0, NULL);
        CHECK(ts[i] != NULL);
    }
    SetEvent(w.go);
    CHECK(WaitForMultipleObjects(THREADS, ts, TRUE, 30000) == WAIT_OBJECT_0);
    for (int i = 0; i < THREADS; i++) {
        CloseHandle(ts[i]);
    }
    CloseHandle(w.go);
    CHECK(test_wait(p, ev, 8, 0) == 0);
    CHECK(test_wait(p, ev, 8, 20000000) == 0);
    /* A wake-up before the wait ends it at once, next to real events. */
    test_tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_WRITE, 1));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].token == 1);
    CHECK_RC(pollen_poller_wake(p));
    int n = test_wait(p, ev, 8, WAIT_NS);
    CHECK(n <= 1);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
