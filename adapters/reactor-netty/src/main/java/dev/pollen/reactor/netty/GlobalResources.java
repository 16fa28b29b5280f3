package dev.pollen.reactor.netty;

import reactor.netty.tcp.TcpResources;
import reactor.netty.udp.UdpResources;

/** Puts Reactor Netty's global resources on Pollen; HttpResources only where reactor-netty-http is present. */
final class GlobalResources {
    private GlobalResources() {
    }

    static void install() {
        TcpResources.set(PollenLoopResources.create("reactor-tcp"));
        UdpResources.set(PollenLoopResources.create("reactor-udp"));
        if (httpPresent()) {
            HttpGlobal.install();
        }
    }

    private static boolean httpPresent() {
        try {
            Class.forName("reactor.netty.http.HttpResources", false, GlobalResources.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only when reactor-netty-http is on the class path. */
    private static final class HttpGlobal {
        static void install() {
            reactor.netty.http.HttpResources.set(PollenLoopResources.create("reactor-http"));
        }
    }
}
