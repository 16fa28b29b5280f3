/*
 * seccomp_exec SYSCALL ERRNO COMMAND [ARG...]: runs COMMAND with one io_uring system call
 * (io_uring_setup, io_uring_enter or io_uring_register) failing with ERRNO (EPERM or ENOSYS), as
 * a container's seccomp profile or kernel.io_uring_disabled makes it fail. Built (with
 * -I src/test/c) and run by EpollIoUringModeTest; not part of the library.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "refuse_syscall.h"

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s io_uring_setup|io_uring_enter|io_uring_register EPERM|ENOSYS command [arg...]\n",
                argv[0]);
        return 2;
    }
    long nr = strcmp(argv[1], "io_uring_setup") == 0 ? __NR_io_uring_setup
            : strcmp(argv[1], "io_uring_enter") == 0 ? __NR_io_uring_enter
            : strcmp(argv[1], "io_uring_register") == 0 ? __NR_io_uring_register : -1;
    int err = strcmp(argv[2], "EPERM") == 0 ? EPERM : strcmp(argv[2], "ENOSYS") == 0 ? ENOSYS : -1;
    if (nr < 0 || err < 0) {
        fprintf(stderr, "seccomp_exec: unknown system call %s or errno %s\n", argv[1], argv[2]);
        return 2;
    }
    int rc = refuse_syscall(nr, err);
    if (rc < 0) {
        fprintf(stderr, "seccomp_exec: prctl(PR_SET_SECCOMP) failed: %s\n", strerror(-rc));
        return 2;
    }
    execvp(argv[3], argv + 3);
    fprintf(stderr, "seccomp_exec: execvp(%s) failed: %s\n", argv[3], strerror(errno));
    return 127;
}
