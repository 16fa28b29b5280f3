package dev.pollen.channel;

import dev.pollen.channel.core.PollenIoEvent;
import dev.pollen.channel.core.PollenIoHandle;
import dev.pollen.channel.core.PollenIoOps;
import dev.pollen.poller.Poller;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;

/**
 * Any descriptor watched by a Pollen event loop: an inotify instance, a pidfd, a timerfd or eventfd,
 * a pipe, a device, a nested kqueue, a socket some other library made. The loop calls the
 * {@link Listener} on its own thread whenever the descriptor is ready for the interest set, exactly as
 * it serves its channels; the listener may use everything a handler may (the loop's tasks, timers,
 * channels).
 *
 * <pre>{@code
 * IoEventLoop loop = (IoEventLoop) group.next();
 * DescriptorHandle watch = DescriptorHandle.watch(loop, fd, Poller.READ, (handle, ready) -> {
 *     drain(fd); // level-triggered: read until the descriptor is no longer readable
 * }).sync().getNow();
 * ...
 * watch.cancel(); // the listener's unregistered(..) runs on the loop: close fd there
 * }</pre>
 *
 * <p>Readiness is level-triggered: a listener that leaves the descriptor ready is called again on the
 * next loop iteration. The descriptor stays the application's: Pollen never closes it, and it must stay
 * open until {@link Listener#unregistered} has been called (also when the group shuts down). Interest
 * bits are {@link Poller#READ}, {@link Poller#WRITE} and {@link Poller#READ_CLOSED}; readiness bits
 * {@link Poller#READABLE}, {@link Poller#WRITABLE}, {@link Poller#READ_CLOSED} and {@link Poller#ERROR}.
 * A descriptor the poller cannot watch (a regular file on Linux) reaches
 * {@link Listener#exceptionCaught} with the poller's error, and the watch ends.
 */
public final class DescriptorHandle implements PollenIoHandle {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(DescriptorHandle.class);
    private static final int INTEREST_MASK = Poller.READ | Poller.WRITE | Poller.READ_CLOSED;

    private final IoEventLoop loop;
    private final int fd;
    private final Listener listener;
    private volatile int interest;
    private volatile IoRegistration registration;
    private boolean unregistered;

    private DescriptorHandle(IoEventLoop loop, int fd, int interest, Listener listener) {
        this.loop = loop;
        this.fd = fd;
        this.interest = interest;
        this.listener = listener;
    }

    /**
     * Registers {@code fd} with a Pollen event loop for {@code interest}. The future completes on the
     * loop once the registration is made; it fails if the loop is not a Pollen loop or refuses it.
     *
     * @throws IllegalArgumentException for a negative descriptor, an empty or unknown interest set, or
     *                                  a loop of another transport
     */
    public static Future<DescriptorHandle> watch(IoEventLoop loop, int fd, int interest, Listener listener) {
        ObjectUtil.checkNotNull(loop, "loop");
        ObjectUtil.checkNotNull(listener, "listener");
        if (fd < 0) {
            throw new IllegalArgumentException("watch(..) failed: negative descriptor " + fd);
        }
        checkInterest("watch", interest);
        if (!loop.isCompatible(DescriptorHandle.class)) {
            throw new IllegalArgumentException("watch(..) failed: " + loop + " is not a Pollen event loop");
        }
        DescriptorHandle handle = new DescriptorHandle(loop, fd, interest, listener);
        Promise<DescriptorHandle> promise = loop.newPromise();
        loop.register(handle).addListener(f -> {
            if (!f.isSuccess()) {
                promise.setFailure(f.cause());
                return;
            }
            IoRegistration reg = (IoRegistration) f.getNow();
            handle.registration = reg;
            try {
                reg.submit(PollenIoOps.of(handle.interest));
                promise.setSuccess(handle);
            } catch (Throwable t) {
                reg.cancel();
                promise.setFailure(t);
            }
        });
        return promise;
    }

    private static void checkInterest(String call, int interest) {
        if ((interest & ~INTEREST_MASK) != 0 || interest == 0) {
            throw new IllegalArgumentException(call + "(..) failed: interest " + Poller.flagsToString(interest)
                    + " (expected: a non-empty set of READ, WRITE, READ_CLOSED)");
        }
    }

    /** The descriptor watched. */
    @Override
    public int fd() {
        return fd;
    }

    /** The loop that watches it. */
    public IoEventLoop loop() {
        return loop;
    }

    /** The interest set last asked for. */
    public int interest() {
        return interest;
    }

    /** Changes the interest set; callable from any thread, applied on the loop. */
    public void interest(int interest) {
        checkInterest("interest", interest);
        IoRegistration reg = registration;
        if (reg == null || !reg.isValid()) {
            throw new IllegalStateException("interest(..) failed: the watch of fd " + fd + " has ended");
        }
        this.interest = interest;
        reg.submit(PollenIoOps.of(interest));
    }

    /** Whether the loop still watches the descriptor. */
    public boolean isActive() {
        IoRegistration reg = registration;
        return reg != null && reg.isValid();
    }

    /**
     * Stops watching; {@link Listener#unregistered} follows on the loop. Returns false if the watch had
     * already ended.
     */
    public boolean cancel() {
        IoRegistration reg = registration;
        return reg != null && reg.cancel();
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        int ready = ((PollenIoEvent) event).ready();
        try {
            listener.ready(this, ready);
        } catch (Throwable t) {
            failed(t);
        }
    }

    @Override
    public void interestFailed(IOException cause) {
        failed(cause);
    }

    private void failed(Throwable cause) {
        try {
            listener.exceptionCaught(this, cause);
        } catch (Throwable t) {
            logger.warn("exceptionCaught(..) of {} threw", this, t);
        }
    }

    @Override
    public void unregistered() {
        if (unregistered) {
            return;
        }
        unregistered = true;
        try {
            listener.unregistered(this);
        } catch (Throwable t) {
            logger.warn("unregistered(..) of {} threw", this, t);
        }
    }

    /** Called by the loop when it shuts down: ends the watch. */
    @Override
    public void close() {
        if (!cancel() && registration == null) {
            unregistered();
        }
    }

    @Override
    public String toString() {
        return "DescriptorHandle{fd=" + fd + ", interest=" + Poller.flagsToString(interest)
                + (isActive() ? "" : ", ended") + '}';
    }

    /** What the loop tells about a watched descriptor; every method runs on the loop's thread. */
    public interface Listener {
        /** The descriptor is ready: {@link Poller#READABLE}, {@link Poller#WRITABLE}, ... bits. */
        void ready(DescriptorHandle handle, int ready) throws Exception;

        /**
         * {@link #ready} threw, or the poller refused the descriptor. By default the exception is logged
         * and the watch cancelled, so a descriptor that stays ready cannot make the loop spin on errors.
         */
        default void exceptionCaught(DescriptorHandle handle, Throwable cause) {
            logger.warn("Watch of fd {} failed; cancelling it", handle.fd(), cause);
            handle.cancel();
        }

        /**
         * The watch has ended (cancelled, or the loop shut down): the descriptor may be closed now. An
         * exception thrown here is logged.
         */
        default void unregistered(DescriptorHandle handle) throws Exception {
        }
    }
}
