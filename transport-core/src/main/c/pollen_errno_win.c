/* The one mapping table from Windows error codes to errno (Windows only). */
#ifdef _WIN32

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <winsock2.h>
#include <windows.h>

#include "pollen_errno_win.h"
#include "pollen_socket.h"

/* Declared here: ntdll exports it, but mingw-w64 only declares it in the DDK headers. */
ULONG NTAPI RtlNtStatusToDosError(LONG status);

static const struct {
    DWORD error;
    int errnum;
} errno_table[] = {
    { ERROR_SUCCESS, 0 },
    { ERROR_FILE_NOT_FOUND, ENOENT },
    { ERROR_PATH_NOT_FOUND, ENOENT },
    { ERROR_TOO_MANY_OPEN_FILES, EMFILE },
    { ERROR_ACCESS_DENIED, EACCES },
    { ERROR_INVALID_HANDLE, EBADF },
    { ERROR_NOT_ENOUGH_MEMORY, ENOMEM },
    { ERROR_OUTOFMEMORY, ENOMEM },
    { ERROR_INVALID_PARAMETER, EINVAL },
    { ERROR_INVALID_FUNCTION, ENOSYS },
    { ERROR_NOT_SUPPORTED, EOPNOTSUPP },
    { ERROR_CALL_NOT_IMPLEMENTED, ENOSYS },
    { ERROR_ALREADY_EXISTS, EEXIST },
    { ERROR_NOT_FOUND, ENOENT },
    { ERROR_OPERATION_ABORTED, ECANCELED },
    { ERROR_IO_PENDING, EINPROGRESS },
    { ERROR_INSUFFICIENT_BUFFER, ENOBUFS },
    { ERROR_BROKEN_PIPE, EPIPE },
    { ERROR_NO_DATA, EPIPE },
    { ERROR_NETNAME_DELETED, ECONNRESET },
    { ERROR_CONNECTION_REFUSED, ECONNREFUSED },
    { ERROR_CONNECTION_ABORTED, ECONNABORTED },
    { ERROR_CONNECTION_INVALID, ENOTCONN },
    { ERROR_NETWORK_UNREACHABLE, ENETUNREACH },
    { ERROR_HOST_UNREACHABLE, EHOSTUNREACH },
    { ERROR_PORT_UNREACHABLE, ECONNREFUSED },
    { ERROR_SEM_TIMEOUT, ETIMEDOUT },
    { WAIT_TIMEOUT, ETIMEDOUT },
    { ERROR_ADDRESS_ALREADY_ASSOCIATED, EADDRINUSE },
    { ERROR_INVALID_NETNAME, EADDRNOTAVAIL },
    { ERROR_DUP_NAME, EADDRINUSE },
    { WSAEINTR, EINTR },
    { WSAEBADF, EBADF },
    { WSAEACCES, EACCES },
    { WSAEFAULT, EFAULT },
    { WSAEINVAL, EINVAL },
    { WSAEMFILE, EMFILE },
    { WSAEWOULDBLOCK, EAGAIN },
    { WSAEINPROGRESS, EINPROGRESS },
    { WSAEALREADY, EALREADY },
    { WSAENOTSOCK, ENOTSOCK },
    { WSAEDESTADDRREQ, EDESTADDRREQ },
    { WSAEMSGSIZE, EMSGSIZE },
    { WSAEPROTOTYPE, EPROTOTYPE },
    { WSAENOPROTOOPT, ENOPROTOOPT },
    { WSAEPROTONOSUPPORT, EPROTONOSUPPORT },
    { WSAESOCKTNOSUPPORT, EPROTONOSUPPORT },
    { WSAEOPNOTSUPP, EOPNOTSUPP },
    { WSAEPFNOSUPPORT, EAFNOSUPPORT },
    { WSAEAFNOSUPPORT, EAFNOSUPPORT },
    { WSAEADDRINUSE, EADDRINUSE },
    { WSAEADDRNOTAVAIL, EADDRNOTAVAIL },
    { WSAENETDOWN, ENETDOWN },
    { WSAENETUNREACH, ENETUNREACH },
    { WSAENETRESET, ENETRESET },
    { WSAECONNABORTED, ECONNABORTED },
    { WSAECONNRESET, ECONNRESET },
    { WSAENOBUFS, ENOBUFS },
    { WSAEISCONN, EISCONN },
    { WSAENOTCONN, ENOTCONN },
    { WSAESHUTDOWN, EPIPE },
    { WSAETIMEDOUT, ETIMEDOUT },
    { WSAECONNREFUSED, ECONNREFUSED },
    { WSAELOOP, ELOOP },
    { WSAENAMETOOLONG, ENAMETOOLONG },
    { WSAEHOSTDOWN, EHOSTUNREACH },
    { WSAEHOSTUNREACH, EHOSTUNREACH },
    { WSAENOTEMPTY, ENOTEMPTY },
    { WSAEPROCLIM, EMFILE },
    { WSASYSNOTREADY, ENETDOWN },
    { WSAVERNOTSUPPORTED, ENOSYS },
    { WSANOTINITIALISED, ENETDOWN },
    { WSAEINVALIDPROCTABLE, ENOSYS },
    { WSAEINVALIDPROVIDER, ENOSYS },
    { WSAEPROVIDERFAILEDINIT, ENETDOWN },
    { WSA_INVALID_HANDLE, EBADF },
    { WSA_INVALID_PARAMETER, EINVAL },
    { WSA_NOT_ENOUGH_MEMORY, ENOMEM },
    { WSA_OPERATION_ABORTED, ECANCELED },
    { WSA_IO_PENDING, EINPROGRESS },
    { WSA_IO_INCOMPLETE, EINPROGRESS },
};

