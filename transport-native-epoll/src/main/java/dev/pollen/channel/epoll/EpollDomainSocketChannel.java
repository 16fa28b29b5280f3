package dev.pollen.channel.epoll;

import dev.pollen.channel.core.AbstractPollenDomainSocketChannel;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;

/**
 * A Unix domain stream connection on Pollen's epoll transport, addressed with
 * {@link java.net.UnixDomainSocketAddress} or {@link dev.pollen.channel.AbstractNamespaceAddress}.
 * Also reports its peer's credentials and passes file descriptors ({@link dev.pollen.channel.FileDescriptor}).
 */
public final class EpollDomainSocketChannel extends AbstractPollenDomainSocketChannel implements DuplexChannel {
    public EpollDomainSocketChannel() {
        super(EpollIoHandler.class);
    }

    EpollDomainSocketChannel(Channel parent, PollenSocket socket) {
        super(parent, socket, EpollIoHandler.class);
    }
}
