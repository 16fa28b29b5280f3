package dev.pollen.channel.epoll;

import dev.pollen.channel.core.Errors;

import java.io.IOException;

/** A snapshot of a connection's {@code struct tcp_info} (see tcp(7)); times in microseconds. */
public final class EpollTcpInfo {
    private static final String[] NAMES = {"state", "caState", "retransmits", "probes", "backoff", "options",
        "sndWscale", "rcvWscale", "rto", "ato", "sndMss", "rcvMss", "unacked", "sacked", "lost", "retrans",
        "fackets", "lastDataSent", "lastAckSent", "lastDataRecv", "lastAckRecv", "pmtu", "rcvSsthresh", "rtt",
        "rttvar", "sndSsthresh", "sndCwnd", "advmss", "reordering", "rcvRtt", "rcvSpace", "totalRetrans"};

    final long[] info = new long[NAMES.length];

    void fill(int fd) throws IOException {
        int rc = LinuxNative.tcpInfo(fd, info);
        if (rc < 0) {
            throw Errors.newIOException("getsockopt(TCP_INFO)", rc);
        }
    }

    public int state() {
        return (int) info[0];
    }

    public int caState() {
        return (int) info[1];
    }

    public int retransmits() {
        return (int) info[2];
    }

    public long rto() {
        return info[8];
    }

    public long sndMss() {
        return info[10];
    }

    public long rcvMss() {
        return info[11];
    }

    public long unacked() {
        return info[12];
    }

    public long lost() {
        return info[14];
    }

    public long retrans() {
        return info[15];
    }

    public long pmtu() {
        return info[21];
    }

    public long rtt() {
        return info[23];
    }

    public long rttvar() {
        return info[24];
    }

    public long sndSsthresh() {
        return info[25];
    }

    public long sndCwnd() {
        return info[26];
    }

    public long advmss() {
        return info[27];
    }

    public long rcvSpace() {
        return info[30];
    }

    public long totalRetrans() {
        return info[31];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("EpollTcpInfo{");
        for (int i = 0; i < NAMES.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(NAMES[i]).append('=').append(info[i]);
        }
        return sb.append('}').toString();
    }
}
