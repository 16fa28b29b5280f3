/* Internals of the wepoll backend: per-socket poll state, the socket table, the poller. */
#ifndef POLLEN_WEPOLL_INTERNAL_H
#define POLLEN_WEPOLL_INTERNAL_H

#include <stdint.h>

#include "pollen_afd.h"
#include "pollen_poller.h"

/* Completion keys of the poller's port: AFD polls, and the cross-thread wake-up. */
#define POLLEN_KEY_AFD  ((ULONG_PTR) 0x41464400)
#define POLLEN_KEY_WAKE ((ULONG_PTR) 0x57414B45)

/* Where a socket's one AFD poll stands. */
typedef enum pollen_sock_poll {
    POLLEN_SOCK_IDLE = 0,     /* no poll outstanding; submitted by the next wait if queued */
    POLLEN_SOCK_PENDING,      /* a poll for `armed` is outstanding */
    POLLEN_SOCK_CANCELLED     /* the poll was cancelled; its completion has not arrived yet */
} pollen_sock_poll;

/*
 * An AFD handle and the sockets whose polls go through it. Cancelling a poll costs Windows more the
 * more polls are outstanding on the same handle (wepoll, mio and polling measured it), so a handle
 * serves at most POLLEN_GROUP_MAX sockets and the poller opens more as registrations grow.
 */
#define POLLEN_GROUP_MAX 32

typedef struct pollen_afd_group pollen_afd_group;
struct pollen_afd_group {
    HANDLE afd;
    int size;                        /* sockets on this handle, registered or awaiting a completion */
    pollen_afd_group *prev, *next;   /* in the poller's open or full list */
};

typedef struct pollen_sock pollen_sock;
struct pollen_sock {
    IO_STATUS_BLOCK iosb;            /* first: the completion's lpOverlapped points here */
    pollen_afd_poll_info info;
    SOCKET fd;                       /* the caller's handle (table key) */
    SOCKET base;                     /* the base provider socket AFD polls */
    pollen_afd_group *group;         /* the AFD handle its polls go through */
    uint64_t token;
    uint32_t interest;               /* POLLEN_INTEREST_* (0 once a one-shot has fired) */
    uint32_t armed;                  /* AFD events of the outstanding poll */
    int armed_disabled;              /* a one-shot that fired; re-armed by MOD */
    pollen_sock_poll poll;
    int delete_pending;              /* deleted by the caller, freed when its poll completes */
    int queued;                      /* on the update queue */
    pollen_sock *next_update, *prev_update;
    pollen_sock *next_in_bucket;     /* table chain, or the deleted list */
};

typedef struct pollen_sock_table {
    pollen_sock **buckets;
    size_t mask;                     /* bucket count - 1 (a power of two) */
    size_t count;
} pollen_sock_table;

struct pollen_poller {
    HANDLE iocp;
    pollen_afd_group *open_groups;   /* groups with room (the first takes the next socket) */
    pollen_afd_group *full_groups;   /* groups of POLLEN_GROUP_MAX sockets */
    size_t group_count;
    pollen_sock_table table;
    pollen_sock *update_head;        /* sockets whose poll must be (re)submitted */
    pollen_sock *deleted;            /* deleted sockets still waiting for their completion */
    size_t outstanding;              /* polls submitted whose completion has not come back */
    volatile LONG wake_posted;       /* 1 while a wake-up packet is on the port, unconsumed */
    OVERLAPPED_ENTRY *entries;
    int capacity;
};

int pollen_table_init(pollen_sock_table *t);
void pollen_table_free(pollen_sock_table *t);
pollen_sock *pollen_table_find(pollen_sock_table *t, SOCKET fd);
int pollen_table_insert(pollen_sock_table *t, pollen_sock *s);
void pollen_table_remove(pollen_sock_table *t, pollen_sock *s);

int pollen_group_acquire(pollen_poller *p, pollen_afd_group **out);
void pollen_group_release(pollen_poller *p, pollen_afd_group *g);
int pollen_group_close_all(pollen_poller *p);

int pollen_sock_new(pollen_poller *p, SOCKET fd, uint32_t interest, uint64_t token, pollen_sock **out);
void pollen_sock_set(pollen_poller *p, pollen_sock *s, uint32_t interest, uint64_t token);
int pollen_sock_update(pollen_poller *p, pollen_sock *s);
void pollen_sock_delete(pollen_poller *p, pollen_sock *s);
/* Feeds a completion; returns 1 and fills *ev when it yields an event for the caller. */
int pollen_sock_feed(pollen_poller *p, pollen_sock *s, pollen_event *ev);
void pollen_sock_free_all(pollen_poller *p);

#endif
