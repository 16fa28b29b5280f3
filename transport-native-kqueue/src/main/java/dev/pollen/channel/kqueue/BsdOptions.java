package dev.pollen.channel.kqueue;

import dev.pollen.channel.core.Errors;
import dev.pollen.channel.core.NativeLibrary;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.ChannelException;

/** Which of {@link KQueueChannelOption}'s BSD options this OS has, and the accept filter accessors. */
final class BsdOptions {
    private static final String OS = NativeLibrary.os();
    /** TCP_NOPUSH and SO_SNDLOWAT: macOS and FreeBSD. */
    static final boolean BSD = "osx".equals(OS) || "freebsd".equals(OS);
    /** SO_ACCEPTFILTER: FreeBSD only. */
    static final boolean ACCEPT_FILTER = "freebsd".equals(OS);
    /** Where TCP_NOPUSH and SO_SNDLOWAT exist, for the message elsewhere. */
    static final String BSD_OSES = "macOS and FreeBSD";

    private BsdOptions() {
    }

    static AcceptFilter getAcceptFilter(PollenSocket socket) {
        String[] out = new String[2];
        int rc = BsdNative.getAcceptFilter(socket.intValue(), out);
        if (rc < 0) {
            throw new ChannelException(KQueueChannelOption.SO_ACCEPTFILTER.name() + ": "
                    + Errors.newIOException("getsockopt", rc).getMessage());
        }
        return rc == 0 ? AcceptFilter.NONE : new AcceptFilter(out[0], out[1]);
    }

    static void setAcceptFilter(PollenSocket socket, AcceptFilter filter) {
        int rc = BsdNative.setAcceptFilter(socket.intValue(), filter.name(), filter.args());
        if (rc < 0) {
            throw new ChannelException(KQueueChannelOption.SO_ACCEPTFILTER.name() + ": "
                    + Errors.newIOException("setsockopt", rc).getMessage());
        }
    }
}
