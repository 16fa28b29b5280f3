package dev.pollen.channel.epoll;

import dev.pollen.channel.core.OptionTable;
import dev.pollen.channel.core.PollenDatagramChannelConfig;
import dev.pollen.channel.core.PollenSocket;

/** {@link PollenDatagramChannelConfig} plus the Linux-only UDP options of {@link EpollChannelOption}. */
public final class EpollDatagramChannelConfig extends PollenDatagramChannelConfig {
    private static final OptionTable<EpollDatagramChannelConfig> OPTIONS =
            OptionTable.<EpollDatagramChannelConfig>builder(PollenDatagramChannelConfig.OPTIONS)
                    .option(EpollChannelOption.UDP_GRO, c -> c.isUdpGro(), (c, on) -> c.setUdpGro(on))
                    .option(EpollChannelOption.IP_RECVORIGDSTADDR, c -> c.isIpRecvOrigDestAddr(),
                            (c, on) -> c.setIpRecvOrigDestAddr(on))
                    .option(EpollChannelOption.IP_FREEBIND, c -> c.isFreeBind(), (c, on) -> c.setFreeBind(on))
                    .option(EpollChannelOption.IP_TRANSPARENT, c -> c.isIpTransparent(),
                            (c, on) -> c.setIpTransparent(on))
                    .option(EpollChannelOption.IP_MULTICAST_ALL, c -> c.isIpMulticastAll(),
                            (c, on) -> c.setIpMulticastAll(on))
                    .build();

    EpollDatagramChannelConfig(EpollDatagramChannel channel, PollenSocket socket) {
        super(channel, socket, OPTIONS);
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
