package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.AbstractPollenDomainSocketChannel;
import dev.pollen.channel.core.Errors;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * A Unix domain stream connection on Pollen's kqueue transport, addressed with
 * {@link java.net.UnixDomainSocketAddress}. Also reports its peer's credentials
 * ({@code LOCAL_PEERCRED} / {@code getpeereid} on the BSDs), on macOS its peer's process id
 * ({@link #peerPid()}), and passes file descriptors ({@link dev.pollen.channel.FileDescriptor}).
 */
public final class KQueueDomainSocketChannel extends AbstractPollenDomainSocketChannel implements DuplexChannel {
    public KQueueDomainSocketChannel() {
        super(KQueueIoHandler.class);
    }

    KQueueDomainSocketChannel(Channel parent, PollenSocket socket) {
        super(parent, socket, KQueueIoHandler.class);
    }

    /**
     * The process id of the connected peer (macOS LOCAL_PEERPID). Elsewhere it throws an
     * {@link IOException} naming the call, with ENOPROTOOPT ("Protocol not available").
     */
    public int peerPid() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        int rc = BsdNative.peerPid(fd());
        if (rc < 0) {
            throw Errors.newIOException("getsockopt", rc);
        }
        return rc;
    }
}
