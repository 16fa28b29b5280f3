/*
 * The price of one kernel entry on this machine: the CPU time of the cheapest system call
 * (getppid through syscall(2)), median of 7 rounds. run.sh prints it with the machine
 * description, because it is what an epoll server pays per call and io_uring mostly does not.
 *
 *   syscall_cost        prints "<nanoseconds per call>"
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CALLS 1000000
#define ROUNDS 7

static double thread_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(void) {
    double per_call[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double start = thread_cpu_ns();
        for (int i = 0; i < CALLS; i++) {
            syscall(SYS_getppid);
        }
        per_call[r] = (thread_cpu_ns() - start) / CALLS;
    }
    qsort(per_call, ROUNDS, sizeof(per_call[0]), by_value);
    printf("%.0f\n", per_call[ROUNDS / 2]);
    return 0;
}
