package dev.pollen.benchmarks.micro;

import dev.pollen.channel.core.PollenIoHandler;
import dev.pollen.channel.core.PollerBackend;
import dev.pollen.channel.core.Readiness;
import io.netty.channel.SelectStrategy;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.PlatformDependent;

import java.util.Arrays;

/**
 * A {@link PollerBackend} without a kernel: it remembers the token of every descriptor added, and
 * each wait reports all of them ready (READABLE) at once, so that {@link PollenIoHandler}'s
 * dispatch of a batch can be timed alone. The event records are written on the first wait into a
 * buffer and only rewritten if the handler hands a different buffer; later waits just return the
 * count, as a kernel that found the same descriptors ready would.
 */
final class FakePoller implements PollerBackend {
    private long[] tokens = new long[16];
    private int[] fds = new int[16];
    private int count;
    private long writtenAt;
    private int written = -1;

    /** A handler over this backend, like a transport's own (which only names its backend). */
    static final class Handler extends PollenIoHandler {
        Handler(FakePoller backend, ThreadAwareExecutor executor, SelectStrategy strategy) {
            super(backend, executor, strategy);
        }
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public int capabilities() {
        return CAP_LEVEL;
    }

    @Override
    public long create(int capacity) {
        return 1;
    }

    @Override
    public int ctl(long poller, int op, int fd, int interest, long token) {
        int at = indexOf(fd);
        switch (op) {
            case CTL_ADD:
                if (at >= 0) {
                    return -17; // EEXIST
                }
                if (count == tokens.length) {
                    tokens = Arrays.copyOf(tokens, count * 2);
                    fds = Arrays.copyOf(fds, count * 2);
                }
                tokens[count] = token;
                fds[count++] = fd;
                break;
            case CTL_MOD:
                if (at < 0) {
                    return -2; // ENOENT
                }
                tokens[at] = token;
                break;
            case CTL_DEL:
                if (at < 0) {
                    return -2;
                }
                count--;
                tokens[at] = tokens[count];
                fds[at] = fds[count];
                break;
            default:
                return -22; // EINVAL
        }
        written = -1;
        return 0;
    }

    private int indexOf(int fd) {
        for (int i = 0; i < count; i++) {
            if (fds[i] == fd) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int wait(long poller, long eventsAddress, int max, long timeoutNanos) {
        int n = Math.min(count, max);
        if (written != n || writtenAt != eventsAddress) {
            for (int i = 0; i < n; i++) {
                PlatformDependent.putLong(eventsAddress + 16L * i, tokens[i]);
                PlatformDependent.putInt(eventsAddress + 16L * i + 8, Readiness.READABLE);
                PlatformDependent.putInt(eventsAddress + 16L * i + 12, 0);
            }
            written = n;
            writtenAt = eventsAddress;
        }
        return n;
    }

    @Override
    public int ioBatch(long poller, long opsAddress, int count) {
        return -38; // ENOSYS: no CAP_IO_BATCH
    }

    @Override
    public int wake(long poller) {
        return 0;
    }

    @Override
    public int close(long poller) {
        return 0;
    }

    @Override
    public String nativeInterestNames(int interest) {
        return Readiness.interestToString(interest);
    }
}
