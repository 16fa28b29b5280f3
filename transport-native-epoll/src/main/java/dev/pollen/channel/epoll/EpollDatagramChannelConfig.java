package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenDatagramChannelConfig;
import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.ChannelOption;

import java.util.Map;

/** {@link PollenDatagramChannelConfig} plus the Linux-only UDP options of {@link EpollChannelOption}. */
public final class EpollDatagramChannelConfig extends PollenDatagramChannelConfig {

    EpollDatagramChannelConfig(EpollDatagramChannel channel, PollenSocket socket) {
        super(channel, socket);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), EpollChannelOption.UDP_GRO, EpollChannelOption.IP_RECVORIGDSTADDR,
                EpollChannelOption.IP_FREEBIND, EpollChannelOption.IP_TRANSPARENT, EpollChannelOption.IP_MULTICAST_ALL);
    }

    private static int linuxOption(ChannelOption<?> option) {
        if (option == EpollChannelOption.UDP_GRO) {
            return OPT_UDP_GRO;
        }
        if (option == EpollChannelOption.IP_RECVORIGDSTADDR) {
            return OPT_RECVORIGDSTADDR;
        }
        if (option == EpollChannelOption.IP_FREEBIND) {
            return OPT_FREEBIND;
        }
        if (option == EpollChannelOption.IP_TRANSPARENT) {
            return OPT_TRANSPARENT;
        }
        if (option == EpollChannelOption.IP_MULTICAST_ALL) {
            return OPT_MULTICAST_ALL;
        }
        return 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        int id = linuxOption(option);
        if (id != 0) {
            return (T) Boolean.valueOf(getDatagramOption(id) != 0);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        int id = linuxOption(option);
        if (id == 0) {
            return super.setOption(option, value);
        }
        validate(option, value);
        setDatagramOption(id, (Boolean) value ? 1 : 0);
        return true;
    }

    public boolean isUdpGro() {
        return getDatagramOption(OPT_UDP_GRO) != 0;
    }

    /** Receive coalesced datagrams (split again before delivery); see {@link EpollDatagramChannel}. */
    public EpollDatagramChannelConfig setUdpGro(boolean on) {
        setDatagramOption(OPT_UDP_GRO, on ? 1 : 0);
        return this;
    }

    public boolean isIpRecvOrigDestAddr() {
        return getDatagramOption(OPT_RECVORIGDSTADDR) != 0;
    }

    /** Received packets' {@code recipient()} becomes the address they were sent to. */
    public EpollDatagramChannelConfig setIpRecvOrigDestAddr(boolean on) {
        setDatagramOption(OPT_RECVORIGDSTADDR, on ? 1 : 0);
        return this;
    }

    public boolean isFreeBind() {
        return getDatagramOption(OPT_FREEBIND) != 0;
    }

    public EpollDatagramChannelConfig setFreeBind(boolean on) {
        setDatagramOption(OPT_FREEBIND, on ? 1 : 0);
        return this;
    }

    public boolean isIpTransparent() {
        return getDatagramOption(OPT_TRANSPARENT) != 0;
    }

    public EpollDatagramChannelConfig setIpTransparent(boolean on) {
        setDatagramOption(OPT_TRANSPARENT, on ? 1 : 0);
        return this;
    }

    public boolean isIpMulticastAll() {
        return getDatagramOption(OPT_MULTICAST_ALL) != 0;
    }

    public EpollDatagramChannelConfig setIpMulticastAll(boolean on) {
        setDatagramOption(OPT_MULTICAST_ALL, on ? 1 : 0);
        return this;
    }
}
