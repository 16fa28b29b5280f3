package dev.pollen.testsuite.socket;

import dev.pollen.testsuite.PollenTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketAddressesTest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollenSocketAddressesTest extends SocketAddressesTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return PollenTransports.socket();
    }

    /**
     * Called for the client's local and remote address and the accepted child's local and remote address. Both
     * ends bind/connect on loopback (the default {@code newSocketAddress()}), so every address must be a concrete
     * loopback address with a real port: never the wildcard, never port 0.
     */
    @Override
    protected void assertAddress(SocketAddress address) {
        InetSocketAddress inet = assertInstanceOf(InetSocketAddress.class, address);
        assertTrue(inet.getPort() > 0, () -> "port of " + inet);
        assertFalse(inet.isUnresolved(), () -> "unresolved " + inet);
        assertFalse(inet.getAddress().isAnyLocalAddress(), () -> "wildcard " + inet);
        assertTrue(inet.getAddress().isLoopbackAddress(), () -> "not loopback " + inet);
    }
}
