/*
 * TEST-ONLY emulation of FreeBSD kqueue(2) on Linux over epoll + eventfd, so that Pollen's
 * kqueue transport can be compiled and exercised on Linux. Never shipped.
 *
 * Model:
 * - The kq fd IS an epoll fd. Per-kq state lives in a registry indexed by that fd number and
 *   remembers the epoll file's (st_dev, st_ino). close(kq) cannot be intercepted: the state of
 *   a closed kq is freed (its eventfds closed) by the next kqueue() call, which sweeps every
 *   entry whose fd no longer names the same file, or by kevent() on the stale number (EBADF),
 *   or by the library destructor.
 * - EVFILT_READ/EVFILT_WRITE of one fd share one epoll registration; the mask is the union of
 *   the enabled filters, and a fd with no enabled filter leaves epoll (EPOLLHUP/EPOLLERR arrive
 *   even when not asked for). epoll_event.data carries (generation << 32 | fd) so an event
 *   queued for an older registration of the same number is dropped.
 * - fd reuse: BSD drops knotes on close; epoll keeps a registration until the open file's last
 *   reference closes. Each change and each delivery compares the fd's (st_dev, st_ino) with the
 *   one recorded at EV_ADD; on mismatch the old knotes are forgotten (EV_ADD becomes a fresh
 *   add, other actions get ENOENT, deliveries are dropped). EPOLL_CTL_MOD on an unknown entry
 *   falls back to ADD and ADD on an existing one to MOD.
 * - EV_CLEAR on fds: the registration is EPOLLET when any enabled filter has EV_CLEAR. A level
 *   (non-CLEAR) filter of such a fd, once delivered, is queued and poll()ed before the next
 *   wait, so it repeats while ready; so is any filter an edge reported when the event list was
 *   full. EPOLLET may report a CLEAR filter again on activity of the other direction (spurious
 *   edge, harmless for edge-triggered callers).
 * - At most one kevent per filter per call; as on FreeBSD the event list is filled when that
 *   many filters are ready; filters that do not fit stay pending (level) or queued (edge),
 *   never written past nevents.
 * - EVFILT_USER: one eventfd per user knote, in epoll only while the knote is enabled; it is
 *   readable exactly while the knote is triggered. NOTE_TRIGGER from other threads is safe:
 *   every state change happens under the kq's mutex, which is never held across epoll_wait.
 * - EVFILT_TIMER, EVFILT_VNODE, EVFILT_PROC: like user knotes, one descriptor per knote in epoll
 *   while enabled: a timerfd (data = expirations, as EV_CLEAR), an inotify instance watching the
 *   file behind /proc/self/fd/<ident> (its events mapped to the NOTE_* asked for; an unlink is an
 *   IN_ATTRIB that leaves no link, NOTE_DELETE), a pidfd (NOTE_EXIT with the wait status in data
 *   and EV_EOF, then the knote is gone, as on FreeBSD). NOTE_FORK/EXEC/TRACK and EVFILT_SIGNAL
 *   have no Linux counterpart a test-only emulation can use: EINVAL.
 * - Error fflags on EV_EOF: Linux has no way to read a socket's pending error without consuming
 *   it (getsockopt(SO_ERROR) and even recv(MSG_PEEK) clear it), so the emulation never reads it.
 *   For TCP it infers it from TCP_INFO when the socket is CLOSED with EPOLLERR: only SYNs sent
 *   and a segment received -> ECONNREFUSED; connection had been established -> ECONNRESET
 *   (a guess: could also be ETIMEDOUT/EPIPE). Otherwise fflags = 0. SO_ERROR stays pending.
 */
#define _GNU_SOURCE
#include <sys/event.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <linux/tcp.h>

#define USER_TAG (1ULL << 63)
#define LINUX_TCP_CLOSE 7   /* tcp_info.tcpi_state values (include/net/tcp_states.h) */
#define LINUX_TCP_LISTEN 10
#define FILT_R 0
#define FILT_W 1
/* Flags a knote keeps from its EV_ADD (FreeBSD strips the action bits). */
#define KEPT_FLAGS (EV_ONESHOT | EV_CLEAR | EV_RECEIPT | EV_DISPATCH)

struct filt {
    unsigned char active, enabled;
    unsigned short flags;
    unsigned int fflags;
    intptr_t data;
    void *udata;
};

struct fdnode {
    dev_t dev;
    ino_t ino;
    uint32_t gen;
    uint32_t mask;          /* events registered in epoll; 0 = not in epoll */
    unsigned char is_socket, is_tcp;
    unsigned char queued, recheck[2];   /* on kq->rq: filters to poll() before the next wait */
    unsigned char first;                /* filter served first: the one last left out for room */
    unsigned int seen[2];               /* kq->call of the last delivery (one per call) */
    struct filt f[2];
};

