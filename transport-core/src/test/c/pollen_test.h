/* Minimal helpers for Pollen's C tests: each test program exits non-zero on the first failure. */
#ifndef POLLEN_TEST_H
#define POLLEN_TEST_H

#include <errno.h>
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

/*
 * True when rc is -ENOPROTOOPT and the program runs under qemu-user (the linux-aarch_64 C tests,
 * POLLEN_TEST_QEMU set by their toolchain), whose syscall layer passes on only the socket options
 * it knows: the test says which option it could not check there and stops instead of failing.
 */
static inline int qemu_lacks_option(long long rc, const char *option) {
    if (rc == -ENOPROTOOPT && getenv("POLLEN_TEST_QEMU") != NULL) {
        printf("  not checked under qemu-user, which does not pass %s on to the kernel\n", option);
        return 1;
    }
    return 0;
}

#endif
