/*
 * Windows errors in Pollen's error space. Every function of the wepoll backend returns a
 * negative errno (values as mingw-w64's errno.h defines them); this is the only place where
 * Win32, Winsock and NTSTATUS codes are translated.
 */
#ifndef POLLEN_ERRNO_H
#define POLLEN_ERRNO_H

#include <winsock2.h>
#include <windows.h>

/* A Win32 or WSA error code to a positive errno (EIO when the code is unknown). */
int pollen_errno_from_win32(DWORD error);

/* An NTSTATUS to a positive errno, through RtlNtStatusToDosError and the same table. */
int pollen_errno_from_ntstatus(LONG status);

/* -errno for GetLastError() / WSAGetLastError(). */
int pollen_errno_last(void);
int pollen_errno_last_wsa(void);

#endif