/* A knote that is not a socket filter: EVFILT_USER, TIMER, VNODE or PROC; evfd is its descriptor. */
struct unode {
    uintptr_t ident;
    short filter;
    int evfd;
    off_t size;             /* EVFILT_VNODE: the file's size when last seen, for NOTE_EXTEND */
    nlink_t nlink;          /* and its link count, for NOTE_LINK and NOTE_DELETE */
    unsigned char enabled, triggered, in_epoll;
    unsigned short flags;
    unsigned int sfflags;
    intptr_t sdata;
    void *udata;
};

struct kq {
    int fd;
    dev_t dev;
    ino_t ino;
    pthread_mutex_t lock;
    struct fdnode **fds;
    int nfds;
    struct unode *users;
    int nusers, capusers;
    int *rq;                /* fds with filters to recheck (see recheck()) */
    int nrq, caprq;
    uint32_t gen;
    unsigned int call;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kq **registry;
static int registry_len;

static int same_file(int fd, dev_t dev, ino_t ino) {
    struct stat st;
    return fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

static void kq_free(struct kq *kq) {
    for (int i = 0; i < kq->nfds; i++) {
        free(kq->fds[i]);
    }
    for (int i = 0; i < kq->nusers; i++) {
        close(kq->users[i].evfd);
    }
    free(kq->fds);
    free(kq->users);
    free(kq->rq);
    pthread_mutex_destroy(&kq->lock);
    free(kq);
}

/* Frees the state of every kq whose fd was closed or now names another file. Registry lock held. */
static void registry_sweep(void) {
    for (int i = 0; i < registry_len; i++) {
        if (registry[i] && !same_file(i, registry[i]->dev, registry[i]->ino)) {
            kq_free(registry[i]);
            registry[i] = NULL;
        }
    }
}

__attribute__((destructor)) static void registry_free_all(void) {
    pthread_mutex_lock(&registry_lock);
    for (int i = 0; i < registry_len; i++) {
        if (registry[i]) {
            kq_free(registry[i]);
        }
    }
    free(registry);
    registry = NULL;
    registry_len = 0;
    pthread_mutex_unlock(&registry_lock);
}

int kqueue(void) {
    struct kq *kq = calloc(1, sizeof(*kq));
    if (!kq) {
        errno = ENOMEM;
        return -1;
    }
    pthread_mutex_init(&kq->lock, NULL);
    pthread_mutex_lock(&registry_lock);
    registry_sweep();   /* first, so closed kqs' eventfds are gone before we take a number */
    int fd = epoll_create1(EPOLL_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int err = errno;
        pthread_mutex_unlock(&registry_lock);
        if (fd >= 0) {
            close(fd);
        }
        kq_free(kq);
        errno = err;
        return -1;
    }
    kq->fd = fd;
    kq->dev = st.st_dev;
    kq->ino = st.st_ino;
    if (fd < registry_len && registry[fd]) {
        kq_free(registry[fd]);  /* closed after the sweep by another thread */
        registry[fd] = NULL;
    }
    if (fd >= registry_len) {
        int len = fd + 16;
        struct kq **r = realloc(registry, (size_t) len * sizeof(*r));
        if (!r) {
            pthread_mutex_unlock(&registry_lock);
            kq_free(kq);
            close(fd);
            errno = ENOMEM;
            return -1;
        }
        memset(r + registry_len, 0, (size_t) (len - registry_len) * sizeof(*r));
        registry = r;
        registry_len = len;
    }
    registry[fd] = kq;
    pthread_mutex_unlock(&registry_lock);
    return fd;
}

/* Returns the kq's state with its lock held, or NULL (EBADF). */
static struct kq *kq_acquire(int fd) {
    struct kq *kq = NULL;
    pthread_mutex_lock(&registry_lock);
    if (fd >= 0 && fd < registry_len && registry[fd]) {
        if (same_file(fd, registry[fd]->dev, registry[fd]->ino)) {
            kq = registry[fd];
            pthread_mutex_lock(&kq->lock);
        } else {
            kq_free(registry[fd]);
            registry[fd] = NULL;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    return kq;
}

/* ---- fd filters ---- */

static void fdnode_drop(struct kq *kq, int fd) {
    struct fdnode *n = kq->fds[fd];
    if (n->mask) {
        epoll_ctl(kq->fd, EPOLL_CTL_DEL, fd, NULL); /* fails harmlessly if fd was reused */
    }
    free(n);
    kq->fds[fd] = NULL;
}

/* Brings the epoll registration of fd in line with its filters. Returns 0 or an errno. */
static int fdnode_sync(struct kq *kq, int fd) {
    struct fdnode *n = kq->fds[fd];
    uint32_t mask = 0, et = 0;
    for (int i = 0; i < 2; i++) {
        if (n->f[i].active && n->f[i].enabled) {
            mask |= i == FILT_R ? EPOLLIN | EPOLLRDHUP : EPOLLOUT;
            et |= n->f[i].flags & EV_CLEAR ? EPOLLET : 0;
        }
    }
    mask |= mask ? et : 0;
    if (mask == n->mask) {
        return 0;
    }
    struct epoll_event ev = { .events = mask, .data.u64 = (uint64_t) n->gen << 32 | (uint32_t) fd };
    int rc;
    if (!mask) {
        rc = epoll_ctl(kq->fd, EPOLL_CTL_DEL, fd, NULL);
        if (rc < 0 && errno == ENOENT) {
            rc = 0;
        }
    } else {
        rc = epoll_ctl(kq->fd, n->mask ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
        if (rc < 0 && errno == ENOENT) {
            rc = epoll_ctl(kq->fd, EPOLL_CTL_ADD, fd, &ev);
        } else if (rc < 0 && errno == EEXIST) {
            rc = epoll_ctl(kq->fd, EPOLL_CTL_MOD, fd, &ev);
        }
    }
    if (rc < 0) {
        return errno;
    }
    n->mask = mask;
    return 0;
}

static int fd_change(struct kq *kq, const struct kevent *kev) {
    if (kev->ident > INT_MAX) {
        return EBADF;
    }
    int fd = (int) kev->ident;
    int which = kev->filter == EVFILT_READ ? FILT_R : FILT_W;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        if (fd < kq->nfds && kq->fds[fd]) {
            fdnode_drop(kq, fd);    /* closed: its knotes are gone, as on BSD */
        }
        return EBADF;
    }
    struct fdnode *n = fd < kq->nfds ? kq->fds[fd] : NULL;
    if (n && (n->dev != st.st_dev || n->ino != st.st_ino)) {
        /* The number was closed and reused; the old registration (if the old file is still
           open elsewhere) can't be removed from epoll, but its generation no longer matches. */
        free(n);
        kq->fds[fd] = n = NULL;
    }
    int created = 0;
    if (!n || !n->f[which].active) {
        if (!(kev->flags & EV_ADD)) {
            return ENOENT;
        }
        if (!n) {
            if (fd >= kq->nfds) {
                int len = fd + 64;
                struct fdnode **a = realloc(kq->fds, (size_t) len * sizeof(*a));
                if (!a) {
                    return ENOMEM;
                }
                memset(a + kq->nfds, 0, (size_t) (len - kq->nfds) * sizeof(*a));
                kq->fds = a;
                kq->nfds = len;
            }
            n = calloc(1, sizeof(*n));
            if (!n) {
                return ENOMEM;
            }
            n->dev = st.st_dev;
            n->ino = st.st_ino;
            n->gen = ++kq->gen & 0x7fffffff;
            n->is_socket = S_ISSOCK(st.st_mode);
            if (n->is_socket) {
                int proto = 0;
                socklen_t len = sizeof(proto);
                n->is_tcp = getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 && proto == IPPROTO_TCP;
            }
            kq->fds[fd] = n;
        }
        struct filt *f = &n->f[which];
        f->active = 1;
        f->enabled = !(kev->flags & EV_DISABLE);
        f->flags = kev->flags & KEPT_FLAGS;
        created = 1;
    }
    struct filt *f = &n->f[which];
    if (kev->flags & EV_DELETE) {
        f->active = 0;
    } else {
        f->udata = kev->udata;
        f->fflags = kev->fflags;
        f->data = kev->data;
        if (kev->flags & EV_ENABLE) {
            f->enabled = 1;
        } else if (kev->flags & EV_DISABLE) {
            f->enabled = 0;
        }
    }
    int err = fdnode_sync(kq, fd);
    if (err && created) {
        f->active = 0;  /* e.g. EPERM: epoll refuses regular files */
        fdnode_sync(kq, fd);
    }
    if (!n->f[FILT_R].active && !n->f[FILT_W].active) {
        fdnode_drop(kq, fd);
    }
    return err;
}

/* ---- EVFILT_USER ---- */

static struct unode *user_find(struct kq *kq, short filter, uintptr_t ident) {
    for (int i = 0; i < kq->nusers; i++) {
        if (kq->users[i].ident == ident && kq->users[i].filter == filter) {
            return &kq->users[i];
        }
    }
    return NULL;
}

/* Makes the eventfd's readability and epoll membership match the knote. */
static int user_sync(struct kq *kq, struct unode *u) {
    uint64_t v = 1;
    if (u->filter != EVFILT_USER) {
        /* The descriptor's own readiness is the trigger. */
    } else if (u->triggered) {
        if (write(u->evfd, &v, sizeof(v)) < 0) {
            return errno;
        }
    } else if (read(u->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN) {
        return errno;
    }
    int want = u->enabled;
    if (want != u->in_epoll) {
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = USER_TAG | (uint32_t) u->evfd };
        if (epoll_ctl(kq->fd, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, u->evfd, &ev) < 0) {
            return errno;
        }
        u->in_epoll = (unsigned char) want;
    }
    return 0;
}

/* Room for one more user, timer, vnode or process knote; ENOMEM if there is none. kq lock held. */
static int users_reserve(struct kq *kq) {
    if (kq->nusers == kq->capusers) {
        int cap = kq->capusers ? kq->capusers * 2 : 4;
        struct unode *a = realloc(kq->users, (size_t) cap * sizeof(*a));
        if (!a) {
            return ENOMEM;
        }
        kq->users = a;
        kq->capusers = cap;
    }
    return 0;
}

/* Deletes a user, timer, vnode or process knote and closes its descriptor. kq lock held. */
static void node_drop(struct kq *kq, struct unode *u) {
    if (u->in_epoll) {
        epoll_ctl(kq->fd, EPOLL_CTL_DEL, u->evfd, NULL);
    }
    close(u->evfd);
    *u = kq->users[--kq->nusers];
}

static int user_change(struct kq *kq, const struct kevent *kev) {
    struct unode *u = user_find(kq, EVFILT_USER, kev->ident);
    if (!u) {
        if (!(kev->flags & EV_ADD)) {
            return ENOENT;
        }
        if (kev->flags & EV_DELETE) {
            return 0;
        }
        if (users_reserve(kq)) {
            return ENOMEM;
        }
        int evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (evfd < 0) {
            return errno;
        }
        u = &kq->users[kq->nusers++];
        memset(u, 0, sizeof(*u));
        u->ident = kev->ident;
        u->filter = EVFILT_USER;
        u->evfd = evfd;
        u->enabled = !(kev->flags & EV_DISABLE);
        u->flags = kev->flags & KEPT_FLAGS;
        u->sfflags = kev->fflags & NOTE_FFLAGSMASK;
        u->sdata = kev->data;
        u->udata = kev->udata;
        u->triggered = (kev->fflags & NOTE_TRIGGER) != 0;
        return user_sync(kq, u);
    }
    if (kev->flags & EV_DELETE) {
        node_drop(kq, u);
        return 0;
    }
    /* FreeBSD filt_usertouch(EVENT_REGISTER) */
    u->udata = kev->udata;
    if (kev->fflags & NOTE_TRIGGER) {
        u->triggered = 1;
    }
    unsigned int ff = kev->fflags & NOTE_FFLAGSMASK;
    switch (kev->fflags & NOTE_FFCTRLMASK) {
    case NOTE_FFAND: u->sfflags &= ff; break;
    case NOTE_FFOR: u->sfflags |= ff; break;
    case NOTE_FFCOPY: u->sfflags = ff; break;
    default: break; /* NOTE_FFNOP */
    }
    u->sdata = kev->data;
    if (kev->flags & EV_CLEAR) {
        u->triggered = 0;
    }
    if (kev->flags & EV_ENABLE) {
        u->enabled = 1;
    } else if (kev->flags & EV_DISABLE) {
        u->enabled = 0;
    }
    return user_sync(kq, u);
}

/* ---- EVFILT_TIMER, EVFILT_VNODE, EVFILT_PROC ---- */

static int64_t timer_ns(const struct kevent *kev) {
    int64_t v = kev->data;
    switch (kev->fflags & (NOTE_SECONDS | NOTE_MSECONDS | NOTE_USECONDS | NOTE_NSECONDS)) {
    case NOTE_SECONDS: return v > INT64_MAX / 1000000000 ? INT64_MAX : v * 1000000000;
    case NOTE_USECONDS: return v > INT64_MAX / 1000 ? INT64_MAX : v * 1000;
    case NOTE_NSECONDS: return v;
    case 0:
    case NOTE_MSECONDS: return v > INT64_MAX / 1000000 ? INT64_MAX : v * 1000000;
    default: return -1;   /* more than one unit */
    }
}

static int timer_arm(int tfd, const struct kevent *kev) {
    int64_t ns = timer_ns(kev);
    if (ns < 0 || kev->data < 0) {
        return EINVAL;
    }
    if (ns == 0) {
        ns = 1;   /* FreeBSD fires a zero timer at once; a zero itimerspec would disarm it */
    }
    struct timespec t = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
    struct itimerspec spec = { .it_value = t };
    if (!(kev->flags & EV_ONESHOT)) {
        spec.it_interval = t;
    }
    return timerfd_settime(tfd, 0, &spec, NULL) < 0 ? errno : 0;
}

/* The inotify events behind each NOTE_* of EVFILT_VNODE (vnode_fired maps them back). */
static const struct {
    unsigned int note;
    uint32_t in;
} VNODE_EVENTS[] = {
    { NOTE_WRITE, IN_MODIFY }, { NOTE_EXTEND, IN_MODIFY }, { NOTE_ATTRIB, IN_ATTRIB }, { NOTE_LINK, IN_ATTRIB },
    { NOTE_DELETE, IN_ATTRIB | IN_DELETE_SELF }, { NOTE_RENAME, IN_MOVE_SELF }, { NOTE_REVOKE, IN_UNMOUNT },
};

static uint32_t vnode_mask(unsigned int fflags) {
    uint32_t m = 0;
    for (size_t i = 0; i < sizeof(VNODE_EVENTS) / sizeof(VNODE_EVENTS[0]); i++) {
        if (fflags & VNODE_EVENTS[i].note) {
            m |= VNODE_EVENTS[i].in;
        }
    }
    return m;
}

/* A new descriptor standing for the knote; errno value on failure. */
static int other_open(const struct kevent *kev, struct unode *u) {
    switch (kev->filter) {
    case EVFILT_TIMER: {
        int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (tfd < 0) {
            return errno;
        }
        int err = timer_arm(tfd, kev);
        if (err) {
            close(tfd);
            return err;
        }
        u->evfd = tfd;
        return 0;
    }
    case EVFILT_VNODE: {
        struct stat st;
        char path[64];
        if (kev->ident > INT_MAX || fstat((int) kev->ident, &st) < 0) {
            return EBADF;
        }
        if (vnode_mask(kev->fflags) == 0 || (kev->fflags & ~0x7fu)) {
            return EINVAL;
        }
        int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ifd < 0) {
            return errno;
        }
        snprintf(path, sizeof(path), "/proc/self/fd/%d", (int) kev->ident);
        if (inotify_add_watch(ifd, path, vnode_mask(kev->fflags)) < 0) {
            int err = errno;
            close(ifd);
            return err;
        }
        u->evfd = ifd;
        u->size = st.st_size;
        u->nlink = st.st_nlink;
        return 0;
    }
    case EVFILT_PROC: {
#ifdef SYS_pidfd_open
        if (kev->fflags != NOTE_EXIT) {
            return EINVAL;
        }
        if (kev->ident == 0 || kev->ident > INT_MAX) {
            return ESRCH;
        }
        long pfd = syscall(SYS_pidfd_open, (int) kev->ident, 0);
        if (pfd < 0) {
            return errno;
        }
        u->evfd = (int) pfd;
        return 0;
#else
        return ENOSYS;
#endif
    }
    default:
        return EINVAL;
    }
}

static int other_change(struct kq *kq, const struct kevent *kev) {
    struct unode *u = user_find(kq, kev->filter, kev->ident);
    if (u && u->filter == EVFILT_VNODE && fcntl((int) u->ident, F_GETFD) < 0) {
        node_drop(kq, u);   /* its descriptor was closed: BSD drops the knote with it */
        u = NULL;
    }
    if (kev->flags & EV_DELETE) {
        if (!u) {
            return ENOENT;
        }
        node_drop(kq, u);
        return 0;
    }
    if (!u) {
        if (!(kev->flags & EV_ADD)) {
            return ENOENT;
        }
        if (users_reserve(kq)) {
            return ENOMEM;
        }
        struct unode fresh;
        memset(&fresh, 0, sizeof(fresh));
        int err = other_open(kev, &fresh);
        if (err) {
            return err;
        }
        fresh.ident = kev->ident;
        fresh.filter = kev->filter;
        fresh.enabled = !(kev->flags & EV_DISABLE);
        fresh.flags = (kev->flags & KEPT_FLAGS) | EV_CLEAR;
        fresh.sfflags = kev->fflags;
        fresh.sdata = kev->data;
        fresh.udata = kev->udata;
        u = &kq->users[kq->nusers++];
        *u = fresh;
        return user_sync(kq, u);
    }
    /* Modify: new udata, flags and (for timers) a new period. */
    u->udata = kev->udata;
    if (kev->filter == EVFILT_TIMER && (kev->flags & EV_ADD)) {
        struct kevent re = *kev;
        int err = timer_arm(u->evfd, &re);
        if (err) {
            return err;
        }
        u->sdata = kev->data;
    }
    if (kev->flags & EV_ENABLE) {
        u->enabled = 1;
    } else if (kev->flags & EV_DISABLE) {
        u->enabled = 0;
    }
    return user_sync(kq, u);
}

static int apply_change(struct kq *kq, const struct kevent *kev) {
    switch (kev->filter) {
    case EVFILT_READ:
    case EVFILT_WRITE:
        return fd_change(kq, kev);
    case EVFILT_USER:
        return user_change(kq, kev);
    case EVFILT_TIMER:
    case EVFILT_VNODE:
    case EVFILT_PROC:
        return other_change(kq, kev);
    default:
        return EINVAL;
    }
}

/* ---- delivery ---- */

/* Infers a socket's pending error without consuming it (see top of file); 0 if unknown. */
static unsigned int tcp_error_guess(int fd) {
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0
            || len < offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof(ti.tcpi_bytes_acked)
            || ti.tcpi_state != LINUX_TCP_CLOSE) {
        return 0;
    }
    if (ti.tcpi_bytes_acked == 0 && ti.tcpi_segs_in > 0
            && ti.tcpi_segs_out == 1 + ti.tcpi_total_retrans) {
        return ECONNREFUSED;
    }
    return ti.tcpi_bytes_acked > 0 ? ECONNRESET : 0;
}

static intptr_t read_data(int fd, const struct fdnode *n) {
    int avail = 0;
    if (ioctl(fd, FIONREAD, &avail) == 0) {
        return avail;
    }
    /* Listening sockets: FIONREAD fails; a TCP listener's accept queue is in tcpi_unacked. */
    if (n->is_tcp) {
        struct tcp_info ti;
        socklen_t len = sizeof(ti);
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 && ti.tcpi_state == LINUX_TCP_LISTEN) {
            return ti.tcpi_unacked > 0 ? (intptr_t) ti.tcpi_unacked : 1;
        }
    }
    return 1;
}

static intptr_t write_data(int fd, const struct fdnode *n) {
    int size = 0, used = 0;
    socklen_t len = sizeof(size);
    if (n->is_socket) {
        if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &len) < 0) {
            return 0;
        }
        if (ioctl(fd, SIOCOUTQ, &used) < 0) {
            used = 0;
        }
    } else {
        size = fcntl(fd, F_GETPIPE_SZ);
        if (size < 0 || ioctl(fd, FIONREAD, &used) < 0) {
            return size < 0 ? 0 : size;
        }
    }
    return size > used ? size - used : 0;
}

