package dev.pollen.channel.core;

import io.netty.channel.IoHandler;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * A listening Unix domain stream socket for every backend. A path it bound is deleted when it closes,
 * as Netty's NIO and epoll listeners do; abstract names vanish by themselves.
 */
public abstract class AbstractPollenServerDomainSocketChannel extends AbstractPollenServerChannel {
    private final PollenServerDomainSocketChannelConfig config;
    private volatile SocketAddress boundPath;

    protected AbstractPollenServerDomainSocketChannel(Class<? extends IoHandler> ioHandlerType) {
        this(UnixSockets.newStreamSocket(), ioHandlerType);
    }

    private AbstractPollenServerDomainSocketChannel(PollenSocket socket, Class<? extends IoHandler> ioHandlerType) {
        super(socket, ioHandlerType);
        config = new PollenServerDomainSocketChannelConfig(this, socket);
    }

    @Override
    public PollenServerDomainSocketChannelConfig config() {
        return config;
    }

    @Override
    protected int backlog() {
        return config.getBacklog();
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        try {
            super.doBind(localAddress);
        } finally {
            // Only a file this socket created is ours to delete (never one a failed bind found in place).
            SocketAddress actual = socket.localAddress();
            if (actual instanceof UnixDomainSocketAddress
                    && !((UnixDomainSocketAddress) actual).getPath().toString().isEmpty()) {
                boundPath = actual;
            }
        }
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            SocketAddress path = boundPath;
            if (path != null) {
                boundPath = null;
                UnixSockets.deleteSocketFile(path);
            }
        }
    }

    @Override
    public SocketAddress localAddress() {
        return super.localAddress();
    }
}
