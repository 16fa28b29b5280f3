/*
 * The wepoll backend of the poller contract (pollen_poller.h): epoll-like readiness for
 * Winsock sockets over an I/O completion port.
 *
 * Each registered socket has at most one AFD poll outstanding (pollen_wepoll_sock.c), through
 * an AFD handle it shares with at most 31 others (pollen_wepoll_group.c). ctl
 * only records the wanted interest and queues the socket; wait, on the loop thread, submits
 * the queued polls, then dequeues completions with GetQueuedCompletionStatusEx. A completion
 * is one-shot, so the socket is queued again and the next wait re-polls: a socket that is
 * still ready completes at once, which is what makes the poller level-triggered. There is no
 * edge-triggered mode. Cross-thread wake-ups are packets under a completion key of their own.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "pollen_errno_win.h"
#include "pollen_wepoll_internal.h"

#define INTEREST_KNOWN (POLLEN_INTEREST_READ | POLLEN_INTEREST_WRITE | POLLEN_INTEREST_READ_CLOSED \
                        | POLLEN_INTEREST_ONESHOT | POLLEN_INTEREST_PRIORITY)

/* Zero-timeout waits re-poll a few times when completions only requeued sockets (cancellations). */
#define ZERO_TIMEOUT_ROUNDS 4

static int64_t now_ns(void) {
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;
    if (freq.QuadPart == 0) {
        QueryPerformanceFrequency(&freq);
    }
    QueryPerformanceCounter(&t);
    int64_t f = freq.QuadPart;
    return t.QuadPart / f * 1000000000 + t.QuadPart % f * 1000000000 / f;
}

int pollen_poller_create(pollen_poller **out, int capacity) {
    WSADATA wsa;
    int rc;
    if (capacity <= 0) {
        return -EINVAL;
    }
    /* The AFD layer asks Winsock for base sockets; WSAStartup is reference counted. */
    int wsa_rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (wsa_rc != 0) {
        return -pollen_errno_from_win32((DWORD) wsa_rc);
    }
    pollen_poller *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        rc = -ENOMEM;
        goto err_wsa;
    }
    p->capacity = capacity;
    p->entries = malloc(sizeof(OVERLAPPED_ENTRY) * (size_t) capacity);
    if (p->entries == NULL) {
        rc = -ENOMEM;
        goto err_poller;
    }
    rc = pollen_table_init(&p->table);
    if (rc < 0) {
        goto err_entries;
    }
    p->iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (p->iocp == NULL) {
        rc = pollen_errno_last();
        goto err_table;
    }
    /* The first group opens now, so a missing AFD driver fails here and not at the first ADD. */
    pollen_afd_group *first;
    rc = pollen_group_acquire(p, &first);
    if (rc < 0) {
        goto err_iocp;
    }
    pollen_group_release(p, first);
    *out = p;
    return 0;
err_iocp:
    CloseHandle(p->iocp);
err_table:
    pollen_table_free(&p->table);
err_entries:
    free(p->entries);
err_poller:
    free(p);
err_wsa:
    WSACleanup();
    return rc;
}

/* A poll that already completed with LOCAL_CLOSE: the handle was closed without a DEL. */
static int sock_closed_under_us(const pollen_sock *s) {
    MemoryBarrier();
    return s->poll == POLLEN_SOCK_PENDING && s->iosb.Status != STATUS_PENDING
        && NT_SUCCESS(s->iosb.Status) && s->info.handle_count >= 1
        && (s->info.handles[0].events & POLLEN_AFD_POLL_LOCAL_CLOSE);
}

int pollen_poller_ctl(pollen_poller *p, int op, pollen_fd fd, uint32_t interest, uint64_t token) {
    if (op != POLLEN_CTL_ADD && op != POLLEN_CTL_MOD && op != POLLEN_CTL_DEL) {
        return -EINVAL;
    }
    if (fd == INVALID_SOCKET || fd == 0) {
        return -EBADF;
    }
    if (op != POLLEN_CTL_DEL && (interest & ~INTEREST_KNOWN) != 0) {
        return -EINVAL;
    }
    pollen_sock *s = pollen_table_find(&p->table, fd);
    switch (op) {
    case POLLEN_CTL_ADD:
        if (s != NULL && sock_closed_under_us(s)) {
            /* The handle value was reused before a wait saw the close: retire the old entry. */
            pollen_sock_delete(p, s);
            s = NULL;
        }
        if (s != NULL) {
            return -EEXIST;
        }
        return pollen_sock_new(p, fd, interest, token, &s);
    case POLLEN_CTL_MOD:
        if (s == NULL) {
            return -ENOENT;
        }
        pollen_sock_set(p, s, interest, token);
        return 0;
    default:
        if (s == NULL) {
            return -ENOENT;
        }
        pollen_sock_delete(p, s);
        return 0;
    }
}

