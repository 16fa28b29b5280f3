/*
 * One registered socket and its single AFD poll. The state machine (pollen_sock_poll):
 *
 *   IDLE      --wait submits a poll-------------------------> PENDING
 *   PENDING   --interest grows beyond the armed events------> CANCELLED (poll cancelled)
 *   PENDING   --completion (events, timeout, error)---------> IDLE, queued for resubmission
 *   CANCELLED --completion (STATUS_CANCELLED or events)-----> IDLE, queued for resubmission
 *   any       --ctl DEL---------------------------------------> delete pending (poll cancelled);
 *                                                              freed at once if IDLE, else
 *                                                              when its completion arrives
 *   any       --completion with LOCAL_CLOSE (closed under us)-> freed, never reported
 *
 * Polls are submitted only by pollen_sock_update, which only the loop thread's wait calls,
 * so a socket never has two polls outstanding.
 */
#include <errno.h>
#include <stdlib.h>

#include "pollen_wepoll_internal.h"

/* Always watched: a close under our feet, and failures reported whatever the interest. */
#define AFD_ALWAYS (POLLEN_AFD_POLL_LOCAL_CLOSE | POLLEN_AFD_POLL_ABORT | POLLEN_AFD_POLL_CONNECT_FAIL)

static ULONG sock_afd_events(const pollen_sock *s) {
    /* A fired one-shot keeps watching for a close only, so its state can still be freed. */
    if (s->interest & POLLEN_INTEREST_ONESHOT && s->armed_disabled) {
        return POLLEN_AFD_POLL_LOCAL_CLOSE;
    }
    ULONG afd = AFD_ALWAYS;
    if (s->interest & POLLEN_INTEREST_READ) {
        afd |= POLLEN_AFD_POLL_RECEIVE | POLLEN_AFD_POLL_ACCEPT | POLLEN_AFD_POLL_DISCONNECT;
    }
    if (s->interest & POLLEN_INTEREST_READ_CLOSED) {
        afd |= POLLEN_AFD_POLL_DISCONNECT;
    }
    /*
     * SEND alone: Windows signals it when a connect completes. CONNECT is not asked for: Wine
     * keeps reporting it for any connected socket, which would hide a full send buffer.
     */
    if (s->interest & POLLEN_INTEREST_WRITE) {
        afd |= POLLEN_AFD_POLL_SEND;
    }
    if (s->interest & POLLEN_INTEREST_PRIORITY) {
        afd |= POLLEN_AFD_POLL_RECEIVE_EXPEDITED;
    }
    return afd;
}

static uint32_t sock_ready(ULONG afd) {
    uint32_t ready = 0;
    if (afd & (POLLEN_AFD_POLL_RECEIVE | POLLEN_AFD_POLL_ACCEPT)) {
        ready |= POLLEN_READY_READABLE;
    }
    if (afd & POLLEN_AFD_POLL_SEND) {
        ready |= POLLEN_READY_WRITABLE;
    }
    if (afd & POLLEN_AFD_POLL_RECEIVE_EXPEDITED) {
        ready |= POLLEN_READY_PRIORITY;
    }
    /* As on Linux: the end of the stream is readable (recv returns 0) and read-closed. */
    if (afd & POLLEN_AFD_POLL_DISCONNECT) {
        ready |= POLLEN_READY_READABLE | POLLEN_READY_READ_CLOSED;
    }
    /* A reset or a failed connect: Linux reports EPOLLERR|EPOLLHUP, i.e. error + read-closed. */
    if (afd & (POLLEN_AFD_POLL_ABORT | POLLEN_AFD_POLL_CONNECT_FAIL)) {
        ready |= POLLEN_READY_ERROR | POLLEN_READY_READ_CLOSED;
    }
    return ready;
}

