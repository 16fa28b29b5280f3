package dev.pollen.benchmarks.micro;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;

/** A Netty epoll handle that only counts its events and sums their ready bits. */
final class CountingNettyHandle implements EpollIoHandle {
    private final FileDescriptor fd;
    long events;
    long readyBits;

    CountingNettyHandle(FileDescriptor fd) {
        this.fd = fd;
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        events++;
        readyBits += ((EpollIoEvent) event).ops().value();
    }

    @Override
    public void close() {
    }
}
