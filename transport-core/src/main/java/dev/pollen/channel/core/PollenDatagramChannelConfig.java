package dev.pollen.channel.core;

import dev.pollen.channel.PollenChannelOption;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannelConfig;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;

import static io.netty.channel.ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION;
import static io.netty.channel.ChannelOption.IP_MULTICAST_ADDR;
import static io.netty.channel.ChannelOption.IP_MULTICAST_IF;
import static io.netty.channel.ChannelOption.IP_MULTICAST_LOOP_DISABLED;
import static io.netty.channel.ChannelOption.IP_MULTICAST_TTL;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_BROADCAST;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;

/**
 * The configuration of a Pollen UDP channel: every socket option is read from and written to the
 * socket. Reads receive into 2048-byte buffers by default, as Netty's datagram channels do;
 * {@link PollenChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE} above 0 splits each buffer into slices of
 * that size and fills several with one system call.
 */
public class PollenDatagramChannelConfig extends PollenChannelConfig implements DatagramChannelConfig {
    // Native option ids for transport subclasses (pollen_dgram.h).
    protected static final int OPT_MULTICAST_ALL = NativeDatagram.MULTICAST_ALL;
    protected static final int OPT_RECVORIGDSTADDR = NativeDatagram.RECVORIGDSTADDR;
    protected static final int OPT_FREEBIND = NativeDatagram.FREEBIND;
    protected static final int OPT_TRANSPARENT = NativeDatagram.TRANSPARENT;
    protected static final int OPT_UDP_GRO = NativeDatagram.UDP_GRO;

    /** The options of every UDP channel; a transport's subclass builds its table on this one. */
    @SuppressWarnings("deprecation") // IP_MULTICAST_ADDR, DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION
    protected static final OptionTable<PollenDatagramChannelConfig> OPTIONS =
            OptionTable.<PollenDatagramChannelConfig>builder()
                    .option(SO_BROADCAST, c -> c.isBroadcast(), (c, v) -> c.setBroadcast(v))
                    .option(SO_RCVBUF, c -> c.getReceiveBufferSize(), (c, v) -> c.setReceiveBufferSize(v))
                    .option(SO_SNDBUF, c -> c.getSendBufferSize(), (c, v) -> c.setSendBufferSize(v))
                    .option(SO_REUSEADDR, c -> c.isReuseAddress(), (c, v) -> c.setReuseAddress(v))
                    .option(IP_MULTICAST_LOOP_DISABLED, c -> c.isLoopbackModeDisabled(),
                            (c, v) -> c.setLoopbackModeDisabled(v))
                    .option(IP_MULTICAST_ADDR, c -> c.getInterface(), (c, v) -> c.setInterface(v))
                    .option(IP_MULTICAST_IF, c -> c.getNetworkInterface(), (c, v) -> c.setNetworkInterface(v))
                    .option(IP_MULTICAST_TTL, c -> c.getTimeToLive(), (c, v) -> c.setTimeToLive(v))
                    .option(IP_TOS, c -> c.getTrafficClass(), (c, v) -> c.setTrafficClass(v))
                    .option(DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, c -> c.isActiveOnRegistration(),
                            (c, v) -> c.setActiveOnRegistration(v))
                    // Not socketBoolean: its failures stay plain ChannelExceptions, as the other options' here.
                    .option(PollenChannelOption.SO_REUSEPORT, c -> c.getSocketOption(PollenSocket.SO_REUSEPORT) != 0,
                            (c, v) -> c.setSocketOption(PollenSocket.SO_REUSEPORT, v ? 1 : 0))
                    .option(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, c -> c.getMaxDatagramPayloadSize(),
                            (c, v) -> c.setMaxDatagramPayloadSize(v))
                    .build();

    private static final int MAX_PAYLOAD = 65535;

    private final boolean ipv6;
    private volatile boolean activeOnRegistration;
    private volatile int maxDatagramPayloadSize;
    /** True once an option that adds control messages to received datagrams was turned on. */
    private volatile boolean controlMessages;

    public PollenDatagramChannelConfig(AbstractPollenDatagramChannel channel, PollenSocket socket) {
        this(channel, socket, OPTIONS);
    }

