package dev.pollen.channel.core;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
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
import java.util.Map;

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
public class PollenDatagramChannelConfig extends DefaultChannelConfig implements DatagramChannelConfig {
    // Native option ids for transport subclasses (pollen_dgram.h).
    protected static final int OPT_MULTICAST_ALL = NativeDatagram.MULTICAST_ALL;
    protected static final int OPT_RECVORIGDSTADDR = NativeDatagram.RECVORIGDSTADDR;
    protected static final int OPT_FREEBIND = NativeDatagram.FREEBIND;
    protected static final int OPT_TRANSPARENT = NativeDatagram.TRANSPARENT;
    protected static final int OPT_UDP_GRO = NativeDatagram.UDP_GRO;

    private static final int MAX_PAYLOAD = 65535;

    private final PollenSocket socket;
    private final boolean ipv6;
    private volatile boolean activeOnRegistration;
    private volatile int maxDatagramPayloadSize;

    public PollenDatagramChannelConfig(AbstractPollenDatagramChannel channel, PollenSocket socket) {
        super(channel, new FixedRecvByteBufAllocator(2048));
        this.socket = socket;
        this.ipv6 = socket.family() == PollenSocket.FAMILY_INET6;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_BROADCAST, SO_RCVBUF, SO_SNDBUF, SO_REUSEADDR, IP_MULTICAST_LOOP_DISABLED,
                IP_MULTICAST_ADDR, IP_MULTICAST_IF, IP_MULTICAST_TTL, IP_TOS, DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION,
                PollenChannelOption.SO_REUSEPORT, PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE);
    }

    @Override
    @SuppressWarnings({"unchecked", "deprecation"})
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_BROADCAST) {
            return (T) Boolean.valueOf(isBroadcast());
        }
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == IP_MULTICAST_LOOP_DISABLED) {
            return (T) Boolean.valueOf(isLoopbackModeDisabled());
        }
        if (option == IP_MULTICAST_ADDR) {
            return (T) getInterface();
        }
        if (option == IP_MULTICAST_IF) {
            return (T) getNetworkInterface();
        }
        if (option == IP_MULTICAST_TTL) {
            return (T) Integer.valueOf(getTimeToLive());
        }
        if (option == IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            return (T) Boolean.valueOf(activeOnRegistration);
        }
        if (option == PollenChannelOption.SO_REUSEPORT) {
            return (T) Boolean.valueOf(getSocketOption(PollenSocket.SO_REUSEPORT) != 0);
        }
        if (option == PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE) {
            return (T) Integer.valueOf(getMaxDatagramPayloadSize());
        }
        return super.getOption(option);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_BROADCAST) {
            setBroadcast((Boolean) value);
        } else if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == IP_MULTICAST_LOOP_DISABLED) {
            setLoopbackModeDisabled((Boolean) value);
        } else if (option == IP_MULTICAST_ADDR) {
            setInterface((InetAddress) value);
        } else if (option == IP_MULTICAST_IF) {
            setNetworkInterface((NetworkInterface) value);
        } else if (option == IP_MULTICAST_TTL) {
            setTimeToLive((Integer) value);
        } else if (option == IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            setActiveOnRegistration((Boolean) value);
        } else if (option == PollenChannelOption.SO_REUSEPORT) {
            setSocketOption(PollenSocket.SO_REUSEPORT, (Boolean) value ? 1 : 0);
        } else if (option == PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE) {
            setMaxDatagramPayloadSize((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
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
        if (size < 0 || size > MAX_PAYLOAD) {
            throw new IllegalArgumentException(PollenChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE.name()
                    + " must be in [0, " + MAX_PAYLOAD + "]: " + size);
        }
        maxDatagramPayloadSize = size;
        return this;
    }

    final int getSocketOption(int option) {
        return socket.getOptionOrThrow(option);
    }

    final void setSocketOption(int option, int value) {
        socket.setOptionOrThrow(option, value);
    }

    /** Reads a datagram option ({@code OPT_*}); a failure (e.g. not on this platform) is a ChannelException. */
    protected final int getDatagramOption(int option) {
        ensureOpen();
        int[] out = new int[1];
        int rc = NativeDatagram.getOption(socket.intValue(), ipv6, option, out);
        if (rc < 0) {
            throw new ChannelException(Errors.newIOException("getsockopt", rc));
        }
        return out[0];
    }

    protected final void setDatagramOption(int option, int value) {
        ensureOpen();
        int rc = NativeDatagram.setOption(socket.intValue(), ipv6, option, value);
        if (rc < 0) {
            throw new ChannelException(Errors.newIOException("setsockopt", rc));
        }
    }

    private void ensureOpen() {
        if (!socket.isOpen()) {
            throw new ChannelException(new java.nio.channels.ClosedChannelException());
        }
    }

    private static int checkRange(ChannelOption<?> option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option.name() + " must be in [" + min + ", " + max + "]: " + value);
        }
        return value;
    }

    @Override
    public int getSendBufferSize() {
        return getSocketOption(PollenSocket.SO_SNDBUF);
    }

    @Override
    public PollenDatagramChannelConfig setSendBufferSize(int size) {
        setSocketOption(PollenSocket.SO_SNDBUF, checkRange(SO_SNDBUF, size, 1, Integer.MAX_VALUE));
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return getSocketOption(PollenSocket.SO_RCVBUF);
    }

    @Override
    public PollenDatagramChannelConfig setReceiveBufferSize(int size) {
        setSocketOption(PollenSocket.SO_RCVBUF, checkRange(SO_RCVBUF, size, 1, Integer.MAX_VALUE));
        return this;
    }

    @Override
    public int getTrafficClass() {
        return getSocketOption(PollenSocket.IP_TOS);
    }

    @Override
    public PollenDatagramChannelConfig setTrafficClass(int trafficClass) {
        setSocketOption(PollenSocket.IP_TOS, checkRange(IP_TOS, trafficClass, 0, 255));
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
        setDatagramOption(NativeDatagram.MULTICAST_TTL, checkRange(IP_MULTICAST_TTL, ttl, 0, 255));
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
        int rc = NativeDatagram.getMulticastIf(socket.intValue(), ipv6, a);
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
        int rc = NativeDatagram.setMulticastIf(socket.intValue(), ipv6, Math.max(0, index), a);
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

    @Override
    protected void autoReadCleared() {
        ((AbstractPollenChannel) channel).clearReadInterestLater();
    }
}