int pollen_errno_from_win32(DWORD error) {
    for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++) {
        if (errno_table[i].error == error) {
            return errno_table[i].errnum;
        }
    }
    return EIO;
}

int pollen_errno_from_ntstatus(LONG status) {
    return pollen_errno_from_win32(RtlNtStatusToDosError(status));
}

int pollen_errno_last(void) {
    int e = pollen_errno_from_win32(GetLastError());
    return e > 0 ? -e : -EIO;
}

int pollen_errno_last_wsa(void) {
    int e = pollen_errno_from_win32((DWORD) WSAGetLastError());
    return e > 0 ? -e : -EIO;
}

/*
 * msvcrt's strerror stops at the C89-era values; mingw's errno.h numbers the socket errors from
 * 100 up, so their messages are given here (Java builds exception messages from them).
 */
const char *pollen_socket_strerror(int err) {
    switch (err) {
    case EADDRINUSE: return "Address already in use";
    case EADDRNOTAVAIL: return "Cannot assign requested address";
    case EAFNOSUPPORT: return "Address family not supported by protocol";
    case EALREADY: return "Operation already in progress";
    case ECANCELED: return "Operation canceled";
    case ECONNABORTED: return "Software caused connection abort";
    case ECONNREFUSED: return "Connection refused";
    case ECONNRESET: return "Connection reset by peer";
    case EDESTADDRREQ: return "Destination address required";
    case EHOSTUNREACH: return "No route to host";
    case EINPROGRESS: return "Operation now in progress";
    case EISCONN: return "Transport endpoint is already connected";
    case ELOOP: return "Too many levels of symbolic links";
    case EMSGSIZE: return "Message too long";
    case ENETDOWN: return "Network is down";
    case ENETRESET: return "Network dropped connection on reset";
    case ENETUNREACH: return "Network is unreachable";
    case ENOBUFS: return "No buffer space available";
    case ENOPROTOOPT: return "Protocol not available";
    case ENOTCONN: return "Transport endpoint is not connected";
    case ENOTSOCK: return "Socket operation on non-socket";
    case ENOTSUP: return "Operation not supported";
    case EOPNOTSUPP: return "Operation not supported on transport endpoint";
    case EPROTONOSUPPORT: return "Protocol not supported";
    case EPROTOTYPE: return "Protocol wrong type for socket";
    case ETIMEDOUT: return "Connection timed out";
    case EWOULDBLOCK: return "Resource temporarily unavailable";
    default: return strerror(err);
    }
}

#endif /* _WIN32 */
