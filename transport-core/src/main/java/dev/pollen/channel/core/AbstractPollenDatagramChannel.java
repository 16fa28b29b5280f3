package dev.pollen.channel.core;

import dev.pollen.channel.NativeIoException;
import dev.pollen.channel.PollenChannelOption;
import dev.pollen.channel.SegmentedDatagramPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoHandler;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;

/**
 * A UDP channel for every backend: connected or not, IPv4, IPv6 or dual stack, multicast, and
 * batched I/O. Reads fill one buffer per system call, cut into
 * {@link PollenChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE} slices when that is set (recvmmsg);
 * several flushed datagrams leave in one call (sendmmsg). Datagrams the kernel coalesced (UDP GRO)
 * are split again by their segment size, so a handler always sees the datagrams as they were
 * sent. An ICMP error on a connected channel surfaces as a {@link PortUnreachableException}:
 * through {@code exceptionCaught} when reading, else on the next write.
 */
public abstract class AbstractPollenDatagramChannel extends AbstractPollenChannel implements DatagramChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(DatagramPacket.class)
            + ", " + StringUtil.simpleClassName(AddressedEnvelope.class) + '<'
            + StringUtil.simpleClassName(ByteBuf.class) + ", " + StringUtil.simpleClassName(InetSocketAddress.class)
            + ">, " + StringUtil.simpleClassName(ByteBuf.class) + " when connected)";
    private static final int MAX_IOV_PER_DATAGRAM = DatagramPacketArray.IOV_TABLE;

    private static volatile int gso = -1;
    private static volatile int gro = -1;
    private static volatile int mmsg = -1;
    /** The most scratch memory one receive call for several datagrams fills (the loop's scratch holds 64 KiB). */
    private static final int SCRATCH_READ = 64 * 1024;

    private final boolean ipv6;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    private volatile boolean connected;
    /** An error taken off a connected socket while nobody was reading; fails the next write. */
    private int pendingError;
    private final Runnable flushTask = () -> ((AbstractPollenUnsafe) unsafe()).writeReady();
    private final SendFiller sendFiller = new SendFiller();

    protected AbstractPollenDatagramChannel(Class<? extends IoHandler> ioHandlerType, PollenSocket socket) {
        super(null, socket, ioHandlerType, 0, false);
        this.ipv6 = socket.family() == PollenSocket.FAMILY_INET6;
    }

    /** A new datagram socket: {@code family} null for this host's default (see {@link PollenSocket#useIPv6()}). */
    protected static PollenSocket newDatagramSocket(SocketProtocolFamily family) {
        int f;
        if (family == null) {
            f = PollenSocket.inetFamily();
        } else if (family == SocketProtocolFamily.INET) {
            f = PollenSocket.FAMILY_INET;
        } else if (family == SocketProtocolFamily.INET6) {
            if (!NativeSocket.ipv6Supported()) {
                throw new UnsupportedOperationException("IPv6 is not available on this host");
            }
            f = PollenSocket.FAMILY_INET6;
        } else {
            throw new UnsupportedOperationException("unsupported protocol family for UDP: " + family);
        }
        int fd = NativeDatagram.newSocket(f == PollenSocket.FAMILY_INET6);
        if (fd < 0) {
            throw new io.netty.channel.ChannelException(Errors.newIOException("socket", fd));
        }
        return new PollenSocket(fd, f);
    }

    /** Whether the kernel cuts {@link SegmentedDatagramPacket}s on send (UDP GSO); probed once. */
    protected static boolean gsoSupported() {
        int v = gso;
        if (v < 0) {
            gso = v = NativeDatagram.probe(NativeDatagram.CAP_GSO);
        }
        return v == 1;
    }

    /** Whether the kernel can coalesce received datagrams (UDP GRO); probed once. */
    protected static boolean groSupported() {
        int v = gro;
        if (v < 0) {
            gro = v = NativeDatagram.probe(NativeDatagram.CAP_GRO);
        }
        return v == 1;
    }

    private static boolean mmsgSupported() {
        int v = mmsg;
        if (v < 0) {
            mmsg = v = NativeDatagram.probe(NativeDatagram.CAP_MMSG);
        }
        return v == 1;
    }

    @Override
    public abstract PollenDatagramChannelConfig config();

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isActive() {
        return socket.isOpen() && (active || config().isActiveOnRegistration() && isRegistered());
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        InetSocketAddress l = local;
        if (l == null && socket.isOpen()) {
            // Bound implicitly by a first send: ask once.
            SocketAddress a = socket.localAddress();
            if (a instanceof InetSocketAddress && ((InetSocketAddress) a).getPort() != 0) {
                local = l = (InetSocketAddress) a;
            }
        }
        return l;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        if (config().isActiveOnRegistration()) {
            active = true;
        }
        super.doRegister(promise);
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        checkResolved(localAddress);
        socket.bind(localAddress);
        local = (InetSocketAddress) socket.localAddress();
        active = true;
    }

    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        checkResolved(remoteAddress);
        if (localAddress != null) {
            doBind(localAddress);
        }
        socket.connect(remoteAddress);
        remote = (InetSocketAddress) remoteAddress;
        local = (InetSocketAddress) socket.localAddress();
        connected = true;
        active = true;
        return true;
    }

    private static void checkResolved(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("expected an InetSocketAddress: " + address);
        }
        if (((InetSocketAddress) address).isUnresolved()) {
            throw new UnresolvedAddressException();
        }
    }

    @Override
    protected void doDisconnect() throws Exception {
        int rc = NativeDatagram.disconnect(socket.intValue());
        if (rc < 0) {
            throw Errors.newIOException("disconnect", rc);
        }
        connected = false;
        remote = null;
        active = false;
        pendingError = 0;
        local = (InetSocketAddress) socket.localAddress();
    }

    @Override
    protected void doClose() throws Exception {
        connected = false;
        super.doClose();
    }

    @Override
    protected AbstractPollenUnsafe newUnsafe() {
        return new DatagramUnsafe();
    }

    private static boolean needsCopy(ByteBuf buf) {
        return !buf.hasMemoryAddress() && (!buf.isDirect() || buf.nioBufferCount() > MAX_IOV_PER_DATAGRAM);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof DatagramPacket) {
            DatagramPacket packet = (DatagramPacket) msg;
            InetSocketAddress recipient = packet.recipient();
            checkRecipient(recipient);
            int segmentSize = 0;
            if (packet instanceof SegmentedDatagramPacket) {
                if (!gsoSupported()) {
                    throw new UnsupportedOperationException("SegmentedDatagramPacket needs UDP GSO (UDP_SEGMENT), "
                            + "which this kernel does not support");
                }
                segmentSize = ((SegmentedDatagramPacket) packet).segmentSize();
            }
            ByteBuf content = packet.content();
            if (!needsCopy(content)) {
                return packet;
            }
            InetSocketAddress sender = packet.sender();
            ByteBuf direct = newDirectBuffer(packet, content);
            return segmentSize > 0 ? new SegmentedDatagramPacket(direct, segmentSize, recipient, sender)
                    : new DatagramPacket(direct, recipient, sender);
        }
        if (msg instanceof ByteBuf) {
            if (!connected) {
                throw new NotYetConnectedException();
            }
            ByteBuf buf = (ByteBuf) msg;
            return needsCopy(buf) ? newDirectBuffer(buf, buf) : buf;
        }
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<Object, SocketAddress> e = (AddressedEnvelope<Object, SocketAddress>) msg;
            if (e.content() instanceof ByteBuf && (e.recipient() == null || e.recipient() instanceof InetSocketAddress)
                    && (e.sender() == null || e.sender() instanceof InetSocketAddress)) {
                InetSocketAddress recipient = (InetSocketAddress) e.recipient();
                checkRecipient(recipient);
                ByteBuf content = (ByteBuf) e.content();
                ByteBuf out = needsCopy(content) ? newDirectBuffer(e, content) : content;
                return new DatagramPacket(out, recipient, (InetSocketAddress) e.sender());
            }
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + EXPECTED_TYPES);
    }

    private void checkRecipient(InetSocketAddress recipient) {
        if (recipient == null) {
            if (!connected) {
                throw new NotYetConnectedException();
            }
        } else if (recipient.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
    }

    private static IOException translate(String call, int rc) {
        if (rc == -Errors.ECONNREFUSED) {
            PortUnreachableException e = new PortUnreachableException(call + "(..) failed: "
                    + Errors.message(Errors.ECONNREFUSED));
            e.initCause(new NativeIoException(call, Errors.ECONNREFUSED, true));
            return e;
        }
        return Errors.newIOException(call, rc);
    }

    /** Adds flushed messages to the write array until one does not fit. */
    private final class SendFiller implements ChannelOutboundBuffer.MessageProcessor {
        DatagramPacketArray array;

        @Override
        public boolean processMessage(Object msg) {
            if (msg instanceof DatagramPacket) {
                DatagramPacket p = (DatagramPacket) msg;
                InetSocketAddress recipient = p.recipient();
                if (connected && recipient != null && recipient.equals(remote)) {
                    recipient = null; // BSDs refuse an address on a connected socket
                }
                int segment = p instanceof SegmentedDatagramPacket ? ((SegmentedDatagramPacket) p).segmentSize() : 0;
                return array.addSend(p.content(), recipient, segment);
            }
            return msg instanceof ByteBuf && array.addSend((ByteBuf) msg, null, 0);
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int budget = config().getMaxMessagesPerWrite();
        boolean batch = mmsgSupported();
        while (budget > 0) {
            Object current = in.current();
            if (current == null) {
                clearInterest(Readiness.INTEREST_WRITE);
                return;
            }
            if (pendingError != 0) {
                int err = pendingError;
                pendingError = 0;
                in.remove(translate("sendmsg", err));
                budget--;
                continue;
            }
            DatagramPacketArray array = ioHandler().datagramArray(false);
            sendFiller.array = array;
            if (batch && in.size() > 1) {
                in.forEachFlushedMessage(sendFiller);
            } else {
                sendFiller.processMessage(current);
            }
            sendFiller.array = null;
            if (array.count() == 0) {
                in.remove(new IOException("datagram has too many buffers to send: " + current));
                budget--;
                continue;
            }
            int rc = NativeDatagram.send(socket.intValue(), ipv6, array.packetsAddress(), Math.min(array.count(), budget),
                    array.iovAddress(), array.iovCount());
            if (rc > 0) {
                for (int i = 0; i < rc; i++) {
                    in.remove();
                }
                budget -= rc;
            } else if (Errors.isWouldBlock(rc)) {
                setInterest(Readiness.INTEREST_WRITE);
                return;
            } else {
                // One datagram failed (too big, unreachable, refused...): fail it and go on with the rest.
                in.remove(translate(array.failedCall("send"), rc));
                budget--;
            }
        }
        if (in.isEmpty()) {
            clearInterest(Readiness.INTEREST_WRITE);
        } else {
            clearInterest(Readiness.INTEREST_WRITE);
            eventLoop().execute(flushTask);
        }
    }

    // Multicast.

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress) {
        return joinGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return membership(true, multicastAddress, null, null, true, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return joinGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                   ChannelPromise promise) {
        ObjectUtil.checkNotNull(multicastAddress, "multicastAddress");
        return membership(true, multicastAddress.getAddress(), networkInterface, null, false, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface, InetAddress source) {
        return joinGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface, InetAddress source,
                                   ChannelPromise promise) {
        return membership(true, multicastAddress, networkInterface, source, false, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress) {
        return leaveGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return membership(false, multicastAddress, null, null, true, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return leaveGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                    ChannelPromise promise) {
        ObjectUtil.checkNotNull(multicastAddress, "multicastAddress");
        return membership(false, multicastAddress.getAddress(), networkInterface, null, false, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface, InetAddress source) {
        return leaveGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface, InetAddress source,
                                    ChannelPromise promise) {
        return membership(false, multicastAddress, networkInterface, source, false, promise);
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock) {
        return block(multicastAddress, networkInterface, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock, ChannelPromise promise) {
        return block0(multicastAddress, networkInterface, sourceToBlock, false, promise);
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock) {
        return block(multicastAddress, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock, ChannelPromise promise) {
        return block0(multicastAddress, null, sourceToBlock, true, promise);
    }

    /** The interface of the bound address, or null (kernel's choice) when bound to the wildcard. */
    private NetworkInterface boundInterface() throws SocketException {
        InetSocketAddress l = localAddress();
        if (l == null || l.getAddress().isAnyLocalAddress()) {
            return null;
        }
        return NetworkInterface.getByInetAddress(l.getAddress());
    }

    private static byte[] encode(InetAddress address, String what) {
        ObjectUtil.checkNotNull(address, what);
        byte[] raw = address.getAddress();
        byte[] a = new byte[PollenSocket.ADDR_SIZE];
        a[0] = (byte) raw.length;
        System.arraycopy(raw, 0, a, 1, raw.length);
        return a;
    }

    private ChannelFuture membership(boolean join, InetAddress group, NetworkInterface iface, InetAddress source,
                                     boolean byBoundAddress, ChannelPromise promise) {
        String call = join ? "joinGroup" : "leaveGroup";
        try {
            byte[] g = encode(group, "multicastAddress");
            byte[] s = source == null ? null : encode(source, "source");
            if (byBoundAddress) {
                iface = boundInterface();
            } else {
                ObjectUtil.checkNotNull(iface, "networkInterface");
            }
            int rc = NativeDatagram.membership(socket.intValue(), ipv6, join, g, iface == null ? 0 : iface.getIndex(),
                    s);
            if (rc < 0) {
                throw Errors.newIOException(call, rc);
            }
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
        return promise;
    }

    private ChannelFuture block0(InetAddress group, NetworkInterface iface, InetAddress source, boolean byBoundAddress,
                                 ChannelPromise promise) {
        try {
            byte[] g = encode(group, "multicastAddress");
            byte[] s = encode(source, "sourceToBlock");
            if (byBoundAddress) {
                iface = boundInterface();
            } else {
                ObjectUtil.checkNotNull(iface, "networkInterface");
            }
            int rc = NativeDatagram.block(socket.intValue(), ipv6, true, g, iface == null ? 0 : iface.getIndex(), s);
            if (rc < 0) {
                throw Errors.newIOException("block", rc);
            }
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
        return promise;
    }

    private final class DatagramUnsafe extends AbstractPollenUnsafe {
        private final ArrayList<DatagramPacket> received = new ArrayList<>(DatagramPacketArray.MAX_BATCH);
        private RecvByteBufAllocator.Handle handle;
        /**
         * The datagrams the last read event took: where more than one, the next event's calls ask
         * for that many at once, the socket likely holding as many again.
         */
        private int lastEventReads;
        /** The datagrams the last receive call asked for. */
        private int asked;

        private RecvByteBufAllocator.Handle handle() {
            if (handle == null) {
                handle = config().getRecvByteBufAllocator().newHandle();
            }
            return handle;
        }

        @Override
        protected void readReady() {
            PollenDatagramChannelConfig config = config();
            if (shouldStopReading(config)) {
                // Nobody asked to read (e.g. woken by an ICMP error): keep a connected socket's
                // error for the next write rather than spinning on it.
                if (connected) {
                    int err = NativeDatagram.takeError(socket.intValue());
                    if (err < 0) {
                        pendingError = err;
                    }
                }
                clearReadInterest0();
                return;
            }
            RecvByteBufAllocator.Handle h = handle();
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            h.reset(config);
            Throwable exception = null;
            int read = 0;
            try {
                do {
                    int n = readOnce(config, h, allocator);
                    if (n == 0) {
                        break;
                    }
                    read += n;
                    readPending = false;
                    fireReceived(pipeline);
                    if (n < asked) {
                        break; // the socket had no more: the call that would say so is saved
                    }
                } while (continueReading(h));
            } catch (Throwable t) {
                exception = t;
            } finally {
                // Never strand datagrams already taken off the socket.
                if (!received.isEmpty()) {
                    fireReceived(pipeline);
                }
            }
            lastEventReads = read;
            h.readComplete();
            pipeline.fireChannelReadComplete();
            if (exception != null) {
                pipeline.fireExceptionCaught(exception);
            }
            if (shouldStopReading(config)) {
                clearReadInterest();
            }
        }

        private boolean continueReading(RecvByteBufAllocator.Handle h) {
            // Any datagram is a full read: keep going while the allocator's budget allows.
            return h instanceof RecvByteBufAllocator.ExtendedHandle
                    ? ((RecvByteBufAllocator.ExtendedHandle) h).continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER)
                    : h.continueReading();
        }

        private void fireReceived(ChannelPipeline pipeline) {
            for (int i = 0; i < received.size(); i++) {
                pipeline.fireChannelRead(received.get(i));
            }
            received.clear();
        }

        /**
         * One receive call: into the loop's scratch memory for several datagrams at once (see
         * readIntoScratch), else into one buffer, as slices of it where MAX_DATAGRAM_PAYLOAD_SIZE
         * is set. Returns how many datagrams it took (0: nothing was waiting) and sets
         * {@link #asked} to how many it asked for.
         */
        private int readOnce(PollenDatagramChannelConfig config, RecvByteBufAllocator.Handle h,
                             ByteBufAllocator allocator) throws IOException {
            int guess = h.guess();
            int many = Math.min(Math.min(lastEventReads, DatagramPacketArray.MAX_BATCH), SCRATCH_READ / Math.max(1, guess));
            if (many > 1 && config.getMaxDatagramPayloadSize() <= 0 && !config.wantsControlMessages()
                    && mmsgSupported()) {
                return readIntoScratch(h, allocator, guess, many);
            }
            ByteBuf buf = h.allocate(allocator);
            if (!isDirect(buf)) {
                ByteBuf direct = allocator.directBuffer(buf.writableBytes());
                buf.release();
                buf = direct;
            }
            try {
                int size = config.getMaxDatagramPayloadSize();
                int writable = buf.writableBytes();
                int slots = size > 0 ? Math.min(writable / size, DatagramPacketArray.MAX_BATCH) : 1;
                int start = buf.writerIndex();
                DatagramPacketArray array = ioHandler().datagramArray(true);
                int slotSize = slots <= 1 ? writable : size;
                boolean control = config.wantsControlMessages();
                if (slots <= 1) {
                    slots = 1;
                    array.addReadSlot(buf, start, writable, control);
                } else {
                    for (int i = 0; i < slots; i++) {
                        array.addReadSlot(buf, start + i * size, size, control);
                    }
                }
                h.attemptedBytesRead(slots * slotSize);
                asked = slots;
                int n = NativeDatagram.recv(socket.intValue(), ipv6, array.packetsAddress(), array.count(),
                        array.iovAddress(), array.iovCount());
                if (n < 0) {
                    throw translate(array.failedCall("receive"), n);
                }
                if (n == 0) {
                    return 0;
                }
                InetSocketAddress localAddress = AbstractPollenDatagramChannel.this.localAddress();
                InetSocketAddress peer = remote;
                int total = 0;
                for (int i = 0; i < n; i++) {
                    int len = array.length(i);
                    int offset = start + i * slotSize;
                    InetSocketAddress sender = array.sender(i);
                    InetSocketAddress recipient = array.origDst(i);
                    if (sender == null) {
                        sender = peer;
                    }
                    if (recipient == null) {
                        recipient = localAddress;
                    }
                    int segment = array.segment(i);
                    total += len;
                    if (segment > 0 && len > segment) {
                        for (int o = 0; o < len; o += segment) {
                            received.add(new DatagramPacket(buf.retainedSlice(offset + o, Math.min(segment, len - o)),
                                    recipient, sender));
                        }
                    } else if (n == 1) {
                        buf.writerIndex(offset + len);
                        received.add(new DatagramPacket(buf.retain(), recipient, sender));
                    } else {
                        received.add(new DatagramPacket(buf.retainedSlice(offset, len), recipient, sender));
                    }
                }
                // Empty datagrams still count as a read.
                h.lastBytesRead(Math.max(1, total));
                h.incMessagesRead(received.size());
                return n;
            } finally {
                buf.release();
            }
        }

        /**
         * Takes up to {@code slots} datagrams in one recvmmsg into slots of the allocator's guess in
         * the loop's scratch memory, and copies each into a buffer of its own from the allocator,
         * as a read of one datagram would have filled: the same buffers, truncation and addresses,
         * one kernel entry for the lot and none for the read that finds the socket empty (a call
         * that takes fewer than it asked for). Allocating the buffers up front instead would waste
         * every one the socket has no datagram for.
         */
        private int readIntoScratch(RecvByteBufAllocator.Handle h, ByteBufAllocator allocator, int slot, int slots)
                throws IOException {
            PollenIoHandler handler = ioHandler();
            ByteBuffer scratch = handler.scratch(slots * slot);
            long base = NativeMemory.address(scratch);
            DatagramPacketArray array = handler.datagramArray(true);
            for (int i = 0; i < slots; i++) {
                array.addReadSlot(base + (long) i * slot, slot, false);
            }
            h.attemptedBytesRead(slots * slot);
            asked = slots;
            handler.datagramBatchReads++;
            int n = NativeDatagram.recv(socket.intValue(), ipv6, array.packetsAddress(), slots,
                    array.iovAddress(), array.iovCount());
            if (n < 0) {
                throw translate(array.failedCall("receive"), n);
            }
            InetSocketAddress localAddress = AbstractPollenDatagramChannel.this.localAddress();
            InetSocketAddress peer = remote;
            int total = 0;
            for (int i = 0; i < n; i++) {
                int len = array.length(i);
                InetSocketAddress sender = array.sender(i);
                ByteBuf buf = h.allocate(allocator);
                try {
                    scratch.limit(i * slot + len).position(i * slot);
                    buf.writeBytes(scratch);
                    received.add(new DatagramPacket(buf, localAddress, sender != null ? sender : peer));
                } catch (Throwable t) {
                    buf.release();
                    throw t;
                }
                total += len;
            }
            if (n > 0) {
                h.lastBytesRead(Math.max(1, total));
                h.incMessagesRead(n);
            }
            return n;
        }
    }
}
