package dev.pollen.reactor.netty;

import dev.pollen.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpResources;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpClient;
import reactor.netty.udp.UdpResources;
import reactor.netty.udp.UdpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reactor Netty's real servers and clients on {@link PollenLoopResources}: HTTP, TCP, UDP and Unix domain
 * sockets, each asserting which channel classes carried the traffic.
 */
class PollenLoopResourcesTest {
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static PollenLoopResources loops;
    static Transport pollen;

    @BeforeAll
    static void start() {
        pollen = Transport.require();
        loops = PollenLoopResources.create("test", -1, 2, true);
        assertSame(pollen.getClass(), loops.transport().getClass());
    }

    @AfterAll
    static void stop() {
        loops.disposeLater().block(DEADLINE);
        assertTrue(loops.isDisposed());
    }

    static Set<Class<?>> classes(Queue<Channel> channels) {
        return channels.stream().map(Object::getClass).collect(Collectors.toSet());
    }

    static void report(String what, Object... classes) {
        System.out.println("[reactor-netty] " + what + ": " + java.util.Arrays.toString(classes));
    }

    @Test
    void httpServerAndClient() {
        Queue<Channel> server = new ConcurrentLinkedQueue<>();
        Queue<Channel> client = new ConcurrentLinkedQueue<>();
        DisposableServer http = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .doOnConnection(c -> server.add(c.channel()))
                .handle((req, res) -> res.sendString(req.receive().aggregate().asString()
                        .defaultIfEmpty("").map(body -> req.uri() + " " + body + " on "
                                + Thread.currentThread().getName())))
                .bindNow(DEADLINE);
        try {
            HttpClient c = HttpClient.create().runOn(loops).baseUrl("http://127.0.0.1:" + http.port())
                    .doOnConnected(conn -> client.add(conn.channel()));
            for (int i = 0; i < 50; i++) {
                String body = "x".repeat(i * 100);
                String answer = c.post().uri("/r" + i).send(Mono.just(Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII)))
                        .responseContent().aggregate().asString().block(DEADLINE);
                assertTrue(answer.startsWith("/r" + i + " " + body + " on test-" + pollen.name() + "-"), answer);
            }
            assertSame(pollen.serverSocketChannelClass(), http.channel().getClass());
            assertEquals(Set.of(pollen.socketChannelClass()), classes(server));
            assertEquals(Set.of(pollen.socketChannelClass()), classes(client));
            report("HTTP, 50 POSTs", http.channel().getClass(), classes(server), classes(client));
        } finally {
            http.disposeNow(DEADLINE);
        }
    }

    @Test
    void tcpEcho() throws Exception {
        Queue<Channel> server = new ConcurrentLinkedQueue<>();
        DisposableServer tcp = TcpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .doOnConnection(c -> server.add(c.channel()))
                .handle((in, out) -> out.send(in.receive().retain()))
                .bindNow(DEADLINE);
        try {
            Connection conn = TcpClient.create().host("127.0.0.1").port(tcp.port()).runOn(loops).connectNow(DEADLINE);
            byte[] sent = new byte[1 << 20];
            new java.util.Random(7).nextBytes(sent);
            byte[] got = new byte[sent.length];
            int[] at = {0};
            Mono<Void> received = conn.inbound().receive().doOnNext(b -> {
                int n = b.readableBytes();
                b.readBytes(got, at[0], n);
                at[0] += n;
            }).takeUntil(b -> at[0] >= sent.length).then();
            java.util.concurrent.CompletableFuture<Void> done = received.toFuture(); // subscribed before sending
            conn.outbound().send(Flux.range(0, 16).map(i -> Unpooled.wrappedBuffer(sent, i << 16, 1 << 16)))
                    .then().subscribe();
            done.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(sent.length, at[0]);
            assertTrue(java.util.Arrays.equals(sent, got));
            assertSame(pollen.socketChannelClass(), conn.channel().getClass());
            assertEquals(Set.of(pollen.socketChannelClass()), classes(server));
            report("TCP echo, 1 MiB", tcp.channel().getClass(), classes(server), conn.channel().getClass());
            conn.disposeNow(DEADLINE);
        } finally {
            tcp.disposeNow(DEADLINE);
        }
    }

    @Test
    void udpServerAndClient() {
        Connection server = UdpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .handle((in, out) -> out.sendObject(in.receiveObject().cast(DatagramPacket.class)
                        .map(p -> new DatagramPacket(Unpooled.copiedBuffer("echo " + p.content()
                                .toString(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII), p.sender()))))
                .bindNow(DEADLINE);
        try {
            InetSocketAddress at = (InetSocketAddress) server.address();
            Connection client = UdpClient.create().host("127.0.0.1").port(at.getPort()).runOn(loops).connectNow(DEADLINE);
            Queue<String> answers = new ConcurrentLinkedQueue<>();
            client.inbound().receive().asString().subscribe(answers::add);
            // UDP may drop a datagram: each is sent again until its answer has come, up to the deadline.
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            for (int i = 0; i < 10; i++) {
                String expected = "echo d" + i;
                while (!answers.contains(expected)) {
                    assertTrue(System.nanoTime() < deadline, "no answer to d" + i + " within " + DEADLINE);
                    client.outbound().sendString(Mono.just("d" + i)).then().block(DEADLINE);
                    Mono.fromCallable(() -> answers.contains(expected) ? Boolean.TRUE : null)
                            .repeatWhenEmpty(r -> r.delayElements(Duration.ofMillis(10)).take(100))
                            .block(DEADLINE);
                }
            }
            for (int i = 0; i < 10; i++) {
                assertTrue(answers.contains("echo d" + i), answers.toString());
            }
            assertSame(pollen.datagramChannelClass(), server.channel().getClass());
            assertSame(pollen.datagramChannelClass(), client.channel().getClass());
            report("UDP, 10 datagrams each way", server.channel().getClass(), client.channel().getClass());
            client.disposeNow(DEADLINE);
        } finally {
            server.disposeNow(DEADLINE);
        }
    }

    @Test
    void httpOverUnixDomainSocket() throws Exception {
        Path dir = Files.createTempDirectory("pollen-reactor");
        Path socket = dir.resolve("http.sock");
        Queue<Channel> server = new ConcurrentLinkedQueue<>();
        Queue<Channel> client = new ConcurrentLinkedQueue<>();
        // What Reactor Netty's users write: Netty's DomainSocketAddress.
        DisposableServer http = HttpServer.create().bindAddress(() -> new DomainSocketAddress(socket.toString()))
                .runOn(loops)
                .doOnConnection(c -> server.add(c.channel()))
                .handle((req, res) -> res.sendString(Mono.just("unix " + req.uri())))
                .bindNow(DEADLINE);
        try {
            HttpClient c = HttpClient.create().remoteAddress(() -> new DomainSocketAddress(socket.toString()))
                    .runOn(loops).doOnConnected(conn -> client.add(conn.channel()));
            for (int i = 0; i < 20; i++) {
                assertEquals("unix /u" + i, c.get().uri("/u" + i).responseContent().aggregate().asString()
                        .block(DEADLINE));
            }
            assertSame(pollen.serverDomainSocketChannelClass(), http.channel().getClass());
            assertEquals(Set.of(pollen.domainSocketChannelClass()), classes(server));
            assertEquals(Set.of(pollen.domainSocketChannelClass()), classes(client));
            report("HTTP over a Unix domain socket, 20 GETs", http.channel().getClass(), classes(server),
                    classes(client));
        } finally {
            http.disposeNow(DEADLINE);
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }

    @Test
    void channelTypesReactorAsksFor() {
        EventLoopGroup server = loops.onServer(true);
        EventLoopGroup client = loops.onClient(true); // colocated: a wrapper around the server group
        for (EventLoopGroup g : List.of(server, client, loops.onServerSelect(true))) {
            assertSame(pollen.socketChannelClass(), loops.onChannelClass(SocketChannel.class, g));
            assertSame(pollen.datagramChannelClass(), loops.onChannelClass(DatagramChannel.class, g));
            assertSame(pollen.domainSocketChannelClass(), loops.onChannelClass(DomainSocketChannel.class, g));
            assertSame(pollen.serverDomainSocketChannelClass(), loops.onChannelClass(ServerDomainSocketChannel.class, g));
        }
        Channel ch = loops.onChannel(SocketChannel.class, client);
        assertSame(pollen.socketChannelClass(), ch.getClass());
        ch.unsafe().closeForcibly();
        // preferNative(false): NIO groups and channels from the same resources.
        EventLoopGroup nio = loops.onServer(false);
        assertTrue(Transport.nio().isCompatible(nio));
        assertFalse(pollen.isCompatible(nio));
        assertSame(NioSocketChannel.class, loops.onChannelClass(SocketChannel.class, nio));
        assertSame(NioSocketChannel.class, loops.onChannelClass(SocketChannel.class, loops.onClient(false)));
    }

    @Test
    void preferNativeFalseRunsOnNio() {
        Queue<Channel> server = new ConcurrentLinkedQueue<>();
        DisposableServer http = HttpServer.create().host("127.0.0.1").port(0).runOn(loops, false)
                .doOnConnection(c -> server.add(c.channel()))
                .handle((req, res) -> res.sendString(Mono.just("nio"))).bindNow(DEADLINE);
        try {
            assertEquals("nio", HttpClient.create().runOn(loops, false).get()
                    .uri("http://127.0.0.1:" + http.port() + "/").responseContent().aggregate().asString()
                    .block(DEADLINE));
            assertSame(NioServerSocketChannel.class, http.channel().getClass());
            assertEquals(Set.of(NioSocketChannel.class), classes(server));
        } finally {
            http.disposeNow(DEADLINE);
        }
    }

    @Test
    void globalResources() throws Exception {
        PollenLoopResources.installGlobally();
        try {
            Queue<Channel> server = new ConcurrentLinkedQueue<>();
            Queue<Channel> client = new ConcurrentLinkedQueue<>();
            // No runOn(..): the global resources.
            DisposableServer http = HttpServer.create().host("127.0.0.1").port(0)
                    .doOnConnection(c -> server.add(c.channel()))
                    .handle((req, res) -> res.sendString(Mono.just("global"))).bindNow(DEADLINE);
            DisposableServer tcp = TcpServer.create().host("127.0.0.1").port(0)
                    .doOnConnection(c -> server.add(c.channel()))
                    .handle((in, out) -> out.sendString(in.receive().asString().map(m -> "tcp " + m)))
                    .bindNow(DEADLINE);
            try {
                assertEquals("global", HttpClient.create().doOnConnected(c -> client.add(c.channel())).get()
                        .uri("http://127.0.0.1:" + http.port() + "/").responseContent().aggregate().asString()
                        .block(DEADLINE));
                Connection conn = TcpClient.create().host("127.0.0.1").port(tcp.port()).connectNow(DEADLINE);
                client.add(conn.channel());
                java.util.concurrent.CompletableFuture<String> reply = conn.inbound().receive().asString().next().toFuture();
                conn.outbound().sendString(Mono.just("ping")).then().block(DEADLINE);
                assertEquals("tcp ping", reply.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
                conn.disposeNow(DEADLINE);
                Connection udp = UdpServer.create().host("127.0.0.1").port(0).bindNow(DEADLINE);
                assertSame(pollen.datagramChannelClass(), udp.channel().getClass());
                udp.disposeNow(DEADLINE);
                assertSame(pollen.serverSocketChannelClass(), http.channel().getClass());
                assertSame(pollen.serverSocketChannelClass(), tcp.channel().getClass());
                assertEquals(Set.of(pollen.socketChannelClass()), classes(server));
                assertEquals(Set.of(pollen.socketChannelClass()), classes(client));
                report("global HttpResources/TcpResources/UdpResources", classes(server), classes(client));
            } finally {
                http.disposeNow(DEADLINE);
                tcp.disposeNow(DEADLINE);
            }
        } finally {
            HttpResources.disposeLoopsAndConnectionsLater(Duration.ZERO, DEADLINE).block(DEADLINE);
            TcpResources.disposeLoopsAndConnectionsLater(Duration.ZERO, DEADLINE).block(DEADLINE);
            UdpResources.shutdownLater(Duration.ZERO, DEADLINE).block(DEADLINE);
        }
    }

    @Test
    void foreignGroupsGoToReactorNettysDefault() {
        LoopResources reactorOwn = LoopResources.create("reactor-own", 1, true);
        try {
            EventLoopGroup nio = reactorOwn.onServer(false);
            assertSame(NioSocketChannel.class, loops.onChannelClass(SocketChannel.class, nio));
        } finally {
            reactorOwn.disposeLater(Duration.ZERO, DEADLINE).block(DEADLINE);
        }
    }

    @Test
    void dnsResolverRunsOnPollen() throws Exception {
        // A DNS server of the test's own that answers every A query with 127.0.0.1.
        Queue<String> questions = new ConcurrentLinkedQueue<>();
        EventLoopGroup dnsGroup = Transport.nio().newEventLoopGroup(1);
        Channel dns = new io.netty.bootstrap.Bootstrap().group(dnsGroup).channel(io.netty.channel.socket.nio.NioDatagramChannel.class)
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new io.netty.channel.SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                                                                DatagramDnsQuery q) {
                                        DnsQuestion question = q.recordAt(DnsSection.QUESTION);
                                        questions.add(question.type() + " " + question.name());
                                        DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(), q.id());
                                        r.addRecord(DnsSection.QUESTION, question);
                                        if (question.type() == DnsRecordType.A) {
                                            r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(),
                                                    DnsRecordType.A, 60, Unpooled.wrappedBuffer(new byte[] {127, 0, 0, 1})));
                                        }
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Queue<Class<?>> asked = new ConcurrentLinkedQueue<>();
        LoopResources recording = new LoopResources() {
            @Override
            public EventLoopGroup onServer(boolean useNative) {
                return loops.onServer(useNative);
            }

            @Override
            public EventLoopGroup onClient(boolean useNative) {
                return loops.onClient(useNative);
            }

            @Override
            public <C extends Channel> C onChannel(Class<C> type, EventLoopGroup group) {
                C c = loops.onChannel(type, group);
                asked.add(c.getClass());
                return c;
            }

            @Override
            public <C extends Channel> Class<? extends C> onChannelClass(Class<C> type, EventLoopGroup group) {
                Class<? extends C> c = loops.onChannelClass(type, group);
                asked.add(c);
                return c;
            }
        };
        DisposableServer http = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .handle((req, res) -> res.sendString(Mono.just("resolved " + req.requestHeaders().get("Host"))))
                .bindNow(DEADLINE);
        try {
            InetSocketAddress dnsAddress = (InetSocketAddress) dns.localAddress();
            HttpClient c = HttpClient.create().runOn(recording)
                    .resolver(spec -> spec.dnsAddressResolverGroupProvider(b -> new DnsAddressResolverGroup(
                            b.nameServerProvider(new SingletonDnsServerAddressStreamProvider(dnsAddress))
                                    .resolvedAddressTypes(ResolvedAddressTypes.IPV4_ONLY))));
            assertEquals("resolved pollen.test:" + http.port(), c.get().uri("http://pollen.test:" + http.port() + "/")
                    .responseContent().aggregate().asString().block(DEADLINE));
            assertTrue(questions.stream().anyMatch(q -> q.startsWith("A(1) pollen.test")), questions.toString());
            assertTrue(asked.contains(pollen.datagramChannelClass()), asked.toString());
            assertTrue(asked.stream().allMatch(k -> k.getPackageName().equals("dev.pollen.channel." + pollen.name())),
                    asked.toString());
            report("DNS resolver, questions " + questions, Set.copyOf(asked));
        } finally {
            http.disposeNow(DEADLINE);
            dns.close().sync();
            dnsGroup.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