static void post_deliver(struct filt *f) {
    if (f->flags & EV_ONESHOT) {
        f->active = 0;
    } else if (f->flags & EV_DISPATCH) {
        f->enabled = 0;
    }
}

static const uint32_t READY[2] = {
    EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR, EPOLLOUT | EPOLLHUP | EPOLLERR
};

static void queue_recheck(struct kq *kq, int fd, struct fdnode *n, int which) {
    n->recheck[which] = 1;
    if (n->queued) {
        return;
    }
    if (kq->nrq == kq->caprq) {
        int cap = kq->caprq ? kq->caprq * 2 : 16;
        int *a = realloc(kq->rq, (size_t) cap * sizeof(*a));
        if (!a) {
            return; /* out of memory: a level filter may miss its repeat */
        }
        kq->rq = a;
        kq->caprq = cap;
    }
    kq->rq[kq->nrq++] = fd;
    n->queued = 1;
}

/*
 * Delivers the filters in `which` (bit per filter) of fd that revents makes ready, at most
 * room of them; returns how many. With EPOLLET (some filter has EV_CLEAR) epoll reports only
 * edges, so a level filter just delivered, or any filter left out for lack of room, is queued
 * to be polled again before the next wait. kq lock held.
 */
static int deliver_fd(struct kq *kq, int fd, struct fdnode *n, uint32_t revents, int which,
                      struct kevent *out, int room) {
    if (!same_file(fd, n->dev, n->ino)) {
        /* Closed (or closed and reused) without EV_DELETE: BSD would have dropped the knotes. */
        fdnode_drop(kq, fd);
        return 0;
    }
    int et = (n->mask & EPOLLET) != 0, count = 0;
    for (int j = 0; j < 2; j++) {
        int i = j ^ n->first;
        struct filt *f = &n->f[i];
        if (!(which & (1 << i)) || !f->active || !f->enabled || !(revents & READY[i])
                || n->seen[i] == kq->call) {
            continue;
        }
        if (count == room) {
            n->first = (unsigned char) i;
            if (et) {
                queue_recheck(kq, fd, n, i);
            }
            continue;
        }
        struct kevent *k = &out[count++];
        if (i == FILT_R) {
            EV_SET(k, (uintptr_t) fd, EVFILT_READ, f->flags, 0, read_data(fd, n), f->udata);
            if (revents & (EPOLLRDHUP | EPOLLHUP)) {
                k->flags |= EV_EOF;
            }
        } else {
            EV_SET(k, (uintptr_t) fd, EVFILT_WRITE, f->flags, 0, write_data(fd, n), f->udata);
            if ((revents & EPOLLHUP) || ((revents & EPOLLERR) && !n->is_socket)) {
                k->flags |= EV_EOF;
            }
        }
        if ((k->flags & EV_EOF) && (revents & EPOLLERR) && n->is_tcp) {
            k->fflags = tcp_error_guess(fd);
        }
        n->seen[i] = kq->call;
        post_deliver(f);
        if (et && !(f->flags & EV_CLEAR) && f->active && f->enabled) {
            queue_recheck(kq, fd, n, i);
        }
    }
    fdnode_sync(kq, fd);
    if (!n->f[FILT_R].active && !n->f[FILT_W].active) {
        fdnode_drop(kq, fd);
    }
    return count;
}

