/* WRITE readiness goes away while the send buffer is full and comes back once the peer drains it. */
#include "wepoll_test.h"

int main(void) {
    test_start("send buffer full, then drain");
    pollen_poller *p;
    pollen_event ev[8];
    pollen_fd a, b;
    static char chunk[16384];
    test_tcp_pair(&a, &b);
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_WRITE, 1));
    CHECK(test_wait(p, ev, 8, WAIT_NS) == 1);
    CHECK(ev[0].ready == POLLEN_READY_WRITABLE);
    /*
     * Fill until the stack refuses: no buffer size is assumed. Right after the first refusal
     * the stack may still move queued data towards the peer and report room again (Linux
     * shows through Wine), so keep filling until a refusal is followed by "not writable".
     */
    long long queued = 0;
    int rc, full = 0;
    for (int rounds = 0; !full && rounds < 1000; rounds++) {
        /* Halve the write on each refusal: full means even one byte is refused. */
        for (int len = (int) sizeof(chunk); len > 0;) {
            rc = pollen_socket_send(a, chunk, len);
            if (rc > 0) {
                queued += rc;
            } else {
                CHECK(rc == -EAGAIN);
                len /= 2;
            }
        }
        int n = test_wait(p, ev, 8, 0);
        CHECK(n == 0 || (n == 1 && ev[0].ready == POLLEN_READY_WRITABLE));
        full = n == 0;
    }
    CHECK(full);
    CHECK(queued > 0);
    printf("  filled with %lld bytes\n", queued);
    /* Level-triggered silence holds over a real wait as well. */
    CHECK(test_wait(p, ev, 8, 20000000) == 0);
    /* Drain everything on the other side; the writer becomes writable again. */
    long long drained = 0;
    int writable = 0;
    for (int spins = 0; !writable && spins < 100000; spins++) {
        while ((rc = pollen_socket_recv(b, chunk, sizeof(chunk))) > 0) {
            drained += rc;
        }
        CHECK(rc == -EAGAIN);
        int n = test_wait(p, ev, 8, 1000000);
        writable = n == 1 && ev[0].ready == POLLEN_READY_WRITABLE;
    }
    CHECK(writable);
    CHECK(drained > 0);
    printf("  writable again after draining %lld bytes\n", drained);
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
