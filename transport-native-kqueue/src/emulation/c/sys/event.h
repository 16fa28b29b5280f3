/*
 * TEST-ONLY kqueue emulation for Linux: FreeBSD's <sys/event.h> (FreeBSD 11 layout, real
 * constant values) so Pollen's kqueue transport compiles and runs its tests on Linux.
 * Implemented over epoll + eventfd by kqueue_emulation.c. Never shipped, never loaded
 * outside tests. Supported filters: EVFILT_READ, EVFILT_WRITE, EVFILT_USER, EVFILT_TIMER,
 * EVFILT_VNODE (over inotify) and EVFILT_PROC with NOTE_EXIT (over a pidfd); others: EINVAL.
 */
#ifndef POLLEN_KQUEUE_EMULATION_SYS_EVENT_H
#define POLLEN_KQUEUE_EMULATION_SYS_EVENT_H

#ifndef __linux__
#error "kqueue emulation header: Linux only (use the system <sys/event.h> on BSD/macOS)"
#endif

#include <stdint.h>
#include <time.h>

#define EVFILT_READ     (-1)
#define EVFILT_WRITE    (-2)
#define EVFILT_VNODE    (-4)    /* attached to vnodes */
#define EVFILT_PROC     (-5)    /* attached to struct proc */
#define EVFILT_SIGNAL   (-6)    /* attached to struct proc (not emulated) */
#define EVFILT_TIMER    (-7)    /* timers */
#define EVFILT_USER     (-11)   /* user events */
#define EVFILT_SYSCOUNT 13

#define EV_SET(kevp_, a, b, c, d, e, f) do {    \
        struct kevent *kevp = (kevp_);          \
        (kevp)->ident = (a);                    \
        (kevp)->filter = (b);                   \
        (kevp)->flags = (c);                    \
        (kevp)->fflags = (d);                   \
        (kevp)->data = (e);                     \
        (kevp)->udata = (f);                    \
    } while (0)

struct kevent {
    uintptr_t      ident;   /* identifier for this event */
    short          filter;  /* filter for event */
    unsigned short flags;   /* action flags for kqueue */
    unsigned int   fflags;  /* filter flag value */
    intptr_t       data;    /* filter data value */
    void          *udata;   /* opaque user data identifier */
};

/* actions */
#define EV_ADD          0x0001  /* add event to kq (implies enable) */
#define EV_DELETE       0x0002  /* delete event from kq */
#define EV_ENABLE       0x0004  /* enable event */
#define EV_DISABLE      0x0008  /* disable event (not reported) */

/* flags */
#define EV_ONESHOT      0x0010  /* only report one occurrence */
#define EV_CLEAR        0x0020  /* clear event state after reporting */
#define EV_RECEIPT      0x0040  /* force EV_ERROR on success, data == 0 */
#define EV_DISPATCH     0x0080  /* disable event after reporting */

#define EV_SYSFLAGS     0xF000  /* reserved by system */

/* returned values */
#define EV_EOF          0x8000  /* EOF detected */
#define EV_ERROR        0x4000  /* error, data contains errno */

/* EVFILT_USER: input flags */
#define NOTE_FFNOP      0x00000000  /* ignore input fflags */
#define NOTE_FFAND      0x40000000  /* AND fflags */
#define NOTE_FFOR       0x80000000  /* OR fflags */
#define NOTE_FFCOPY     0xc0000000  /* copy fflags */
#define NOTE_FFCTRLMASK 0xc0000000  /* masks for operations */
#define NOTE_FFLAGSMASK 0x00ffffff
#define NOTE_TRIGGER    0x01000000  /* cause the event to be triggered */

/* EVFILT_READ / EVFILT_WRITE (accepted, ignored by the emulation) */
#define NOTE_LOWAT      0x0001

/* EVFILT_VNODE */
#define NOTE_DELETE     0x0001  /* vnode was removed */
#define NOTE_WRITE      0x0002  /* data contents changed */
#define NOTE_EXTEND     0x0004  /* size increased */
#define NOTE_ATTRIB     0x0008  /* attributes changed */
#define NOTE_LINK       0x0010  /* link count changed */
#define NOTE_RENAME     0x0020  /* vnode was renamed */
#define NOTE_REVOKE     0x0040  /* vnode access was revoked */

/* EVFILT_PROC (only NOTE_EXIT is emulated) */
#define NOTE_EXIT       0x80000000  /* process exited */
#define NOTE_FORK       0x40000000  /* process forked */
#define NOTE_EXEC       0x20000000  /* process exec'd */
#define NOTE_TRACK      0x00000001  /* follow across forks */

/* EVFILT_TIMER: data's unit (milliseconds when none is given) */
#define NOTE_SECONDS    0x00000001
#define NOTE_MSECONDS   0x00000002
#define NOTE_USECONDS   0x00000004
#define NOTE_NSECONDS   0x00000008

#ifdef __cplusplus
extern "C" {
#endif

int kqueue(void);
int kevent(int kq, const struct kevent *changelist, int nchanges,
           struct kevent *eventlist, int nevents, const struct timespec *timeout);

#ifdef __cplusplus
}
#endif

#endif
