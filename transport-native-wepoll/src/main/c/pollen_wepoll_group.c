/*
 * AFD handle groups: each socket's polls go through one AFD handle shared by at most
 * POLLEN_GROUP_MAX sockets. Groups with room are on the open list and the first of them takes
 * the next socket; a group that fills moves to the full list and back when one leaves. A group
 * that empties is closed, unless it is the only one with room (kept for the next socket, so a
 * connection coming and going does not open and close a handle each time). A socket leaves its
 * group only when it is freed, after its last poll came back: an empty group has nothing
 * outstanding and its handle can close.
 */
#include <errno.h>
#include <stdlib.h>

#include "pollen_errno_win.h"
#include "pollen_wepoll_internal.h"

static void group_push(pollen_afd_group **head, pollen_afd_group *g) {
    g->prev = NULL;
    g->next = *head;
    if (*head != NULL) {
        (*head)->prev = g;
    }
    *head = g;
}

static void group_unlink(pollen_afd_group **head, pollen_afd_group *g) {
    if (g->prev != NULL) {
        g->prev->next = g->next;
    } else {
        *head = g->next;
    }
    if (g->next != NULL) {
        g->next->prev = g->prev;
    }
    g->prev = g->next = NULL;
}

int pollen_group_acquire(pollen_poller *p, pollen_afd_group **out) {
    pollen_afd_group *g = p->open_groups;
    if (g == NULL) {
        g = calloc(1, sizeof(*g));
        if (g == NULL) {
            return -ENOMEM;
        }
        int rc = pollen_afd_open(p->iocp, POLLEN_KEY_AFD, &g->afd);
        if (rc < 0) {
            free(g);
            return rc;
        }
        group_push(&p->open_groups, g);
        p->group_count++;
    }
    if (++g->size == POLLEN_GROUP_MAX) {
        group_unlink(&p->open_groups, g);
        group_push(&p->full_groups, g);
    }
    *out = g;
    return 0;
}

void pollen_group_release(pollen_poller *p, pollen_afd_group *g) {
    if (g->size-- == POLLEN_GROUP_MAX) {
        group_unlink(&p->full_groups, g);
        group_push(&p->open_groups, g);
    }
    if (g->size == 0 && (g->prev != NULL || g->next != NULL)) {
        group_unlink(&p->open_groups, g);
        CloseHandle(g->afd);
        free(g);
        p->group_count--;
    }
}

static int group_close_list(pollen_afd_group **head) {
    int rc = 0;
    while (*head != NULL) {
        pollen_afd_group *g = *head;
        group_unlink(head, g);
        if (!CloseHandle(g->afd) && rc == 0) {
            rc = pollen_errno_last();
        }
        free(g);
    }
    return rc;
}

int pollen_group_close_all(pollen_poller *p) {
    int rc = group_close_list(&p->open_groups);
    int rc2 = group_close_list(&p->full_groups);
    p->group_count = 0;
    return rc < 0 ? rc : rc2;
}