/* The readiness bits a registration may see: errors always, the rest by interest. */
static uint32_t sock_ready_mask(uint32_t interest, uint32_t ready) {
    uint32_t mask = POLLEN_READY_ERROR;
    if (ready & POLLEN_READY_ERROR) {
        mask |= POLLEN_READY_READ_CLOSED;
    }
    if (interest & POLLEN_INTEREST_READ) {
        mask |= POLLEN_READY_READABLE | POLLEN_READY_READ_CLOSED;
    }
    if (interest & POLLEN_INTEREST_READ_CLOSED) {
        mask |= POLLEN_READY_READ_CLOSED;
    }
    if (interest & POLLEN_INTEREST_WRITE) {
        mask |= POLLEN_READY_WRITABLE;
    }
    if (interest & POLLEN_INTEREST_PRIORITY) {
        mask |= POLLEN_READY_PRIORITY;
    }
    return mask;
}

static void list_push(pollen_sock **head, pollen_sock *s) {
    s->prev_update = NULL;
    s->next_update = *head;
    if (*head != NULL) {
        (*head)->prev_update = s;
    }
    *head = s;
}

static void list_unlink(pollen_sock **head, pollen_sock *s) {
    if (s->prev_update != NULL) {
        s->prev_update->next_update = s->next_update;
    } else {
        *head = s->next_update;
    }
    if (s->next_update != NULL) {
        s->next_update->prev_update = s->prev_update;
    }
    s->next_update = s->prev_update = NULL;
}

static void sock_queue(pollen_poller *p, pollen_sock *s) {
    if (!s->queued && !s->delete_pending) {
        list_push(&p->update_head, s);
        s->queued = 1;
    }
}

static void sock_unqueue(pollen_poller *p, pollen_sock *s) {
    if (s->queued) {
        list_unlink(&p->update_head, s);
        s->queued = 0;
    }
}

static int sock_cancel(pollen_sock *s) {
    int rc = pollen_afd_cancel(s->group->afd, &s->iosb);
    if (rc == 0) {
        /* PENDING -> CANCELLED: the completion (cancelled or not) is still to come. */
        s->poll = POLLEN_SOCK_CANCELLED;
    }
    return rc;
}

/* Its last poll is over: the socket leaves its group and its memory goes. */
static void sock_free(pollen_poller *p, pollen_sock *s) {
    pollen_group_release(p, s->group);
    free(s);
}

int pollen_sock_new(pollen_poller *p, SOCKET fd, uint32_t interest, uint64_t token, pollen_sock **out) {
    SOCKET base;
    int rc = pollen_afd_base_socket(fd, &base);
    if (rc < 0) {
        return rc;
    }
    pollen_sock *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return -ENOMEM;
    }
    s->fd = fd;
    s->base = base;
    s->poll = POLLEN_SOCK_IDLE; /* new: IDLE, queued so that the next wait submits a poll */
    rc = pollen_group_acquire(p, &s->group);
    if (rc < 0) {
        goto err_sock;
    }
    rc = pollen_table_insert(&p->table, s);
    if (rc < 0) {
        goto err_group;
    }
    pollen_sock_set(p, s, interest, token);
    *out = s;
    return 0;
err_group:
    pollen_group_release(p, s->group);
err_sock:
    free(s);
    return rc;
}

void pollen_sock_set(pollen_poller *p, pollen_sock *s, uint32_t interest, uint64_t token) {
    s->interest = interest;
    s->token = token;
    s->armed_disabled = 0; /* ADD and MOD (re-)arm a one-shot */
    sock_queue(p, s);
}

