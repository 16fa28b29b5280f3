/* The poller's socket table: SOCKET -> pollen_sock, chained, doubling at load factor 1. */
#include <errno.h>
#include <stdlib.h>

#include "pollen_wepoll_internal.h"

#define TABLE_INITIAL 64

static size_t table_slot(const pollen_sock_table *t, SOCKET fd) {
    /* Handle values are multiples of 4; mix before masking. */
    uint64_t h = (uint64_t) fd * 0x9E3779B97F4A7C15ULL;
    return (size_t) (h >> 32) & t->mask;
}

int pollen_table_init(pollen_sock_table *t) {
    t->buckets = calloc(TABLE_INITIAL, sizeof(*t->buckets));
    if (t->buckets == NULL) {
        return -ENOMEM;
    }
    t->mask = TABLE_INITIAL - 1;
    t->count = 0;
    return 0;
}

void pollen_table_free(pollen_sock_table *t) {
    free(t->buckets);
    t->buckets = NULL;
}

pollen_sock *pollen_table_find(pollen_sock_table *t, SOCKET fd) {
    for (pollen_sock *s = t->buckets[table_slot(t, fd)]; s != NULL; s = s->next_in_bucket) {
        if (s->fd == fd) {
            return s;
        }
    }
    return NULL;
}

static int table_grow(pollen_sock_table *t) {
    size_t n = (t->mask + 1) * 2;
    pollen_sock **old = t->buckets;
    size_t old_n = t->mask + 1;
    pollen_sock **grown = calloc(n, sizeof(*grown));
    if (grown == NULL) {
        return -ENOMEM;
    }
    t->buckets = grown;
    t->mask = n - 1;
    for (size_t i = 0; i < old_n; i++) {
        pollen_sock *s = old[i];
        while (s != NULL) {
            pollen_sock *next = s->next_in_bucket;
            size_t slot = table_slot(t, s->fd);
            s->next_in_bucket = grown[slot];
            grown[slot] = s;
            s = next;
        }
    }
    free(old);
    return 0;
}

int pollen_table_insert(pollen_sock_table *t, pollen_sock *s) {
    if (t->count > t->mask) {
        int rc = table_grow(t);
        if (rc < 0) {
            return rc;
        }
    }
    size_t slot = table_slot(t, s->fd);
    s->next_in_bucket = t->buckets[slot];
    t->buckets[slot] = s;
    t->count++;
    return 0;
}

void pollen_table_remove(pollen_sock_table *t, pollen_sock *s) {
    for (pollen_sock **at = &t->buckets[table_slot(t, s->fd)]; *at != NULL; at = &(*at)->next_in_bucket) {
        if (*at == s) {
            *at = s->next_in_bucket;
            s->next_in_bucket = NULL;
            t->count--;
            return;
        }
    }
}
