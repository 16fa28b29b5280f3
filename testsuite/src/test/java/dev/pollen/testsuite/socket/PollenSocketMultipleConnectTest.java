package dev.pollen.testsuite.socket;

import dev.pollen.testsuite.PollenTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;

import java.util.List;

/**
 * Netty's own {@code newFactories()} keeps only NIO clients; replacing it puts the Pollen client under test: a
 * second {@code connect()} on a connected Pollen channel must fail with {@code AlreadyConnectedException}.
 */
class PollenSocketMultipleConnectTest extends SocketMultipleConnectTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return PollenTransports.socket();
    }
}
