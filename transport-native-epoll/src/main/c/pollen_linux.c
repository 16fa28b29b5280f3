/* Linux-only socket features of the epoll transport: splice and TCP_INFO. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pollen_linux.h"
#include "pollen_errno.h"

int pollen_linux_pipe(int fds[2]) {
    return pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0 ? neg_errno() : 0;
}

int pollen_linux_close(int fd) {
    return close(fd) < 0 && errno != EINTR ? neg_errno() : 0;
}

int64_t pollen_linux_splice(int fd_in, int64_t off_in, int fd_out, int64_t off_out, int64_t len) {
    loff_t in = (loff_t) off_in;
    loff_t out = (loff_t) off_out;
    ssize_t n;
    do {
        n = splice(fd_in, off_in < 0 ? NULL : &in, fd_out, off_out < 0 ? NULL : &out, (size_t) len,
                   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? neg_errno() : (int64_t) n;
}

int pollen_linux_tcp_info(int fd, int64_t *out, int count) {
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0) {
        return neg_errno();
    }
    const int64_t values[] = {
        ti.tcpi_state, ti.tcpi_ca_state, ti.tcpi_retransmits, ti.tcpi_probes, ti.tcpi_backoff,
        ti.tcpi_options, ti.tcpi_snd_wscale, ti.tcpi_rcv_wscale, ti.tcpi_rto, ti.tcpi_ato,
        ti.tcpi_snd_mss, ti.tcpi_rcv_mss, ti.tcpi_unacked, ti.tcpi_sacked, ti.tcpi_lost,
        ti.tcpi_retrans, ti.tcpi_fackets, ti.tcpi_last_data_sent, ti.tcpi_last_ack_sent,
        ti.tcpi_last_data_recv, ti.tcpi_last_ack_recv, ti.tcpi_pmtu, ti.tcpi_rcv_ssthresh,
        ti.tcpi_rtt, ti.tcpi_rttvar, ti.tcpi_snd_ssthresh, ti.tcpi_snd_cwnd, ti.tcpi_advmss,
        ti.tcpi_reordering, ti.tcpi_rcv_rtt, ti.tcpi_rcv_space, ti.tcpi_total_retrans
    };
    int n = (int) (sizeof(values) / sizeof(values[0]));
    if (count < n) {
        return -EINVAL;
    }
    memcpy(out, values, sizeof(values));
    return n;
}
