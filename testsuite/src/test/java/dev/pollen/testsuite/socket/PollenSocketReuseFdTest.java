package dev.pollen.testsuite.socket;

import dev.pollen.testsuite.PollenTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.AbstractSocketReuseFdTest;

import java.net.SocketAddress;
import java.util.List;

/**
 * 100 connections opened and closed concurrently, so file descriptors are recycled while events for their
 * previous owners may still be pending. Netty leaves the address abstract (its epoll module also runs it over
 * domain sockets); Pollen runs it over TCP loopback, and over Unix domain sockets in the unix family run.
 */
class PollenSocketReuseFdTest extends AbstractSocketReuseFdTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return PollenTransports.socket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return PollenTransports.newSocketAddress();
    }
}