static int poller_submit(pollen_poller *p) {
    while (p->update_head != NULL) {
        int rc = pollen_sock_update(p, p->update_head);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

/* Milliseconds left until deadline, rounded up (never early), capped below INFINITE. */
static DWORD poller_timeout_ms(int64_t timeout_ns, int64_t deadline) {
    if (timeout_ns < 0) {
        return INFINITE;
    }
    if (timeout_ns == 0) {
        return 0;
    }
    int64_t left = deadline - now_ns();
    if (left <= 0) {
        return 0;
    }
    int64_t ms = left / 1000000 + (left % 1000000 != 0);
    return ms >= (int64_t) INFINITE ? INFINITE - 1 : (DWORD) ms;
}

int pollen_poller_wait(pollen_poller *p, pollen_event *events, int max, int64_t timeout_ns) {
    if (max <= 0) {
        return -EINVAL;
    }
    if (max > p->capacity) {
        OVERLAPPED_ENTRY *grown = realloc(p->entries, sizeof(OVERLAPPED_ENTRY) * (size_t) max);
        if (grown == NULL) {
            return -ENOMEM;
        }
        p->entries = grown;
        p->capacity = max;
    }
    int64_t now = timeout_ns > 0 ? now_ns() : 0;
    /* Saturated: a timeout near INT64_MAX must not wrap into a deadline already past. */
    int64_t deadline = timeout_ns <= 0 ? 0 : timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
    for (int round = 0;; round++) {
        int rc = poller_submit(p);
        if (rc < 0) {
            return rc;
        }
        ULONG n = 0;
        if (!GetQueuedCompletionStatusEx(p->iocp, p->entries, (ULONG) max, &n,
                                         poller_timeout_ms(timeout_ns, deadline), FALSE)) {
            if (GetLastError() != WAIT_TIMEOUT) {
                return pollen_errno_last();
            }
            n = 0;
        }
        int out = 0;
        int woke = 0;
        for (ULONG i = 0; i < n; i++) {
            OVERLAPPED_ENTRY *e = &p->entries[i];
            if (e->lpCompletionKey == POLLEN_KEY_WAKE) {
                /* Consumed: the next wake() posts again. */
                InterlockedExchange(&p->wake_posted, 0);
                woke = 1;
            } else if (e->lpCompletionKey == POLLEN_KEY_AFD && e->lpOverlapped != NULL) {
                /* The IO_STATUS_BLOCK is the first member of its pollen_sock. */
                out += pollen_sock_feed(p, (pollen_sock *) (void *) e->lpOverlapped, &events[out]);
            }
        }
        if (out > 0 || woke) {
            return out;
        }
        if (timeout_ns == 0) {
            /* Only cancellations came back: their sockets are queued, poll them once more. */
            if (n == 0 || round + 1 >= ZERO_TIMEOUT_ROUNDS) {
                return 0;
            }
        } else if (timeout_ns > 0 && now_ns() >= deadline) {
            return 0;
        }
        /* Nothing for the caller yet (timer slack, cancellations, filtered events): wait on. */
    }
}

/* No POLLEN_CAP_IO_BATCH here: the AFD driver only polls, so reads and writes are made one by one. */
int pollen_poller_io_batch(pollen_poller *p, pollen_io *ops, int count) {
    (void) p;
    (void) ops;
    (void) count;
    return -ENOSYS;
}

int pollen_poller_wake(pollen_poller *p) {
    /* One unconsumed wake-up packet is enough: skip redundant posts. */
    if (InterlockedCompareExchange(&p->wake_posted, 1, 0) != 0) {
        return 0;
    }
    if (!PostQueuedCompletionStatus(p->iocp, 0, POLLEN_KEY_WAKE, NULL)) {
        int rc = pollen_errno_last();
        InterlockedExchange(&p->wake_posted, 0);
        return rc;
    }
    return 0;
}

/* Waits for every outstanding poll to come back, so that no kernel write outlives its memory. */
static void poller_drain(pollen_poller *p) {
    int idle_rounds = 0;
    while (p->outstanding > 0 && idle_rounds < 5) {
        ULONG n = 0;
        if (!GetQueuedCompletionStatusEx(p->iocp, p->entries, (ULONG) p->capacity, &n, 1000, FALSE)) {
            idle_rounds++;
            continue;
        }
        for (ULONG i = 0; i < n; i++) {
            OVERLAPPED_ENTRY *e = &p->entries[i];
            if (e->lpCompletionKey == POLLEN_KEY_AFD && e->lpOverlapped != NULL) {
                pollen_event unused;
                (void) pollen_sock_feed(p, (pollen_sock *) (void *) e->lpOverlapped, &unused);
            }
        }
    }
}

int pollen_poller_close(pollen_poller *p) {
    int rc = 0;
    if (p == NULL) {
        return -EINVAL;
    }
    /* Delete every registration (cancelling its poll), then collect the cancellations. */
    for (size_t i = 0; i <= p->table.mask; i++) {
        while (p->table.buckets[i] != NULL) {
            pollen_sock_delete(p, p->table.buckets[i]);
        }
    }
    poller_drain(p);
    rc = pollen_group_close_all(p);
    if (!CloseHandle(p->iocp) && rc == 0) {
        rc = pollen_errno_last();
    }
    if (p->outstanding == 0) {
        pollen_sock_free_all(p);
    }
    /* else: a poll never came back; its memory is leaked rather than risk a late write into it. */
    pollen_table_free(&p->table);
    free(p->entries);
    free(p);
    WSACleanup();
    return rc;
}

uint32_t pollen_poller_capabilities(void) {
    /* AFD polls are one-shot requests re-armed on every wait: level and one-shot, never edge. */
    return POLLEN_CAP_LEVEL | POLLEN_CAP_ONESHOT | POLLEN_CAP_READ_CLOSED | POLLEN_CAP_PRIORITY;
}

const char *pollen_poller_name(void) {
    return "wepoll";
}
