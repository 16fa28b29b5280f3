package dev.pollen.benchmarks.micro;

import dev.pollen.channel.core.PollenIoEvent;
import dev.pollen.channel.core.PollenIoHandle;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;

/** A Pollen handle that only counts its events and sums their ready bits. */
final class CountingPollenHandle implements PollenIoHandle {
    private final int fd;
    long events;
    long readyBits;

    CountingPollenHandle(int fd) {
        this.fd = fd;
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        events++;
        readyBits += ((PollenIoEvent) event).ready();
    }

    @Override
    public void close() {
    }
}
