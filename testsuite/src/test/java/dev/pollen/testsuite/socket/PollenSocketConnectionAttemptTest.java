package dev.pollen.testsuite.socket;

import dev.pollen.testsuite.BlackHole;
import dev.pollen.testsuite.PollenTransports;
import org.junit.jupiter.api.BeforeAll;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;

import java.util.List;

/**
 * The "bad host" of these tests is {@link BlackHole} on loopback (set in testsuite/pom.xml), so the
 * timeout and cancellation cases really run here.
 */
class PollenSocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    @BeforeAll
    static void blackHole() {
        BlackHole.ensure();
    }

    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return PollenTransports.clientSocket();
    }
}
