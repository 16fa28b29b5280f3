package dev.pollen.benchmarks.micro;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Pipes holding one unread byte each: level-triggered, their read ends are ready at every wait.
 * Pollen's pipes come from Pollen's natives and Netty's from Netty's, so that each side of a
 * comparison loads only its own library.
 */
final class ReadyPipes {
    private ReadyPipes() {
    }

    /** [i][0] is a read end, [i][1] the write end. */
    static dev.pollen.channel.FileDescriptor[][] pollen(int n) throws IOException {
        dev.pollen.channel.FileDescriptor[][] pipes = new dev.pollen.channel.FileDescriptor[n][];
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        for (int i = 0; i < n; i++) {
            pipes[i] = dev.pollen.channel.FileDescriptor.pipe();
            one.clear();
            if (pipes[i][1].write(one) != 1) {
                throw new IOException("short write to a pipe");
            }
        }
        return pipes;
    }

    static io.netty.channel.unix.FileDescriptor[][] netty(int n) throws IOException {
        io.netty.channel.unix.FileDescriptor[][] pipes = new io.netty.channel.unix.FileDescriptor[n][];
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        for (int i = 0; i < n; i++) {
            pipes[i] = io.netty.channel.unix.FileDescriptor.pipe();
            if (pipes[i][1].write(one, 0, 1) != 1) {
                throw new IOException("short write to a pipe");
            }
        }
        return pipes;
    }

    static void close(dev.pollen.channel.FileDescriptor[][] pipes) throws IOException {
        if (pipes != null) {
            for (dev.pollen.channel.FileDescriptor[] p : pipes) {
                p[0].close();
                p[1].close();
            }
        }
    }

    static void close(io.netty.channel.unix.FileDescriptor[][] pipes) throws IOException {
        if (pipes != null) {
            for (io.netty.channel.unix.FileDescriptor[] p : pipes) {
                p[0].close();
                p[1].close();
            }
        }
    }
}
