package dev.pollen.channel.core;

import java.io.IOException;
import java.net.SocketAddress;

/** Unix domain socket addressing for {@link PollenSocket}. */
final class UnixSockets {
    private UnixSockets() {
    }

    static void bind(PollenSocket socket, SocketAddress local) throws IOException {
        throw new UnsupportedOperationException("bind(..) failed: Unix domain sockets are not supported yet");
    }

    static boolean connect(PollenSocket socket, SocketAddress remote) throws IOException {
        throw new UnsupportedOperationException("connect(..) failed: Unix domain sockets are not supported yet");
    }

    static SocketAddress localAddress(PollenSocket socket) {
        return null;
    }

    static SocketAddress remoteAddress(PollenSocket socket) {
        return null;
    }
}
