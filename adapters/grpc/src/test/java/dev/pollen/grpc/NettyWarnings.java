package dev.pollen.grpc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what Netty's bootstraps log about channel options ("Unknown channel option",
 * "Failed to set channel option") and the leak detector's reports ("LEAK: ..."): Netty logs
 * through java.util.logging here (no SLF4J on the test class path).
 */
final class NettyWarnings extends Handler implements AutoCloseable {
    private final Logger netty = Logger.getLogger("io.netty");
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<String> leaks = new CopyOnWriteArrayList<>();

    private final boolean quiet;
    private final boolean parentHandlers;

    NettyWarnings() {
        this(false);
    }

    /** {@code quiet}: what Netty logs meanwhile reaches this collector only, not the console (expected warnings). */
    NettyWarnings(boolean quiet) {
        this.quiet = quiet;
        this.parentHandlers = netty.getUseParentHandlers();
        setLevel(Level.ALL);
        netty.addHandler(this);
        if (quiet) {
            netty.setUseParentHandlers(false);
        }
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        if (message != null && message.contains("LEAK")) {
            leaks.add(message);
        }
        if (message != null && record.getLevel().intValue() >= Level.WARNING.intValue()
                && message.contains("channel option")) {
            Object[] params = record.getParameters();
            StringBuilder text = new StringBuilder(message);
            if (params != null) {
                for (Object p : params) {
                    text.append(" | ").append(p);
                }
            }
            messages.add(text.toString());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        if (quiet) {
            netty.setUseParentHandlers(parentHandlers);
        }
        netty.removeHandler(this);
    }
}