    /** For a transport's subclass, with its table: {@link #OPTIONS} plus its own options. */
    protected PollenDatagramChannelConfig(AbstractPollenDatagramChannel channel, PollenSocket socket,
            OptionTable<? extends PollenDatagramChannelConfig> options) {
        super(channel, new FixedRecvByteBufAllocator(2048), socket, options);
        this.ipv6 = socket.family() == PollenSocket.FAMILY_INET6;
    }

    private void setActiveOnRegistration(boolean on) {
        if (channel.isRegistered()) {
            throw new IllegalStateException(DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION.name()
                    + " can only be changed before the channel is registered");
        }
        activeOnRegistration = on;
    }

    final boolean isActiveOnRegistration() {
        return activeOnRegistration;
    }

    /** 0: one datagram per buffer; above 0: the buffer is cut into slices of this size, one datagram each. */
    public int getMaxDatagramPayloadSize() {
        return maxDatagramPayloadSize;
    }

    public PollenDatagramChannelConfig setMaxDatagramPayloadSize(int size) {
        maxDatagramPayloadSize =
                OptionTable.inRange(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, size, 0, MAX_PAYLOAD);
        return this;
    }

    /** Reads a datagram option ({@code OPT_*}); a failure (e.g. not on this platform) is a ChannelException. */
    protected final int getDatagramOption(int option) {
        ensureOpen();
        int[] out = new int[1];
        int rc = NativeDatagram.getOption(socket().intValue(), ipv6, option, out);
        if (rc < 0) {
            throw new ChannelException(Errors.newIOException("getsockopt", rc));
        }
        return out[0];
    }

    protected final void setDatagramOption(int option, int value) {
        ensureOpen();
        if (value != 0 && (option == OPT_UDP_GRO || option == OPT_RECVORIGDSTADDR)) {
            // Before the option is on, so no datagram is read without its control message. It
            // stays set when the option goes off again: asking costs a little, missing one is wrong.
            controlMessages = true;
        }
        int rc = NativeDatagram.setOption(socket().intValue(), ipv6, option, value);
        if (rc < 0) {
            throw new ChannelException(Errors.newIOException("setsockopt", rc));
        }
    }

    /** Whether reads must ask for control messages (UDP_GRO or IP_RECVORIGDSTADDR was turned on). */
    final boolean wantsControlMessages() {
        return controlMessages;
    }

    private void ensureOpen() {
        if (!socket().isOpen()) {
            throw new ChannelException(new java.nio.channels.ClosedChannelException());
        }
    }

    @Override
    public int getSendBufferSize() {
        return getSocketOption(PollenSocket.SO_SNDBUF);
    }

    @Override
    public PollenDatagramChannelConfig setSendBufferSize(int size) {
        setSocketOption(PollenSocket.SO_SNDBUF, OptionTable.inRange(SO_SNDBUF, size, 1, Integer.MAX_VALUE));
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return getSocketOption(PollenSocket.SO_RCVBUF);
    }

    @Override
    public PollenDatagramChannelConfig setReceiveBufferSize(int size) {
        setSocketOption(PollenSocket.SO_RCVBUF, OptionTable.inRange(SO_RCVBUF, size, 1, Integer.MAX_VALUE));
        return this;
    }

    @Override
    public int getTrafficClass() {
        return getSocketOption(PollenSocket.IP_TOS);
    }

    @Override
    public PollenDatagramChannelConfig setTrafficClass(int trafficClass) {
        setSocketOption(PollenSocket.IP_TOS, OptionTable.inRange(IP_TOS, trafficClass, 0, 255));
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return getSocketOption(PollenSocket.SO_REUSEADDR) != 0;
    }

    @Override
    public PollenDatagramChannelConfig setReuseAddress(boolean reuseAddress) {
        setSocketOption(PollenSocket.SO_REUSEADDR, reuseAddress ? 1 : 0);
        return this;
    }

    @Override
    public boolean isBroadcast() {
        return getSocketOption(PollenSocket.SO_BROADCAST) != 0;
    }

    @Override
    public PollenDatagramChannelConfig setBroadcast(boolean broadcast) {
        setSocketOption(PollenSocket.SO_BROADCAST, broadcast ? 1 : 0);
        return this;
    }

    @Override
    public boolean isLoopbackModeDisabled() {
        return getDatagramOption(NativeDatagram.MULTICAST_LOOP) == 0;
    }

    @Override
    public PollenDatagramChannelConfig setLoopbackModeDisabled(boolean loopbackModeDisabled) {
        setDatagramOption(NativeDatagram.MULTICAST_LOOP, loopbackModeDisabled ? 0 : 1);
        return this;
    }

