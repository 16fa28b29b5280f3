package dev.pollen.channel.core;

import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory that Pollen owns, and the addresses of direct buffers.
 *
 * <p>Pollen's own buffers (a loop's event buffer, iovec and packet arrays, scratch space) are
 * allocated and freed by the native library, never through a JDK cleaner: JDK 25 refuses to clean
 * a buffer of {@code ByteBuffer.allocateDirect}, and older Netty releases have no cleaner that
 * every JDK accepts. Each block is a direct buffer in native byte order; {@link #free()} releases
 * it once, later calls do nothing.
 *
 * <p>{@link #address(ByteBuffer)} takes a direct buffer's address from Netty where Netty can give
 * it on this JDK (through {@code sun.misc.Unsafe}, or {@code MemorySegment} on JDK 25 where Netty
 * leaves Unsafe alone), checked once against the JNI answer, and asks JNI otherwise.
 */
public final class NativeMemory {
    /** sizeof(void *) of the native library: 8 on every 64-bit platform Pollen builds for. */
    static final int ADDRESS_SIZE = NativeSocket.addressSize();
    /** Whether Netty's {@code directBufferAddress} works here and agrees with JNI. */
    private static final boolean NETTY_ADDRESSES = nettyAddressesWork();

    private final ByteBuffer buffer;
    private final long address;
    private boolean freed;

    private NativeMemory(int size) {
        ByteBuffer b = NativeSocket.allocateMemory(size);
        if (b == null) {
            throw new OutOfMemoryError("allocateMemory(..) failed: no native memory for " + size + " bytes");
        }
        buffer = b.order(ByteOrder.nativeOrder());
        address = NativeSocket.bufferAddress(b);
    }

    /** Zeroed native memory of {@code size} bytes (at least 1). */
    public static NativeMemory allocate(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("allocate(..) failed: size " + size + " is not positive");
        }
        return new NativeMemory(size);
    }

    /** The memory as a direct buffer in native byte order. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** The address of the first byte. */
    public long address() {
        return address;
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** Frees the memory; the buffer must not be used afterwards. Idempotent. */
    public void free() {
        if (!freed) {
            freed = true;
            NativeSocket.freeMemory(buffer);
        }
    }

    /** The address of a direct buffer's first byte (not of its position). */
    static long address(ByteBuffer direct) {
        return NETTY_ADDRESSES ? PlatformDependent.directBufferAddress(direct) : NativeSocket.bufferAddress(direct);
    }

    private static boolean nettyAddressesWork() {
        ByteBuffer probe = NativeSocket.allocateMemory(16);
        if (probe == null) {
            return false;
        }
        try {
            return PlatformDependent.directBufferAddress(probe) == NativeSocket.bufferAddress(probe);
        } catch (Throwable t) {
            return false;
        } finally {
            NativeSocket.freeMemory(probe);
        }
    }
}
