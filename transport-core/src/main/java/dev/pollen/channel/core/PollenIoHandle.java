package dev.pollen.channel.core;

import io.netty.channel.IoHandle;

/** An {@link IoHandle} backed by a file descriptor (a socket handle on Windows). */
public interface PollenIoHandle extends IoHandle {
    int fd();
}
