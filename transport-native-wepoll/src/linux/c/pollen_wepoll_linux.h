/*
 * The wepoll transport's Linux TEST build: the poller contract answered by the epoll backend
 * (pollen_epoll.c, compiled with this header forced in), restricted to what the AFD poller on
 * Windows offers, so the Java transport and the whole Netty testsuite run for wepoll on Linux:
 * - level-triggered and one-shot only, as the AFD poller;
 * - peer write-shutdown reported as READ_CLOSED (AFD_POLL_DISCONNECT);
 * - no closing-removes and no nanosecond timeouts: waits take milliseconds, rounded up, as
 *   GetQueuedCompletionStatusEx does.
 * It is never shipped: the module writes it to target/test-classes.
 */
#define POLLEN_EPOLL_NAME "wepoll"
#define POLLEN_EPOLL_CAPS (POLLEN_CAP_LEVEL | POLLEN_CAP_ONESHOT | POLLEN_CAP_READ_CLOSED | POLLEN_CAP_PRIORITY)