int pollen_sock_update(pollen_poller *p, pollen_sock *s) {
    ULONG want = sock_afd_events(s);
    int rc;
    sock_unqueue(p, s);
    switch (s->poll) {
    case POLLEN_SOCK_PENDING:
        if ((want & ~s->armed) == 0) {
            /* PENDING stays: the outstanding poll covers every wanted event; extra ones are filtered. */
            return 0;
        }
        /* PENDING -> CANCELLED; its completion requeues us and the next poll has the new events. */
        return sock_cancel(s);
    case POLLEN_SOCK_CANCELLED:
        /* CANCELLED stays: nothing to do until the cancelled poll's completion arrives. */
        return 0;
    case POLLEN_SOCK_IDLE:
        break;
    }
    s->info.timeout.QuadPart = INT64_MAX;
    s->info.handle_count = 1;
    s->info.exclusive = FALSE;
    s->info.handles[0].handle = (HANDLE) s->base;
    s->info.handles[0].events = want;
    s->info.handles[0].status = 0;
    rc = pollen_afd_poll(s->group->afd, &s->info, &s->iosb);
    if (rc == -EBADF || rc == -ENOTSOCK) {
        /* IDLE -> freed: the handle was closed without a DEL; nothing is outstanding. */
        pollen_sock_delete(p, s);
        return 0;
    }
    if (rc < 0) {
        sock_queue(p, s); /* IDLE stays, queued: the next wait tries again */
        return rc;
    }
    /* IDLE -> PENDING, whether AFD answered "pending" or "ready now": a packet is queued either way. */
    s->poll = POLLEN_SOCK_PENDING;
    s->armed = want;
    p->outstanding++;
    return 0;
}

void pollen_sock_delete(pollen_poller *p, pollen_sock *s) {
    if (!s->delete_pending) {
        if (s->poll == POLLEN_SOCK_PENDING) {
            /* PENDING -> CANCELLED (+ delete pending). A failed cancel only delays the free. */
            (void) sock_cancel(s);
        }
        sock_unqueue(p, s);
        pollen_table_remove(&p->table, s);
        s->delete_pending = 1;
        if (s->poll != POLLEN_SOCK_IDLE) {
            /* The kernel still owns iosb and info: free when the completion comes back. */
            list_push(&p->deleted, s);
            return;
        }
    }
    if (s->poll == POLLEN_SOCK_IDLE) {
        sock_free(p, s);
    }
}

int pollen_sock_feed(pollen_poller *p, pollen_sock *s, pollen_event *ev) {
    NTSTATUS status = s->iosb.Status;
    uint32_t ready = 0;
    p->outstanding--;
    /* PENDING/CANCELLED -> IDLE: this poll is over, whatever its outcome. */
    s->poll = POLLEN_SOCK_IDLE;
    s->armed = 0;
    if (s->delete_pending) {
        /* Delete pending -> freed: the last reference (the kernel's) is gone. */
        list_unlink(&p->deleted, s);
        sock_free(p, s);
        return 0;
    }
    if (status == STATUS_CANCELLED) {
        /* Cancelled to change the armed events: nothing to report. */
    } else if (!NT_SUCCESS(status)) {
        ready = POLLEN_READY_ERROR; /* the poll request itself failed */
    } else if (s->info.handle_count < 1) {
        /* Completed without events (timeout): nothing to report. */
    } else if (s->info.handles[0].events & POLLEN_AFD_POLL_LOCAL_CLOSE) {
        /* Closed without a DEL: IDLE -> freed; the caller's token never shows again. */
        pollen_table_remove(&p->table, s);
        sock_free(p, s);
        return 0;
    } else {
        ready = sock_ready(s->info.handles[0].events);
    }
    /* Level-triggered: the next wait polls again, and AFD answers at once while still ready. */
    sock_queue(p, s);
    if (s->interest & POLLEN_INTEREST_ONESHOT && s->armed_disabled) {
        return 0;
    }
    ready &= sock_ready_mask(s->interest, ready);
    if (ready == 0) {
        return 0;
    }
    if (s->interest & POLLEN_INTEREST_ONESHOT) {
        s->armed_disabled = 1; /* fired: watch for a close only, until a MOD re-arms it */
    }
    ev->token = s->token;
    ev->ready = ready;
    ev->reserved = 0;
    return 1;
}

void pollen_sock_free_all(pollen_poller *p) {
    for (size_t i = 0; i <= p->table.mask; i++) {
        pollen_sock *s = p->table.buckets[i];
        while (s != NULL) {
            pollen_sock *next = s->next_in_bucket;
            free(s);
            s = next;
        }
        p->table.buckets[i] = NULL;
    }
    while (p->deleted != NULL) {
        pollen_sock *s = p->deleted;
        list_unlink(&p->deleted, s);
        free(s);
    }
    p->update_head = NULL;
}
