/*
 * A seccomp filter that fails one system call with a given errno for the rest of the process, as a
 * container's seccomp profile or kernel.io_uring_disabled fails io_uring's: used by
 * test_uring_refused.c and by src/test/seccomp/seccomp_exec.c (EpollIoUringModeTest's launcher).
 */
#ifndef REFUSE_SYSCALL_H
#define REFUSE_SYSCALL_H

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

#if defined(__x86_64__)
#define REFUSE_SYSCALL_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define REFUSE_SYSCALL_ARCH AUDIT_ARCH_AARCH64
#else
#error "refuse_syscall.h: no seccomp audit arch for this CPU"
#endif

/* 0, or -errno if the filter was refused (qemu-user refuses every one with EINVAL). */
static inline int refuse_syscall(long nr, int err) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, REFUSE_SYSCALL_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned) err & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
        return -errno;
    }
    return 0;
}

#endif
