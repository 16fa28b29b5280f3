package dev.pollen.testsuite.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramMulticastIPv6Test;

import java.util.List;

/** Runs on the loopback interface only: see {@link LoopbackMulticast} for why Netty's interface choice is replaced. */
class PollenDatagramMulticastIPv6Test extends DatagramMulticastIPv6Test {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return PollenDatagramTransports.datagram(socketInternetProtocalFamily());
    }

    @Override
    public void testMulticast(Bootstrap sb, Bootstrap cb) throws Throwable {
        LoopbackMulticast.run(sb, cb, socketInternetProtocalFamily());
    }
}
