/*
 * How the POSIX side of Pollen fails: every function returns the negative errno of the call that
 * failed (pollen_errno_win.h maps Windows errors into the same space).
 */
#ifndef POLLEN_ERRNO_H
#define POLLEN_ERRNO_H

#include <errno.h>

/* -errno after a failed call; -EIO if the call left errno unset, so a failure is never 0. */
static inline int neg_errno(void) {
    return errno > 0 ? -errno : -EIO;
}

#endif
