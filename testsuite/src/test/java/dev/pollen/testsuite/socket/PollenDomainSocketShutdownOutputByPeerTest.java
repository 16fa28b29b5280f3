package dev.pollen.testsuite.socket;

import dev.pollen.testsuite.PollenTransports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * The peer half-closes a Unix domain connection to a Pollen listener. Netty's own variant drives the peer with
 * its native socket; here it is the JDK's Unix domain {@link SocketChannel}. Runs in the unix family only
 * ({@code testsuite-epoll-uds}); the inet run has {@link PollenSocketShutdownOutputByPeerTest}.
 */
class PollenDomainSocketShutdownOutputByPeerTest extends AbstractSocketShutdownOutputByPeerTest<SocketChannel> {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return PollenTransports.serverSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return PollenTransports.newSocketAddress();
    }

    @Override
    protected SocketChannel newSocket() {
        try {
            return SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a Unix domain SocketChannel", e);
        }
    }

    @Override
    protected void connect(SocketChannel s, SocketAddress address) throws IOException {
        s.connect(address);
    }

    @Override
    protected void shutdownOutput(SocketChannel s) throws IOException {
        s.shutdownOutput();
    }

    @Override
    protected void write(SocketChannel s, int data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1);
        buf.put((byte) data).flip();
        while (buf.hasRemaining()) {
            s.write(buf);
        }
    }

    @Override
    protected void close(SocketChannel s) throws IOException {
        s.close();
    }
}
