/*
 * The epoll backend where io_uring is refused, as a container's seccomp profile or
 * kernel.io_uring_disabled refuses it: each case runs in a child process under a seccomp filter
 * that fails one io_uring system call with a given errno. Where the ring cannot be made the
 * backend says so (no POLLEN_CAP_IO_BATCH, batches -ENOSYS) and the plain calls work; where it is
 * made but io_uring_enter is refused, a batch fails with that errno having moved nothing, so the
 * caller can make its operations the plain way without sending a byte twice.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pollen_poller.h"
#include "pollen_test.h"
#include "pollen_uring.h"
#include "refuse_syscall.h"

static void stream_pair(int *a, int *b) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
    *a = sv[0];
    *b = sv[1];
}

/* The plain path: a registration, a write, and a wait that reports it. */
static void check_plain_calls(pollen_poller *p) {
    int a, b;
    stream_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 7));
    pollen_event ev[4];
    CHECK(pollen_poller_wait(p, ev, 4, 0) == 0);
    CHECK(write(a, "ping", 4) == 4);
    CHECK(pollen_poller_wait(p, ev, 4, 10000000000LL) == 1);
    CHECK(ev[0].token == 7 && ev[0].ready == POLLEN_READY_READABLE);
    char got[8];
    CHECK(read(b, got, sizeof(got)) == 4 && memcmp(got, "ping", 4) == 0);
    CHECK(close(a) == 0 && close(b) == 0);
}

/* io_uring_setup or io_uring_register refused with err: no batches, and everything else works. */
static void ring_not_made(int err, int step) {
    CHECK(pollen_uring_probe() == -err);
    CHECK(pollen_uring_probe_step() == step);
    CHECK((pollen_poller_capabilities() & (POLLEN_CAP_IO_BATCH | POLLEN_CAP_IO_BATCH_POLL)) == 0);
    CHECK((pollen_poller_capabilities() & POLLEN_CAP_LEVEL) != 0);
    pollen_poller *p;
    CHECK_RC(pollen_poller_create(&p, 4));
    /* The contract's answer without POLLEN_CAP_IO_BATCH, whatever stopped the ring. */
    CHECK(pollen_poller_io_batch(p, NULL, 0) == -ENOSYS);
    struct iovec x = { "x", 1 };
    pollen_io send = { .iov = (uint64_t) (uintptr_t) &x, .fd = 0, .iovcnt = 1, .result = POLLEN_IO_NOT_MADE };
    CHECK(pollen_poller_io_batch(p, &send, 1) == -ENOSYS);
    CHECK(send.result == POLLEN_IO_NOT_MADE);
    check_plain_calls(p);
    CHECK_RC(pollen_poller_close(p));
}

static int refused_err;

static void setup_refused(void) {
    ring_not_made(refused_err, POLLEN_URING_STEP_SETUP);
}

static void register_refused(void) {
    ring_not_made(refused_err, POLLEN_URING_STEP_REGISTER);
}

/*
 * io_uring_setup and the probe allowed, io_uring_enter refused (EPERM): the ring is made, and the
 * first batch that enters fails with EPERM having made nothing, its wait not started; the plain
 * calls then make what it did not.
 */
static void enter_refused(void) {
    CHECK(pollen_uring_probe() == 0 && pollen_uring_probe_step() == 0);
    CHECK((pollen_poller_capabilities() & POLLEN_CAP_IO_BATCH) != 0);
    pollen_poller *p;
    CHECK_RC(pollen_poller_create(&p, 4));
    CHECK(pollen_poller_io_batch(p, NULL, 0) == 0); /* the ring, made without entering it */
    int a, b;
    stream_pair(&a, &b);
    CHECK_RC(pollen_poller_ctl(p, POLLEN_CTL_ADD, b, POLLEN_INTEREST_READ, 9));
    struct iovec x = { "x", 1 };
    pollen_io ops[2] = {
        { .iov = (uint64_t) (uintptr_t) &x, .fd = a, .iovcnt = 1, .op = POLLEN_IO_SEND, .result = POLLEN_IO_NOT_MADE },
        { .fd = -1, .op = POLLEN_IO_POLL, .result = POLLEN_IO_NOT_MADE },
    };
    CHECK(pollen_poller_io_batch(p, ops, (pollen_poller_capabilities() & POLLEN_CAP_IO_BATCH_POLL) ? 2 : 1) == -EPERM);
    CHECK(ops[0].result == POLLEN_IO_NOT_MADE && ops[1].result == POLLEN_IO_NOT_MADE);
    char got[8];
    CHECK(read(b, got, sizeof(got)) < 0 && errno == EAGAIN); /* nothing was sent */
    /* A plain wait, not one the batch failed to start: nothing ready, so it times out. */
    pollen_event ev[4];
    CHECK(pollen_poller_wait(p, ev, 4, 1000000) == 0);
    CHECK(write(a, "x", 1) == 1);
    CHECK(pollen_poller_wait(p, ev, 4, 10000000000LL) == 1);
    CHECK(ev[0].token == 9 && ev[0].ready == POLLEN_READY_READABLE);
    CHECK(read(b, got, sizeof(got)) == 1 && got[0] == 'x');
    CHECK(close(a) == 0 && close(b) == 0);
    /* Closing a poller whose ring was never entered. */
    CHECK_RC(pollen_poller_close(p));
}

/* A child's exit status: the case could not be set up here (qemu-user), and it said so. */
#define NOT_CHECKED 3

/* Runs test in a child process with system call nr failing with err; fails if the child does. */
static void run_refused(const char *name, long nr, int err, void (*test)(void)) {
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int rc = refuse_syscall(nr, err);
        if (rc == -EINVAL && getenv("POLLEN_TEST_QEMU") != NULL) {
            /* qemu-user refuses seccomp filters, but has no io_uring: setup fails with ENOSYS anyway. */
            if (nr != __NR_io_uring_setup || err != ENOSYS || pollen_uring_probe() != -ENOSYS) {
                printf("  not checked under qemu-user, which refuses seccomp filters: %s\n", name);
                fflush(stdout);
                _exit(NOT_CHECKED);
            }
        } else if (rc < 0) {
            fprintf(stderr, "%s: seccomp filter refused: %s\n", name, strerror(-rc));
            _exit(2);
        }
        refused_err = err;
        test();
        fflush(stdout);
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == NOT_CHECKED) {
        return;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s failed (status %d)\n", name, status);
        exit(1);
    }
    printf("  ok %s\n", name);
}

int main(void) {
    /* kernel.io_uring_disabled=2 and Docker's default profile answer EPERM, other profiles ENOSYS. */
    run_refused("io_uring_setup refused with EPERM", __NR_io_uring_setup, EPERM, setup_refused);
    run_refused("io_uring_setup refused with ENOSYS", __NR_io_uring_setup, ENOSYS, setup_refused);
    run_refused("io_uring_register refused with EPERM", __NR_io_uring_register, EPERM, register_refused);
    run_refused("io_uring_enter refused with EPERM", __NR_io_uring_enter, EPERM, enter_refused);
    return 0;
}
