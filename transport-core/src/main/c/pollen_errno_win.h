/*
 * Windows errors in Pollen's error space. Every Windows function of the socket layer and of
 * the wepoll poller returns a negative errno (values as mingw-w64's errno.h defines them);
 * this is the only place where Win32, Winsock and NTSTATUS codes are translated.
 *
 * Windows only: on other platforms including this header declares nothing.
 */
#ifndef POLLEN_ERRNO_WIN_H
#define POLLEN_ERRNO_WIN_H

#ifdef _WIN32

#include <winsock2.h>
#include <windows.h>

/* A Win32 or WSA error code to a positive errno (EIO when the code is unknown). */
int pollen_errno_from_win32(DWORD error);

/* An NTSTATUS to a positive errno, through RtlNtStatusToDosError and the same table. */
int pollen_errno_from_ntstatus(LONG status);

/* -errno for GetLastError() / WSAGetLastError(). */
int pollen_errno_last(void);
int pollen_errno_last_wsa(void);

#endif /* _WIN32 */

#endif
