/* Minimal helpers for Pollen's C tests: each test program exits non-zero on the first failure. */
#ifndef POLLEN_TEST_H
#define POLLEN_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1); \
        } \
    } while (0)

#define CHECK_RC(expr) do { \
        long long rc_ = (long long) (expr); \
        if (rc_ < 0) { \
            fprintf(stderr, "%s:%d: %s returned %lld (%s)\n", __FILE__, __LINE__, #expr, rc_, strerror((int) -rc_)); \
            exit(1); \
        } \
    } while (0)

#define RUN(test) do { test(); printf("  ok %s\n", #test); } while (0)

#endif