static int convert_fd(struct kq *kq, const struct epoll_event *ev, struct kevent *out, int room) {
    int fd = (int) (ev->data.u64 & 0xffffffffu);
    uint32_t gen = (uint32_t) (ev->data.u64 >> 32);
    struct fdnode *n = fd < kq->nfds ? kq->fds[fd] : NULL;
    if (!n || n->gen != gen) {
        return 0;
    }
    return deliver_fd(kq, fd, n, ev->events, 3, out, room);
}

/* Polls the queued filters of EPOLLET registrations (level filters' repeats). kq lock held. */
static int recheck(struct kq *kq, struct kevent *out, int room) {
    int old = kq->nrq, count = 0;
    for (int i = 0; i < old; i++) {
        int fd = kq->rq[i];
        struct fdnode *n = fd < kq->nfds ? kq->fds[fd] : NULL;
        if (!n || !n->queued) {
            continue;
        }
        int which = n->recheck[FILT_R] | n->recheck[FILT_W] << 1;
        n->queued = n->recheck[FILT_R] = n->recheck[FILT_W] = 0;
        if (!(n->mask & EPOLLET)) {
            continue;   /* level-triggered again: epoll reports it by itself */
        }
        struct pollfd p = { fd, (short) ((which & 1 ? POLLIN | POLLRDHUP : 0) | (which & 2 ? POLLOUT : 0)), 0 };
        if (room - count == 0) {
            for (int w = 0; w < 2; w++) {
                if (which & (1 << w)) {
                    queue_recheck(kq, fd, n, w);
                }
            }
        } else if (poll(&p, 1, 0) == 1) {
            count += deliver_fd(kq, fd, n, (uint32_t) p.revents, which, out + count, room - count);
        }
    }
    if (old > 0) {
        memmove(kq->rq, kq->rq + old, (size_t) (kq->nrq - old) * sizeof(*kq->rq));
        kq->nrq -= old;
    }
    return count;
}

