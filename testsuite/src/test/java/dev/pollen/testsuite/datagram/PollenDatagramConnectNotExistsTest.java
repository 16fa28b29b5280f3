package dev.pollen.testsuite.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.DatagramConnectNotExistsTest;

import java.util.List;

class PollenDatagramConnectNotExistsTest extends DatagramConnectNotExistsTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return PollenDatagramTransports.datagramSocket();
    }
}
