package dev.pollen.testsuite.select;

import dev.pollen.testsuite.PollenTransports;
import dev.pollen.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Transport}: the choice, the operator's switch, and real traffic through each kind of
 * channel the transport under test ({@value PollenTransports#PROPERTY}) hands out.
 */
class TransportSelectionTest {
    private static final long DEADLINE_S = 60;
    private String savedProperty;

    @BeforeEach
    void saveProperty() {
        savedProperty = System.getProperty(Transport.PROPERTY);
        System.clearProperty(Transport.PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(Transport.PROPERTY);
        } else {
            System.setProperty(Transport.PROPERTY, savedProperty);
        }
    }

    private static Transport underTest() {
        return Transport.require(System.getProperty(PollenTransports.PROPERTY));
    }

    @Test
    void selectTakesTheFirstAvailablePollenTransport() {
        Transport selected = Transport.select();
        assertTrue(selected.isPollen(), selected::toString);
        assertEquals("available", selected.reason());
        Transport first = Transport.pollenTransports().stream().filter(Transport::isAvailable).findFirst().orElseThrow();
        assertEquals(first.name(), selected.name());
        assertEquals(first.name(), Transport.require().name());
        assertEquals(3, Transport.pollenTransports().size());
    }

    @Test
    void transportUnderTestIsWhatItsNameSays() {
        Transport t = underTest();
        String pkg = "dev.pollen.channel." + t.name();
        assertTrue(t.isPollen() && t.isAvailable());
        assertNull(t.unavailabilityCause());
        assertEquals(pkg, t.socketChannelClass().getPackageName());
        assertEquals(pkg, t.serverSocketChannelClass().getPackageName());
        assertEquals(pkg, t.datagramChannelClass().getPackageName());
        assertEquals(pkg, t.ioHandlerClass().getPackageName());
        assertEquals(!"wepoll".equals(t.name()), t.supportsDomainSockets());
        assertEquals(t.supportsDomainSockets(), t.supportsDomainDatagrams());
        assertEquals(!"wepoll".equals(t.name()), t.supportsSendfile());
        if (!t.supportsDomainSockets()) {
            assertNull(t.domainSocketChannelClass());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    t::domainSocketChannelFactory);
            assertTrue(e.getMessage().contains(t.name()), e.getMessage());
        }
    }

    @Test
    void unavailableTransportsAreRefusedWithTheirCause() {
        for (Transport t : Transport.pollenTransports()) {
            if (!t.isAvailable()) {
                UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> Transport.require(t.name()));
                assertTrue(e.getMessage().contains(t.name()) && e.getMessage().contains(
                        String.valueOf(t.unavailabilityCause().getMessage())), e.getMessage());
                assertThrows(UnsatisfiedLinkError.class, t::ioHandlerFactory);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transport.require("uring"));
        assertTrue(e.getMessage().contains("uring"), e.getMessage());
    }

    @Test
    void operatorSwitchForcesNioOrANamedTransport() {
        System.setProperty(Transport.PROPERTY, "nio");
        Transport nio = Transport.select();
        assertEquals("nio", nio.name());
        assertFalse(nio.isPollen());
        assertTrue(nio.reason().contains("-Dpollen.transport=nio"), nio.reason());
        assertEquals("nio", Transport.require().name());

        String name = underTest().name();
        System.setProperty(Transport.PROPERTY, " " + name.toUpperCase() + " ");
        assertEquals(name, Transport.select().name());

        System.setProperty(Transport.PROPERTY, "auto");
        assertTrue(Transport.select().isPollen());

        System.setProperty(Transport.PROPERTY, "bogus");
        assertThrows(IllegalArgumentException.class, Transport::select);
    }

    @Test
    void groupsAreRecognised() throws Exception {
        Transport t = underTest();
        Transport nio = Transport.nio();
        EventLoopGroup group = t.newEventLoopGroup(1);
        EventLoopGroup nioGroup = nio.newEventLoopGroup(1);
        try {
            assertTrue(t.isCompatible(group));
            assertFalse(t.isCompatible(nioGroup));
            assertTrue(nio.isCompatible(nioGroup));
            assertFalse(nio.isCompatible(group));
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            nioGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void tcpEchoThroughTheFactories() throws Exception {
        Transport t = underTest();
        echo(t, t.serverSocketChannelFactory(), t.socketChannelFactory(), new InetSocketAddress("127.0.0.1", 0));
        Transport nio = Transport.nio();
        echo(nio, nio.serverSocketChannelFactory(), nio.socketChannelFactory(), new InetSocketAddress("127.0.0.1", 0));
    }

    @Test
    void domainSocketEchoWithNettysDomainSocketAddress() throws Exception {
        Transport t = underTest();
        if (!t.supportsDomainSockets()) {
            return; // asserted to be refused in transportUnderTestIsWhatItsNameSays
        }
        Path dir = Files.createTempDirectory("pollen-select");
        try {
            // What frameworks pass to Netty's own native transports.
            SocketAddress address = new DomainSocketAddress(dir.resolve("s").toString());
            echo(t, t.serverDomainSocketChannelFactory(), t.domainSocketChannelFactory(), address);
        } finally {
            Files.deleteIfExists(dir.resolve("s"));
            Files.delete(dir);
        }
    }

    @Test
    void datagramOfEachFamily() throws Exception {
        Transport t = underTest();
        for (SocketProtocolFamily family : new SocketProtocolFamily[] {null, SocketProtocolFamily.INET}) {
            EventLoopGroup group = t.newEventLoopGroup(1);
            try {
                CompletableFuture<String> got = new CompletableFuture<>();
                Channel ch = new Bootstrap().group(group).channelFactory(t.datagramChannelFactory(family))
                        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                                got.complete(msg.content().toString(StandardCharsets.US_ASCII));
                            }
                        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                assertSame(t.datagramChannelClass(), ch.getClass());
                ch.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII),
                        (InetSocketAddress) ch.localAddress())).sync();
                assertEquals("ping", got.get(DEADLINE_S, TimeUnit.SECONDS));
                ch.close().sync();
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            }
        }
    }

    private static void echo(Transport t, io.netty.channel.ChannelFactory<? extends io.netty.channel.ServerChannel> server,
                             io.netty.channel.ChannelFactory<? extends Channel> client, SocketAddress bindTo)
            throws Exception {
        EventLoopGroup group = t.newEventLoopGroup(1);
        try {
            Channel listener = new ServerBootstrap().group(group).channelFactory(server)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    }).bind(bindTo).sync().channel();
            CompletableFuture<String> got = new CompletableFuture<>();
            StringBuilder seen = new StringBuilder();
            Channel ch = new Bootstrap().group(group).channelFactory(client)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    seen.append(msg.toString(StandardCharsets.US_ASCII));
                                    if (seen.length() >= 5) {
                                        got.complete(seen.toString());
                                    }
                                }
                            });
                        }
                    }).connect(listener.localAddress()).sync().channel();
            assertTrue(t.isCompatible(ch.eventLoop().parent()));
            assertEquals(t.name().equals("nio") ? "io.netty.channel.socket.nio" : "dev.pollen.channel." + t.name(),
                    ch.getClass().getPackageName());
            ch.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
            assertEquals("hello", got.get(DEADLINE_S, TimeUnit.SECONDS));
            assertNotNull(ch.localAddress());
            ch.close().sync();
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
