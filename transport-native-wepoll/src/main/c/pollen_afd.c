/* The AFD layer: device handle, poll submission and cancellation, base-socket lookup. */
#include <errno.h>
#include <mswsock.h>

#include "pollen_afd.h"
#include "pollen_errno_win.h"

#define IOCTL_AFD_POLL 0x00012024

#ifndef SIO_BASE_HANDLE
#define SIO_BASE_HANDLE 0x48000022
#endif
#ifndef SIO_BSP_HANDLE_SELECT
#define SIO_BSP_HANDLE_SELECT 0x4800001C
#endif
#ifndef SIO_BSP_HANDLE_POLL
#define SIO_BSP_HANDLE_POLL 0x4800001D
#endif
#ifndef FILE_OPEN
#define FILE_OPEN 0x00000001
#endif

/* In ntdll (and libntdll.a) since Vista, but not declared by the mingw-w64 headers. */
NTSTATUS NTAPI NtCancelIoFileEx(HANDLE file, PIO_STATUS_BLOCK request, PIO_STATUS_BLOCK status);

/* Any name below \Device\Afd opens the driver itself; the name only shows in handle listings. */
static WCHAR afd_device_name[] = L"\\Device\\Afd\\Pollen";

int pollen_afd_open(HANDLE iocp, ULONG_PTR key, HANDLE *out) {
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    HANDLE afd;
    int rc;

    name.Buffer = afd_device_name;
    name.Length = (USHORT) (sizeof(afd_device_name) - sizeof(WCHAR));
    name.MaximumLength = (USHORT) sizeof(afd_device_name);
    InitializeObjectAttributes(&attributes, &name, 0, NULL, NULL);
    NTSTATUS status = NtCreateFile(&afd, SYNCHRONIZE, &attributes, &iosb, NULL, 0,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, 0, NULL, 0);
    if (!NT_SUCCESS(status)) {
        return -pollen_errno_from_ntstatus(status);
    }
    if (CreateIoCompletionPort(afd, iocp, key, 0) == NULL) {
        rc = pollen_errno_last();
        goto err;
    }
    /*
     * Nothing waits on the handle itself, so skip signalling it. Completion packets are NOT
     * skipped on synchronous success: every accepted poll, ready at once or not, ends as
     * exactly one packet on the port, which keeps the poller's state machine single-path.
     */
    if (!SetFileCompletionNotificationModes(afd, FILE_SKIP_SET_EVENT_ON_HANDLE)) {
        rc = pollen_errno_last();
        goto err;
    }
    *out = afd;
    return 0;
err:
    CloseHandle(afd);
    return rc;
}

int pollen_afd_poll(HANDLE afd, pollen_afd_poll_info *info, IO_STATUS_BLOCK *iosb) {
    iosb->Status = STATUS_PENDING;
    NTSTATUS status = NtDeviceIoControlFile(afd, NULL, NULL, iosb, iosb, IOCTL_AFD_POLL,
                                            info, sizeof(*info), info, sizeof(*info));
    /* Success means "already ready"; a completion packet is queued all the same. */
    if (status == STATUS_SUCCESS || status == STATUS_PENDING) {
        return 0;
    }
    return -pollen_errno_from_ntstatus(status);
}

int pollen_afd_cancel(HANDLE afd, IO_STATUS_BLOCK *iosb) {
    IO_STATUS_BLOCK cancel_iosb;
    if (iosb->Status != STATUS_PENDING) {
        return 0; /* completed already: its packet is on the port */
    }
    NTSTATUS status = NtCancelIoFileEx(afd, iosb, &cancel_iosb);
    /* NOT_FOUND: it completed between the check and the cancel, which is just as good. */
    if (status == STATUS_SUCCESS || status == STATUS_NOT_FOUND) {
        return 0;
    }
    return -pollen_errno_from_ntstatus(status);
}

static int afd_ioctl_socket(SOCKET s, DWORD code, SOCKET *out) {
    DWORD bytes;
    if (WSAIoctl(s, code, NULL, 0, out, sizeof(*out), &bytes, NULL, NULL) == SOCKET_ERROR) {
        return pollen_errno_last_wsa();
    }
    return 0;
}

int pollen_afd_base_socket(SOCKET s, SOCKET *out) {
    /*
     * SIO_BASE_HANDLE is the documented way, and LSPs must pass it through, but some
     * (Komodia-based ones) intercept it. Those still answer SIO_BSP_HANDLE_POLL or
     * SIO_BSP_HANDLE_SELECT with the next socket down the provider chain: step down and
     * ask again until SIO_BASE_HANDLE works. Under Wine there are no LSPs and the first
     * call returns the socket itself.
     */
    static const DWORD fallbacks[] = { SIO_BSP_HANDLE_POLL, SIO_BSP_HANDLE_SELECT };
    /*
     * Wine answers SIO_BASE_HANDLE even for a closed handle (with the handle itself); Windows
     * refuses it. Ask the socket something first, so a closed one is refused here everywhere
     * instead of being polled and silently dropped at the next wait.
     */
    int type;
    int len = sizeof(type);
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *) &type, &len) == SOCKET_ERROR) {
        return pollen_errno_last_wsa();
    }
    for (int depth = 0; depth < 16; depth++) {
        int rc = afd_ioctl_socket(s, SIO_BASE_HANDLE, out);
        if (rc == 0) {
            return 0;
        }
        if (rc == -ENOTSOCK) {
            return rc;
        }
        SOCKET next = INVALID_SOCKET;
        for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++) {
            if (afd_ioctl_socket(s, fallbacks[i], &next) == 0 && next != s && next != INVALID_SOCKET) {
                break;
            }
            next = INVALID_SOCKET;
        }
        if (next == INVALID_SOCKET) {
            return rc;
        }
        s = next;
    }
    return -ELOOP;
}
