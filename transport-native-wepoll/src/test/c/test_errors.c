/* The error convention: Windows codes map to mingw errno values; bad arguments fail with -errno. */
#include "wepoll_test.h"
#include "pollen_afd.h"

int main(void) {
    test_start("errors");
    CHECK(pollen_errno_from_win32(WSAEWOULDBLOCK) == EAGAIN);
    CHECK(pollen_errno_from_win32(WSAECONNREFUSED) == ECONNREFUSED);
    CHECK(pollen_errno_from_win32(WSAECONNRESET) == ECONNRESET);
    CHECK(pollen_errno_from_win32(WSAENOTSOCK) == ENOTSOCK);
    CHECK(pollen_errno_from_win32(ERROR_INVALID_HANDLE) == EBADF);
    CHECK(pollen_errno_from_win32(ERROR_NOT_ENOUGH_MEMORY) == ENOMEM);
    CHECK(pollen_errno_from_win32(0xDEADu) == EIO);
    CHECK(pollen_errno_from_ntstatus((LONG) 0xC0000236L) == ECONNREFUSED); /* STATUS_CONNECTION_REFUSED */
    CHECK(pollen_errno_from_ntstatus((LONG) 0xC0000120L) == ECANCELED);    /* STATUS_CANCELLED */
    CHECK(pollen_errno_from_ntstatus((LONG) 0xC0000008L) == EBADF);        /* STATUS_INVALID_HANDLE */

    pollen_poller *p;
    pollen_fd a, b;
    CHECK(pollen_poller_create(&p, 0) == -EINVAL);
    CHECK_RC(pollen_poller_create(&p, 4));
    pollen_event ev[4];
    CHECK(pollen_poller_wait(p, ev, 0, 0) == -EINVAL);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, INVALID_SOCKET, POLLEN_INTEREST_READ, 1) == -EBADF);
    /* A handle that is not a socket. */
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    /* Refused at once everywhere: Wine answers SIO_BASE_HANDLE for any handle, SO_TYPE it does not. */
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, (pollen_fd) event, POLLEN_INTEREST_READ, 1) == -ENOTSOCK);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_DEL, (pollen_fd) event, 0, 1) == -ENOENT);
    CloseHandle(event);
    test_tcp_pair(&a, &b);
    CHECK(pollen_poller_ctl(p, 0, a, POLLEN_INTEREST_READ, 1) == -EINVAL);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, 0x40000000u, 1) == -EINVAL);
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_MOD, a, POLLEN_INTEREST_READ, 1) == -ENOENT);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ, 1));
    CHECK(pollen_poller_ctl(p, POLLEN_CTL_ADD, a, POLLEN_INTEREST_READ, 1) == -EEXIST);
    /* Under Wine the base handle is the socket itself (no layered providers). */
    SOCKET base;
    CHECK_RC(pollen_afd_base_socket(a, &base));
    printf("  base handle %s the socket\n", base == a ? "is" : "differs from");
    CHECK(strcmp(pollen_poller_name(), "wepoll") == 0);
    CHECK(pollen_poller_capabilities() == (POLLEN_CAP_LEVEL | POLLEN_CAP_ONESHOT | POLLEN_CAP_READ_CLOSED
                                        | POLLEN_CAP_PRIORITY));
    CHECK(pollen_poller_close(NULL) == -EINVAL);
    CHECK_RC(pollen_poller_close(p));
    CHECK_RC(pollen_socket_close(a));
    CHECK_RC(pollen_socket_close(b));
    printf("  ok\n");
    return 0;
}
