/*
 * kqueue(2) as the OS offers it, for dev.pollen.channel.kqueue.BsdKQueue: kevent() with a
 * changelist and an eventlist in one call, every filter the OS has. Java passes both lists as
 * 32-byte records (ident u64 at 0, filter i16 at 8, flags u16 at 10, fflags u32 at 12, data i64
 * at 16, udata u64 at 24), the same on every OS: struct kevent differs (FreeBSD 12+ adds ext[4]),
 * so records are converted on the way in and out. Returns >= 0 or a negative errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include "pollen_errno.h"
#include "pollen_kqueue_raw.h"

#define RECORD 32
#define ON_STACK 64

int pollen_kq_create(void) {
    int kq = kqueue();
    if (kq < 0) {
        return neg_errno();
    }
    if (fcntl(kq, F_SETFD, FD_CLOEXEC) < 0) {
        int rc = neg_errno();
        close(kq);
        return rc;
    }
    return kq;
}

static void from_record(struct kevent *kev, const unsigned char *r) {
    uint64_t ident, udata;
    int16_t filter;
    uint16_t flags;
    uint32_t fflags;
    int64_t data;
    memcpy(&ident, r, 8);
    memcpy(&filter, r + 8, 2);
    memcpy(&flags, r + 10, 2);
    memcpy(&fflags, r + 12, 4);
    memcpy(&data, r + 16, 8);
    memcpy(&udata, r + 24, 8);
    memset(kev, 0, sizeof(*kev));
    EV_SET(kev, (uintptr_t) ident, filter, flags, fflags, (intptr_t) data, (void *) (uintptr_t) udata);
}

static void to_record(unsigned char *r, const struct kevent *kev) {
    uint64_t ident = (uint64_t) kev->ident;
    int16_t filter = (int16_t) kev->filter;
    uint16_t flags = (uint16_t) kev->flags;
    uint32_t fflags = (uint32_t) kev->fflags;
    int64_t data = (int64_t) kev->data;
    uint64_t udata = (uint64_t) (uintptr_t) kev->udata;
    memcpy(r, &ident, 8);
    memcpy(r + 8, &filter, 2);
    memcpy(r + 10, &flags, 2);
    memcpy(r + 12, &fflags, 4);
    memcpy(r + 16, &data, 8);
    memcpy(r + 24, &udata, 8);
}

int pollen_kq_kevent(int kq, const void *changes, int nchanges, void *events, int nevents, int64_t timeout_ns) {
    if (nchanges < 0 || nevents < 0 || (nchanges > 0 && changes == NULL) || (nevents > 0 && events == NULL)) {
        return -EINVAL;
    }
    struct kevent stack_in[ON_STACK], stack_out[ON_STACK];
    struct kevent *in = nchanges <= ON_STACK ? stack_in : malloc(sizeof(struct kevent) * (size_t) nchanges);
    struct kevent *out = nevents <= ON_STACK ? stack_out : malloc(sizeof(struct kevent) * (size_t) nevents);
    int rc;
    if (in == NULL || out == NULL) {
        rc = -ENOMEM;
        goto done;
    }
    for (int i = 0; i < nchanges; i++) {
        from_record(&in[i], (const unsigned char *) changes + (size_t) i * RECORD);
    }
    struct timespec ts = { .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000 };
    int n;
    do {
        n = kevent(kq, in, nchanges, out, nevents, timeout_ns < 0 ? NULL : &ts);
    } while (n < 0 && errno == EINTR && nchanges == 0);
    if (n < 0) {
        rc = errno == EINTR ? 0 : neg_errno();
        goto done;
    }
    for (int i = 0; i < n; i++) {
        to_record((unsigned char *) events + (size_t) i * RECORD, &out[i]);
    }
    rc = n;
done:
    if (in != stack_in) {
        free(in);
    }
    if (out != stack_out) {
        free(out);
    }
    return rc;
}

#ifndef NOTE_MSECONDS
#define NOTE_MSECONDS 0   /* macOS: milliseconds are the default unit and have no flag */
#endif
#ifndef NOTE_TRACK
#define NOTE_TRACK 0
#endif
#ifndef NOTE_LINK
#define NOTE_LINK 0
#endif

static const int32_t constants[] = {
    EVFILT_READ, EVFILT_WRITE, EVFILT_VNODE, EVFILT_PROC, EVFILT_SIGNAL, EVFILT_TIMER, EVFILT_USER,
    EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE, EV_ONESHOT, EV_CLEAR, EV_RECEIPT, EV_DISPATCH, EV_EOF, EV_ERROR,
    NOTE_TRIGGER, NOTE_FFNOP, (int32_t) NOTE_FFAND, (int32_t) NOTE_FFOR, (int32_t) NOTE_FFCOPY,
    (int32_t) NOTE_FFCTRLMASK, NOTE_FFLAGSMASK,
    NOTE_DELETE, NOTE_WRITE, NOTE_EXTEND, NOTE_ATTRIB, NOTE_LINK, NOTE_RENAME, NOTE_REVOKE,
    (int32_t) NOTE_EXIT, NOTE_FORK, NOTE_EXEC, NOTE_TRACK,
    NOTE_SECONDS, NOTE_MSECONDS, NOTE_USECONDS, NOTE_NSECONDS,
};

const int32_t *pollen_kq_constants(int *count) {
    *count = (int) (sizeof(constants) / sizeof(constants[0]));
    return constants;
}
