/*
 * The AFD layer: readiness of Winsock sockets without select() or WSAPoll().
 *
 * Winsock sockets are handles of the Ancillary Function Driver (AFD). Opening \Device\Afd
 * without extended attributes gives a handle that is not a socket but accepts the
 * IOCTL_AFD_POLL request, the one WSAPoll() uses internally: it takes a set of socket
 * handles and event bits, and completes (to an I/O completion port, when the AFD handle is
 * associated with one) as soon as one of the events is true. A poll is one-shot: it
 * completes once, and another must be submitted to keep watching.
 *
 * AFD only knows base provider sockets: a socket wrapped by a layered service provider must
 * be translated first (pollen_afd_base_socket).
 */
#ifndef POLLEN_AFD_H
#define POLLEN_AFD_H

#include <winsock2.h>
#include <windows.h>
#include <winternl.h>

#define POLLEN_AFD_POLL_RECEIVE           0x0001
#define POLLEN_AFD_POLL_RECEIVE_EXPEDITED 0x0002
#define POLLEN_AFD_POLL_SEND              0x0004
#define POLLEN_AFD_POLL_DISCONNECT        0x0008
#define POLLEN_AFD_POLL_ABORT             0x0010
#define POLLEN_AFD_POLL_LOCAL_CLOSE       0x0020
#define POLLEN_AFD_POLL_CONNECT           0x0040
#define POLLEN_AFD_POLL_ACCEPT            0x0080
#define POLLEN_AFD_POLL_CONNECT_FAIL      0x0100

#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS) 0x00000000L)
#endif
#ifndef STATUS_PENDING
#define STATUS_PENDING ((NTSTATUS) 0x00000103L)
#endif
#ifndef STATUS_CANCELLED
#define STATUS_CANCELLED ((NTSTATUS) 0xC0000120L)
#endif
#ifndef STATUS_NOT_FOUND
#define STATUS_NOT_FOUND ((NTSTATUS) 0xC0000225L)
#endif

/* The IOCTL_AFD_POLL argument, for exactly one socket. */
typedef struct pollen_afd_poll_info {
    LARGE_INTEGER timeout;
    ULONG handle_count;
    ULONG exclusive;
    struct {
        HANDLE handle;
        ULONG events;
        NTSTATUS status;
    } handles[1];
} pollen_afd_poll_info;

/* Opens an AFD handle and associates it with iocp under completion key `key`. */
int pollen_afd_open(HANDLE iocp, ULONG_PTR key, HANDLE *out);

/*
 * Submits a poll for info's socket. The IO_STATUS_BLOCK doubles as the ApcContext, so it
 * comes back as the completion's lpOverlapped. Returns 0 when the request was accepted
 * (pending, or already complete: either way a completion packet will be queued).
 */
int pollen_afd_poll(HANDLE afd, pollen_afd_poll_info *info, IO_STATUS_BLOCK *iosb);

/* Cancels a pending poll; its completion still arrives (STATUS_CANCELLED). */
int pollen_afd_cancel(HANDLE afd, IO_STATUS_BLOCK *iosb);

/* The base provider socket under a (possibly layered) socket. */
int pollen_afd_base_socket(SOCKET s, SOCKET *out);

#endif
