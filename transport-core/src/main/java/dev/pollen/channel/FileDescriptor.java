package dev.pollen.channel;

import dev.pollen.channel.core.UnixSockets;
import io.netty.util.AbstractReferenceCounted;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open file descriptor, as passed over a Unix domain socket (SCM_RIGHTS).
 *
 * <p>Reference counted like a buffer: the descriptor is closed exactly once, when the count drops to 0
 * or on {@link #close()}, whichever comes first. Writing one to a domain channel transfers it: the channel
 * sends it and then releases it, which closes this process's copy (the receiver's copy stays open);
 * {@link #retain()} first to keep it. A descriptor read in
 * {@link DomainSocketReadMode#FILE_DESCRIPTORS} mode belongs to the handler that consumes it; one that
 * reaches the end of the pipeline unhandled is released, hence closed, by Netty.
 */
public final class FileDescriptor extends AbstractReferenceCounted implements Closeable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    public FileDescriptor(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must be >= 0: " + fd);
        }
        this.fd = fd;
    }

    /** A new pipe: {@code [0]} is the read end, {@code [1]} the write end; both close-on-exec. */
    public static FileDescriptor[] pipe() throws IOException {
        int[] fds = UnixSockets.pipe();
        return new FileDescriptor[] { new FileDescriptor(fds[0]), new FileDescriptor(fds[1]) };
    }

    public int intValue() {
        return fd;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Writes from a direct buffer, advancing its position; returns the bytes written. */
    public int write(ByteBuffer src) throws IOException {
        checkDirect(src);
        checkOpen();
        return UnixSockets.write(fd, src);
    }

    /** Reads into a direct buffer, advancing its position; returns the bytes read, -1 at end of file. */
    public int read(ByteBuffer dst) throws IOException {
        checkDirect(dst);
        checkOpen();
        return UnixSockets.read(fd, dst);
    }

    private static void checkDirect(ByteBuffer buf) {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("a direct buffer is needed: " + buf);
        }
    }

    private void checkOpen() throws ClosedChannelException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
    }

    /** Closes the descriptor now, whatever the reference count; later calls do nothing. */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            UnixSockets.close(fd);
        }
    }

    @Override
    protected void deallocate() {
        try {
            close();
        } catch (IOException ignored) {
            // Released from a pipeline: nobody to tell, and the descriptor is gone either way.
        }
    }

    @Override
    public FileDescriptor retain() {
        super.retain();
        return this;
    }

    @Override
    public FileDescriptor touch(Object hint) {
        return this;
    }

    @Override
    public String toString() {
        return "FileDescriptor{fd=" + fd + (closed.get() ? ", closed" : "") + '}';
    }
}
