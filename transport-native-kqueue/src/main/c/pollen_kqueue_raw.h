/* kqueue as the OS offers it (pollen_kqueue_raw.c); every call returns >= 0 or a negative errno. */
#ifndef POLLEN_KQUEUE_RAW_H
#define POLLEN_KQUEUE_RAW_H

#include <stdint.h>

/* A new kqueue, close-on-exec. */
int pollen_kq_create(void);

/*
 * kevent(kq, changes, nchanges, events, nevents, timeout) over 32-byte records; timeout_ns < 0
 * blocks. Returns the number of records written to events.
 */
int pollen_kq_kevent(int kq, const void *changes, int nchanges, void *events, int nevents, int64_t timeout_ns);

/* The EVFILT_*, EV_* and NOTE_* values of this OS, in the order BsdKQueue declares them. */
const int32_t *pollen_kq_constants(int *count);

#endif
