package dev.pollen.testsuite.socket;

import dev.pollen.testsuite.PollenTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketRstTest;

import java.io.IOException;
import java.util.List;

class PollenSocketRstTest extends SocketRstTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return PollenTransports.socket();
    }

    /**
     * Netty only checks the message loosely ("reset" or "closed", and only in US/UK locales). A Pollen client that
     * received the RST must report ECONNRESET, whatever the locale; the NIO client keeps Netty's check.
     */
    @Override
    protected void assertRstOnCloseException(IOException cause, Channel clientChannel) {
        if (PollenTransports.isPollenChannel(clientChannel)) {
            PollenTransports.current().assertConnectionReset(cause);
        } else {
            super.assertRstOnCloseException(cause, clientChannel);
        }
    }
}
