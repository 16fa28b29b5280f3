package dev.pollen.testsuite.socket;

import dev.pollen.testsuite.PollenTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketObjectEchoTest;

import java.net.SocketAddress;
import java.util.List;

class PollenSocketObjectEchoTest extends SocketObjectEchoTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return PollenTransports.socket();
    }

    /** TCP loopback, or a socket path when the suite runs over Unix domain sockets. */
    @Override
    protected SocketAddress newSocketAddress() {
        return PollenTransports.newSocketAddress();
    }
}