/* The NOTE_* flags of the queued inotify events that the knote asked for; drains the instance. */
static unsigned int vnode_fired(struct unode *u) {
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    uint32_t seen = 0;
    ssize_t n;
    while ((n = read(u->evfd, buf, sizeof(buf))) > 0) {
        for (char *p = buf; p < buf + n; p += sizeof(struct inotify_event) + ((struct inotify_event *) p)->len) {
            seen |= ((struct inotify_event *) p)->mask;
        }
    }
    unsigned int fired = 0;
    struct stat st;
    int gone = fstat((int) u->ident, &st) < 0;
    if (seen & IN_MODIFY) {
        fired |= NOTE_WRITE;
        if (!gone && st.st_size > u->size) {
            fired |= NOTE_EXTEND;
        }
    }
    if (seen & IN_ATTRIB) {
        fired |= NOTE_ATTRIB;
        if (!gone && st.st_nlink != u->nlink) {
            fired |= NOTE_LINK;
        }
        if (!gone && st.st_nlink == 0) {
            fired |= NOTE_DELETE;   /* unlinked while open: Linux has no IN_DELETE_SELF yet */
        }
    }
    if (seen & IN_DELETE_SELF) {
        fired |= NOTE_DELETE;
    }
    if (seen & IN_MOVE_SELF) {
        fired |= NOTE_RENAME;
    }
    if (seen & IN_UNMOUNT) {
        fired |= NOTE_REVOKE;
    }
    if (!gone) {
        u->size = st.st_size;
        u->nlink = st.st_nlink;
    }
    return fired & u->sfflags;
}

