package dev.pollen.channel.core;

import dev.pollen.channel.FileDescriptor;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/** The descriptor (a socket handle on Windows) behind the objects a Java program holds. */
public final class Descriptors {
    private Descriptors() {
    }

    /**
     * The descriptor of a JDK channel (socket, server socket, datagram, pipe source or sink, and on
     * Unix a {@code FileChannel}), a Pollen
     * channel or a {@link FileDescriptor}. The object keeps owning it: closing the object closes it.
     *
     * @throws ClosedChannelException if the object is closed
     * @throws IllegalArgumentException if the object has no descriptor Pollen can read
     */
    public static int of(Object channel) throws IOException {
        if (channel instanceof AbstractPollenChannel) {
            AbstractPollenChannel c = (AbstractPollenChannel) channel;
            if (!c.isOpen()) {
                throw new ClosedChannelException();
            }
            return c.fd();
        }
        if (channel instanceof FileDescriptor) {
            FileDescriptor fd = (FileDescriptor) channel;
            if (!fd.isOpen()) {
                throw new ClosedChannelException();
            }
            return fd.intValue();
        }
        if (channel instanceof java.nio.channels.Channel && !((java.nio.channels.Channel) channel).isOpen()) {
            throw new ClosedChannelException();
        }
        int fd = channel instanceof java.nio.channels.Channel ? NativeSocket.descriptorOf(channel) : -Errors.EINVAL;
        if (fd == -Errors.EBADF) {
            throw new ClosedChannelException();
        }
        if (fd < 0) {
            throw new IllegalArgumentException("descriptorOf(..) failed: " + (channel == null ? "null"
                    : channel.getClass().getName()) + " is not a JDK socket, pipe or file channel, a Pollen channel"
                    + " or a FileDescriptor");
        }
        return fd;
    }
}
