package dev.pollen.channel.core;

import io.netty.buffer.ByteBuf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The packet array of pollen_dgram.h in native memory: up to {@link #MAX_BATCH} packet records
 * followed by the iovec table they index, filled and read through one direct buffer. Each event
 * loop thread has one for reads and one for writes, so a flush from inside channelRead never
 * overwrites a batch being delivered.
 */
final class DatagramPacketArray {
    private static final int[] LAYOUT = NativeDatagram.layout();
    static final int PACKET_SIZE = LAYOUT[0];
    static final int MAX_BATCH = LAYOUT[1];
    private static final int OFF_IOV_INDEX = LAYOUT[2];
    private static final int OFF_IOV_COUNT = LAYOUT[3];
    private static final int OFF_LENGTH = LAYOUT[4];
    private static final int OFF_SEGMENT = LAYOUT[5];
    private static final int OFF_ADDR = LAYOUT[6];
    private static final int OFF_ORIG_DST = LAYOUT[7];
    private static final int OFF_FLAGS = LAYOUT[8];
    private static final int OFF_CALL = LAYOUT[9];
    static final int EMSGSIZE = LAYOUT[10];
    static final int EACCES = LAYOUT[11];
    static final int EPERM = LAYOUT[12];
    static final int EOPNOTSUPP = LAYOUT[13];
    static final int EADDRNOTAVAIL = LAYOUT[14];
    static final int ENODEV = LAYOUT[15];
    static final int EDESTADDRREQ = LAYOUT[16];
    private static final String[] CALL_NAMES = NativeDatagram.callNames().split(",", -1);

    static final int F_TRUNCATED = 0x1;
    static final int F_NO_CONTROL = 0x100;

    private static final int ADDRESS_SIZE = NativeMemory.ADDRESS_SIZE;
    private static final int IOV_SIZE = 2 * ADDRESS_SIZE;
    /** Iovecs per batch: a composite datagram may use several. */
    static final int IOV_TABLE = 1024;

    private final NativeMemory block;
    private final ByteBuffer memory;
    private final long packetsAddress;
    private final long iovAddress;
    private final int iovBase;
    private int count;
    private int iovCount;

    // One-entry caches: a run of datagrams to or from one peer encodes / decodes its address once.
    private InetSocketAddress lastRecipient;
    private final byte[] lastRecipientBytes = new byte[PollenSocket.ADDR_SIZE];
    private final byte[] scratch = new byte[PollenSocket.ADDR_SIZE];
    private final byte[] senderBytes = new byte[PollenSocket.ADDR_SIZE];
    private InetSocketAddress sender;
    private final byte[] origDstBytes = new byte[PollenSocket.ADDR_SIZE];
    private InetSocketAddress origDst;

    DatagramPacketArray() {
        iovBase = MAX_BATCH * PACKET_SIZE;
        block = NativeMemory.allocate(iovBase + IOV_TABLE * IOV_SIZE);
        memory = block.buffer();
        packetsAddress = block.address();
        iovAddress = packetsAddress + iovBase;
    }

    /** Frees the native memory (the owning loop is being destroyed). */
    void release() {
        block.free();
    }

    DatagramPacketArray clear() {
        count = 0;
        iovCount = 0;
        return this;
    }

    int count() {
        return count;
    }

    long packetsAddress() {
        return packetsAddress;
    }

    long iovAddress() {
        return iovAddress;
    }

    int iovCount() {
        return iovCount;
    }

    private void putIov(long addr, int len) {
        int off = iovBase + iovCount * IOV_SIZE;
        if (ADDRESS_SIZE == 8) {
            memory.putLong(off, addr);
            memory.putLong(off + 8, len);
        } else {
            memory.putInt(off, (int) addr);
            memory.putInt(off + 4, len);
        }
        iovCount++;
    }

    private static long address(ByteBuf buf, int index) {
        return buf.memoryAddress() + index;
    }

    /**
     * Adds a receive slot of {@code len} bytes at {@code index} of a direct buffer; false when full.
     * {@code control} false: the socket delivers no control message, so the read may skip asking.
     */
    boolean addReadSlot(ByteBuf buf, int index, int len, boolean control) {
        long addr;
        if (buf.hasMemoryAddress()) {
            addr = address(buf, index);
        } else {
            ByteBuffer nio = buf.internalNioBuffer(index, len);
            addr = NativeMemory.address(nio) + nio.position();
        }
        return addReadSlot(addr, len, control);
    }

    /** Adds a receive slot of {@code len} bytes of native memory at {@code addr}; false when full. */
    boolean addReadSlot(long addr, int len, boolean control) {
        if (count == MAX_BATCH || iovCount == IOV_TABLE) {
            return false;
        }
        int rec = count * PACKET_SIZE;
        memory.putInt(rec + OFF_IOV_INDEX, iovCount);
        memory.putInt(rec + OFF_IOV_COUNT, 1);
        memory.putInt(rec + OFF_SEGMENT, 0);
        memory.put(rec + OFF_ADDR, (byte) 0);
        memory.putInt(rec + OFF_FLAGS, control ? 0 : F_NO_CONTROL);
        putIov(addr, len);
        count++;
        return true;
    }

    /**
     * Adds an outgoing datagram (content must be direct: a memory address or direct NIO buffers);
     * {@code recipient} null sends to the connected peer. False when the array is full.
     */
    boolean addSend(ByteBuf content, InetSocketAddress recipient, int segmentSize) {
        if (count == MAX_BATCH) {
            return false;
        }
        int firstIov = iovCount;
        int len = content.readableBytes();
        if (len > 0) {
            if (content.hasMemoryAddress()) {
                if (iovCount == IOV_TABLE) {
                    return false;
                }
                putIov(address(content, content.readerIndex()), len);
            } else {
                int n = content.nioBufferCount();
                if (n < 0 || iovCount + n > IOV_TABLE) {
                    return false;
                }
                if (n == 1) {
                    ByteBuffer nio = content.internalNioBuffer(content.readerIndex(), len);
                    putIov(NativeMemory.address(nio) + nio.position(), nio.remaining());
                } else {
                    for (ByteBuffer nio : content.nioBuffers(content.readerIndex(), len)) {
                        if (nio.remaining() > 0) {
                            putIov(NativeMemory.address(nio) + nio.position(), nio.remaining());
                        }
                    }
                }
            }
        }
        int rec = count * PACKET_SIZE;
        memory.putInt(rec + OFF_IOV_INDEX, firstIov);
        memory.putInt(rec + OFF_IOV_COUNT, iovCount - firstIov);
        memory.putInt(rec + OFF_SEGMENT, segmentSize);
        memory.putInt(rec + OFF_LENGTH, 0);
        if (recipient == null) {
            memory.put(rec + OFF_ADDR, (byte) 0);
        } else {
            memory.put(rec + OFF_ADDR, encode(recipient));
        }
        count++;
        return true;
    }

    private byte[] encode(InetSocketAddress recipient) {
        if (recipient != lastRecipient && !recipient.equals(lastRecipient)) {
            byte[] out = lastRecipientBytes;
            java.util.Arrays.fill(out, (byte) 0);
            InetAddress ia = recipient.getAddress();
            byte[] raw = ia.getAddress();
            out[0] = (byte) raw.length;
            System.arraycopy(raw, 0, out, 1, raw.length);
            int port = recipient.getPort();
            out[17] = (byte) (port >>> 8);
            out[18] = (byte) port;
            if (ia instanceof Inet6Address) {
                int scope = ((Inet6Address) ia).getScopeId();
                out[20] = (byte) (scope >>> 24);
                out[21] = (byte) (scope >>> 16);
                out[22] = (byte) (scope >>> 8);
                out[23] = (byte) scope;
            }
            lastRecipient = recipient;
        }
        return lastRecipientBytes;
    }

    int length(int i) {
        return memory.getInt(i * PACKET_SIZE + OFF_LENGTH);
    }

    int segment(int i) {
        return memory.getInt(i * PACKET_SIZE + OFF_SEGMENT);
    }

    int flags(int i) {
        return memory.getInt(i * PACKET_SIZE + OFF_FLAGS);
    }

    /**
     * After a send or receive returned an error: the system call that failed, as the library
     * recorded it, or {@code operation} when it failed before making one (a bad record).
     */
    String failedCall(String operation) {
        int code = memory.getInt(OFF_CALL);
        return code > 0 && code < CALL_NAMES.length ? CALL_NAMES[code] : operation;
    }

    /** The sender of received datagram i, or null if the kernel gave none. */
    InetSocketAddress sender(int i) {
        int off = i * PACKET_SIZE + OFF_ADDR;
        if (memory.get(off) == 0) {
            return null;
        }
        if (sender == null || !same(off, senderBytes)) {
            sender = decode(off, senderBytes);
        }
        return sender;
    }

    /** The original destination of received datagram i (IP_RECVORIGDSTADDR), or null. */
    InetSocketAddress origDst(int i) {
        int off = i * PACKET_SIZE + OFF_ORIG_DST;
        if (memory.get(off) == 0) {
            return null;
        }
        if (origDst == null || !same(off, origDstBytes)) {
            origDst = decode(off, origDstBytes);
        }
        return origDst;
    }

    private boolean same(int off, byte[] cached) {
        for (int i = 0; i < cached.length; i++) {
            if (memory.get(off + i) != cached[i]) {
                return false;
            }
        }
        return true;
    }

    private InetSocketAddress decode(int off, byte[] cache) {
        memory.get(off, scratch);
        System.arraycopy(scratch, 0, cache, 0, scratch.length);
        return PollenSocket.decode(scratch);
    }
}