/* The wait status of an exited process behind a pidfd (without reaping it), as wait(2) encodes it. */
static intptr_t exit_status(int pidfd) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    /* P_PIDFD (3, Linux 5.4+) is an enumerator of glibc's idtype_t, not a macro. After the JVM's
       own reaper has collected the child this fails (ECHILD) and the status reads as 0. */
    if (waitid((idtype_t) 3, (id_t) pidfd, &info, WEXITED | WNOHANG | WNOWAIT) == 0) {
        if (info.si_code == CLD_EXITED) {
            return (intptr_t) ((info.si_status & 0xff) << 8);
        }
        return (intptr_t) (info.si_status & 0x7f);
    }
    return 0;
}

/* An EVFILT_TIMER, VNODE or PROC knote whose descriptor is readable. kq lock held. */
static int convert_other(struct kq *kq, struct unode *u, struct kevent *out) {
    if (!u->enabled) {
        return 0;
    }
    switch (u->filter) {
    case EVFILT_TIMER: {
        uint64_t expirations = 0;
        if (read(u->evfd, &expirations, sizeof(expirations)) != (ssize_t) sizeof(expirations) || expirations == 0) {
            return 0;
        }
        EV_SET(out, u->ident, EVFILT_TIMER, u->flags & ~EV_CLEAR, 0, (intptr_t) expirations, u->udata);
        break;
    }
    case EVFILT_VNODE: {
        unsigned int fired = vnode_fired(u);
        if (!fired) {
            return 0;
        }
        EV_SET(out, u->ident, EVFILT_VNODE, u->flags & ~EV_CLEAR, fired, 0, u->udata);
        break;
    }
    default: /* EVFILT_PROC: the process exited; the knote goes with it */
        EV_SET(out, u->ident, EVFILT_PROC, (u->flags & ~EV_CLEAR) | EV_EOF | EV_ONESHOT, NOTE_EXIT,
               exit_status(u->evfd), u->udata);
        other_change(kq, &(struct kevent) { .ident = u->ident, .filter = EVFILT_PROC, .flags = EV_DELETE });
        return 1;
    }
    if (u->flags & EV_ONESHOT) {
        other_change(kq, &(struct kevent) { .ident = u->ident, .filter = u->filter, .flags = EV_DELETE });
    } else if (u->flags & EV_DISPATCH) {
        u->enabled = 0;
        user_sync(kq, u);
    }
    return 1;
}

