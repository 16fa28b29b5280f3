/* A refused connect is reported as ERROR on a WRITE registration; finishing it says ECONNREFUSED. */
#include "wepoll_test.h"

int main(void) {
    test_start("refused connect");
    pollen_poller *p;
    pollen_fd listener, c;
    uint8_t addr[POLLEN_ADDR_SIZE];
    /* A port that was just free: bind, read the port, close. */
    CHECK_RC(pollen_socket_stream(&listener, 0));
    CHECK_RC(pollen_socket_bind(listener, 0, LOOPBACK4));
    CHECK_RC(pollen_socket_local_address(listener, addr));
    CHECK_RC(pollen_socket_close(listener));
    CHECK_RC(pollen_poller_create(&p, 8));
    CHECK_RC(pollen_socket_stream(&c, 0));
    int rc = pollen_socket_connect(c, 0, addr);
    if (rc == 0) {
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, c, POLLEN_INTEREST_WRITE, 9));
        uint32_t ready = test_wait_token(p, 9);
        printf("  ready 0x%x\n", ready);
        CHECK(ready & POLLEN_READY_ERROR);
        CHECK(!(ready & POLLEN_READY_WRITABLE));
        rc = pollen_socket_finish_connect(c);
        CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_DEL, c, 0, 9));
    } else {
        printf("  refused synchronously\n");
    }
    CHECK(rc == -ECONNREFUSED);
    CHECK_RC(pollen_socket_close(c));
    CHECK_RC(pollen_poller_close(p));
    printf("  ok\n");
    return 0;
}
