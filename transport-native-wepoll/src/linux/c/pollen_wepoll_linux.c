/*
 * The wepoll transport's Linux TEST build: the poller contract answered by the epoll backend,
 * restricted to what the AFD poller on Windows offers, so the Java transport and the whole
 * Netty testsuite run for wepoll on Linux:
 * - level-triggered and one-shot only, as the AFD poller;
 * - peer write-shutdown reported as READ_CLOSED (AFD_POLL_DISCONNECT);
 * - millisecond timeouts rounded up, as GetQueuedCompletionStatusEx takes them (no epoll_pwait2).
 * It is never shipped: the module writes it to target/test-classes.
 */
#include <sys/syscall.h>
/* Compiled out below, so waits take the millisecond path the Windows poller has. */
#undef SYS_epoll_pwait2

#define pollen_poller_capabilities pollen_epoll_capabilities
#define pollen_poller_name pollen_epoll_name
#include "pollen_epoll.c"
#undef pollen_poller_capabilities
#undef pollen_poller_name

uint32_t pollen_poller_capabilities(void) {
    return POLLEN_CAP_LEVEL | POLLEN_CAP_ONESHOT | POLLEN_CAP_READ_CLOSED;
}

const char *pollen_poller_name(void) {
    return "wepoll";
}