    @Override
    public int getTimeToLive() {
        return getDatagramOption(NativeDatagram.MULTICAST_TTL);
    }

    @Override
    public PollenDatagramChannelConfig setTimeToLive(int ttl) {
        setDatagramOption(NativeDatagram.MULTICAST_TTL, OptionTable.inRange(IP_MULTICAST_TTL, ttl, 0, 255));
        return this;
    }

    @Override
    public InetAddress getInterface() {
        if (!ipv6) {
            byte[] a = new byte[PollenSocket.ADDR_SIZE];
            multicastIf(a);
            InetAddress address = PollenSocket.decode(a).getAddress();
            return address.isAnyLocalAddress() ? null : address;
        }
        NetworkInterface iface = getNetworkInterface();
        if (iface == null) {
            return null;
        }
        InetAddress first = null;
        for (Enumeration<InetAddress> e = iface.getInetAddresses(); e.hasMoreElements(); ) {
            InetAddress address = e.nextElement();
            if (address instanceof Inet6Address) {
                return address;
            }
            if (first == null) {
                first = address;
            }
        }
        return first;
    }

    @Override
    public PollenDatagramChannelConfig setInterface(InetAddress interfaceAddress) {
        if (interfaceAddress == null) {
            throw new NullPointerException("interfaceAddress");
        }
        if (!ipv6) {
            if (!(interfaceAddress instanceof Inet4Address)) {
                throw new IllegalArgumentException(IP_MULTICAST_ADDR.name() + " of an IPv4 channel must be IPv4: "
                        + interfaceAddress);
            }
            setMulticastIf(0, interfaceAddress);
            return this;
        }
        NetworkInterface iface;
        try {
            iface = NetworkInterface.getByInetAddress(interfaceAddress);
        } catch (SocketException e) {
            throw new ChannelException(e);
        }
        if (iface == null) {
            throw new IllegalArgumentException(IP_MULTICAST_ADDR.name() + ": no interface has " + interfaceAddress);
        }
        setMulticastIf(iface.getIndex(), interfaceAddress instanceof Inet4Address ? interfaceAddress : firstIPv4(iface));
        return this;
    }

    @Override
    public NetworkInterface getNetworkInterface() {
        byte[] a = new byte[PollenSocket.ADDR_SIZE];
        int index = multicastIf(a);
        try {
            if (index > 0) {
                return NetworkInterface.getByIndex(index);
            }
            if (a[0] == 4) {
                InetAddress address = PollenSocket.decode(a).getAddress();
                return address.isAnyLocalAddress() ? null : NetworkInterface.getByInetAddress(address);
            }
            return null;
        } catch (SocketException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public PollenDatagramChannelConfig setNetworkInterface(NetworkInterface networkInterface) {
        if (networkInterface == null) {
            throw new NullPointerException("networkInterface");
        }
        setMulticastIf(networkInterface.getIndex(), firstIPv4(networkInterface));
        return this;
    }

    private static InetAddress firstIPv4(NetworkInterface iface) {
        for (Enumeration<InetAddress> e = iface.getInetAddresses(); e.hasMoreElements(); ) {
            InetAddress address = e.nextElement();
            if (address instanceof Inet4Address) {
                return address;
            }
        }
        return null;
    }

    private int multicastIf(byte[] a) {
        ensureOpen();
        int rc = NativeDatagram.getMulticastIf(socket().intValue(), ipv6, a);
        if (rc < 0) {
            throw new ChannelException(Errors.newIOException("getsockopt", rc));
        }
        return rc;
    }

    private void setMulticastIf(int index, InetAddress v4) {
        ensureOpen();
        byte[] a = null;
        if (v4 != null) {
            a = new byte[PollenSocket.ADDR_SIZE];
            a[0] = 4;
            System.arraycopy(v4.getAddress(), 0, a, 1, 4);
        }
        int rc = NativeDatagram.setMulticastIf(socket().intValue(), ipv6, Math.max(0, index), a);
        if (rc < 0) {
            throw new ChannelException(Errors.newIOException("setsockopt", rc));
        }
    }

    @Override
    @Deprecated
    public PollenDatagramChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public PollenDatagramChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public PollenDatagramChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    public PollenDatagramChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public PollenDatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public PollenDatagramChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public PollenDatagramChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public PollenDatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public PollenDatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}