static int convert_user(struct kq *kq, const struct epoll_event *ev, struct kevent *out, int room) {
    int evfd = (int) (ev->data.u64 & 0xffffffffu);
    if (room == 0) {
        return 0;   /* the eventfd stays readable: reported next time */
    }
    for (int i = 0; i < kq->nusers; i++) {
        struct unode *u = &kq->users[i];
        if (u->evfd != evfd) {
            continue;
        }
        if (u->filter != EVFILT_USER) {
            return convert_other(kq, u, out);
        }
        if (!u->enabled || !u->triggered) {
            return 0;
        }
        EV_SET(out, u->ident, EVFILT_USER, u->flags, u->sfflags, u->sdata, u->udata);
        if (u->flags & EV_ONESHOT) {
            user_change(kq, &(struct kevent) { .ident = u->ident, .filter = EVFILT_USER, .flags = EV_DELETE });
            return 1;
        }
        if (u->flags & EV_CLEAR) {
            u->triggered = 0;
        }
        if (u->flags & EV_DISPATCH) {
            u->enabled = 0;
        }
        user_sync(kq, u);
        return 1;
    }
    return 0;
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Milliseconds for epoll_wait, rounded up so a wait never ends early. */
static int ms_until(long long deadline) {
    long long left = deadline - now_ns();
    if (left <= 0) {
        return 0;
    }
    long long ms = (left + 999999) / 1000000;
    return ms > INT_MAX ? INT_MAX : (int) ms;
}

int kevent(int kqfd, const struct kevent *changelist, int nchanges,
           struct kevent *eventlist, int nevents, const struct timespec *timeout) {
    if (nchanges < 0 || nevents < 0) {
        errno = EINVAL;
        return -1;
    }
    struct kq *kq = kq_acquire(kqfd);
    if (!kq) {
        errno = EBADF;
        return -1;
    }
    /* FreeBSD kern_kevent_fp: errors (and receipts) go to the event list while it has room;
       once it is full the first error fails the whole call. Any receipt skips the wait. */
    int nerrors = 0;
    for (int i = 0; i < nchanges; i++) {
        struct kevent kev = changelist[i];
        if (kev.filter == 0) {
            continue;
        }
        kev.flags &= ~EV_SYSFLAGS;
        int err = apply_change(kq, &kev);
        if (err || (kev.flags & EV_RECEIPT)) {
            if (nevents == 0) {
                pthread_mutex_unlock(&kq->lock);
                if (err) {
                    errno = err;
                    return -1;
                }
                return 0;
            }
            kev.flags = EV_ERROR;
            kev.data = err;
            eventlist[nerrors++] = kev;
            nevents--;
        }
    }
    pthread_mutex_unlock(&kq->lock);
    if (nerrors) {
        return nerrors;
    }
    if (nevents == 0) {
        return 0;
    }
    long long deadline = 0;
    if (timeout) {
        if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L) {
            errno = EINVAL;
            return -1;
        }
        deadline = now_ns() + (timeout->tv_sec > 1000000000L ? 1000000000L : timeout->tv_sec) * 1000000000LL
                   + timeout->tv_nsec;
    }
    /* Like FreeBSD's kqueue, fill the whole event list when that many filters are ready. One
       epoll event can become two kevents (read + write); what does not fit stays pending (level)
       or is queued for recheck (EPOLLET), never written past nevents. */
    int max = nevents;
    struct epoll_event stackbuf[64];
    struct epoll_event *evs = max <= 64 ? stackbuf : malloc((size_t) max * sizeof(*evs));
    if (!evs) {
        errno = ENOMEM;
        return -1;
    }
    kq = kq_acquire(kqfd);
    if (!kq) {
        errno = EBADF;
        return -1;
    }
    kq->call++;
    int count = recheck(kq, eventlist, nevents);
    pthread_mutex_unlock(&kq->lock);
    for (int rounds = 0;; rounds++) {
        int room = nevents - count;
        if (room == 0) {
            break;
        }
        int n = epoll_wait(kqfd, evs, room, count > 0 ? 0 : timeout ? ms_until(deadline) : -1);
        if (n < 0) {
            count = count > 0 ? count : -1;
            break;
        }
        if (n > 0) {
            kq = kq_acquire(kqfd);
            if (!kq) {
                errno = EBADF;
                count = -1;
                break;
            }
            for (int i = 0; i < n; i++) {
                count += (evs[i].data.u64 & USER_TAG)
                         ? convert_user(kq, &evs[i], &eventlist[count], nevents - count)
                         : convert_fd(kq, &evs[i], &eventlist[count], nevents - count);
            }
            pthread_mutex_unlock(&kq->lock);
        }
        /* Something delivered and epoll has no more (it returned less than asked), or only
           repeats and stale events keep coming: done. Nothing yet: wait on until the deadline. */
        if (count > 0 && (n < room || rounds >= 8)) {
            break;
        }
        if (count == 0 && timeout && now_ns() >= deadline) {
            break;
        }
    }
    if (evs != stackbuf) {
        int err = errno;
        free(evs);
        errno = err;
    }
    return count;
}
