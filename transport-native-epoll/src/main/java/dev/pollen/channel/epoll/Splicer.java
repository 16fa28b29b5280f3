package dev.pollen.channel.epoll;

import dev.pollen.channel.core.Errors;
import io.netty.channel.ChannelPromise;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The splice requests of one channel, served from its read readiness on its loop thread: bytes
 * move socket -> pipe -> destination without entering user space.
 */
final class Splicer {
    private static final int CHUNK = 65536;

    private static final class Task {
        final int outFd;
        long outOffset;
        long remaining;
        long inPipe;
        final ChannelPromise promise;

        Task(int outFd, long outOffset, long length, ChannelPromise promise) {
            this.outFd = outFd;
            this.outOffset = outOffset;
            this.remaining = length;
            this.promise = promise;
        }
    }

    private final EpollSocketChannel channel;
    private final ArrayDeque<Task> tasks = new ArrayDeque<>();
    private int pipeRead = -1;
    private int pipeWrite = -1;
    private boolean retryScheduled;

    Splicer(EpollSocketChannel channel) {
        this.channel = channel;
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** Queues a request (loop thread); outOffset < 0 writes at the destination's current position. */
    void add(int outFd, long outOffset, long length, ChannelPromise promise) {
        if (length == 0) {
            promise.setSuccess();
            return;
        }
        tasks.add(new Task(outFd, outOffset, length, promise));
    }

    /** Moves what can move now; returns false once the source reached end of stream. */
    boolean run() {
        Task t;
        while ((t = tasks.peek()) != null) {
            try {
                if (pipeRead < 0) {
                    long fds = LinuxNative.pipe();
                    if (fds < 0) {
                        throw Errors.newIOException("pipe", (int) fds);
                    }
                    pipeRead = (int) (fds >>> 32);
                    pipeWrite = (int) fds;
                }
                if (t.inPipe > 0 && !drain(t)) {
                    return true; // the destination is full: retry soon
                }
                if (t.remaining == 0) {
                    tasks.poll();
                    t.promise.trySuccess();
                    continue;
                }
                long n = LinuxNative.splice(channel.fd(), -1, pipeWrite, -1, Math.min(t.remaining, CHUNK));
                if (n == 0) {
                    failAll(new IOException("spliceTo(..) failed: end of stream with " + t.remaining
                            + " bytes still to splice"));
                    return false;
                }
                if (n < 0) {
                    if (Errors.isWouldBlock((int) n)) {
                        return true; // nothing to read now: wait for READABLE
                    }
                    throw Errors.newIOException("splice", (int) n);
                }
                t.inPipe += n;
            } catch (IOException e) {
                tasks.poll();
                t.promise.tryFailure(e);
            }
        }
        return true;
    }

    private boolean drain(Task t) throws IOException {
        long n = LinuxNative.splice(pipeRead, -1, t.outFd, t.outOffset, t.inPipe);
        if (n < 0) {
            if (Errors.isWouldBlock((int) n)) {
                scheduleRetry();
                return false;
            }
            throw Errors.newIOException("splice", (int) n);
        }
        t.inPipe -= n;
        t.remaining -= n;
        if (t.outOffset >= 0) {
            t.outOffset += n;
        }
        if (t.inPipe != 0) {
            // Partly written: the source may have nothing more to say, so come back by ourselves.
            scheduleRetry();
            return false;
        }
        return true;
    }

    private void scheduleRetry() {
        if (!retryScheduled) {
            retryScheduled = true;
            channel.eventLoop().schedule(() -> {
                retryScheduled = false;
                if (!tasks.isEmpty()) {
                    run();
                }
            }, 1, TimeUnit.MILLISECONDS);
        }
    }

    /** Fails every request and releases the pipe (loop thread, on close). */
    void close() {
        failAll(new ClosedChannelException());
        if (pipeRead >= 0) {
            LinuxNative.close(pipeRead);
            LinuxNative.close(pipeWrite);
            pipeRead = pipeWrite = -1;
        }
    }

    private void failAll(Throwable cause) {
        Task t;
        while ((t = tasks.poll()) != null) {
            t.promise.tryFailure(cause);
        }
    }
}
