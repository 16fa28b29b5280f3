package dev.pollen.benchmarks.micro;

import dev.pollen.channel.core.PollenSocket;
import io.netty.util.internal.PlatformDependent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One write and one read through JNI on a connected loopback TCP pair: {@code size} bytes sent from
 * one end, then read at the other (all of them: a short read is followed by another). Pollen's
 * {@link PollenSocket#send}/{@link PollenSocket#recv} against Netty's
 * {@code io.netty.channel.unix.Socket#sendAddress}/{@code recvAddress}, the calls their epoll
 * stream channels make, on non-blocking sockets of their own making. Score: time per send+recv pair.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SocketIoBenchmark {
    private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    @Param({"pollen", "netty"})
    public String impl;

    @Param({"64", "16384"})
    public int size;

    private ByteBuffer sendBuf;
    private ByteBuffer recvBuf;
    private long sendAddress;
    private long recvAddress;

    private PollenSocket pollenListener;
    private PollenSocket pollenClient;
    private PollenSocket pollenServer;
    private io.netty.channel.unix.Socket nettyListener;
    private io.netty.channel.unix.Socket nettyClient;
    private io.netty.channel.unix.Socket nettyServer;

    @Setup
    public void setup() throws Exception {
        sendBuf = ByteBuffer.allocateDirect(size);
        recvBuf = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            sendBuf.put(i, (byte) (i * 31 + 7));
        }
        sendAddress = PlatformDependent.directBufferAddress(sendBuf);
        recvAddress = PlatformDependent.directBufferAddress(recvBuf);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
        if ("pollen".equals(impl)) {
            dev.pollen.channel.epoll.Epoll.ensureAvailability();
            pollenListener = PollenSocket.newStreamSocket();
            pollenListener.bind(any);
            pollenListener.listen(16);
            pollenClient = PollenSocket.newStreamSocket();
            pollenClient.setOption(PollenSocket.TCP_NODELAY, 1);
            boolean connected = pollenClient.connect(pollenListener.localAddress());
            while (!connected) {
                pause(deadline);
                connected = pollenClient.finishConnect();
            }
            byte[] remote = new byte[24];
            while ((pollenServer = pollenListener.accept(remote)) == null) {
                pause(deadline);
            }
            pollenServer.setOption(PollenSocket.TCP_NODELAY, 1);
        } else if ("netty".equals(impl)) {
            io.netty.channel.epoll.Epoll.ensureAvailability();
            nettyListener = io.netty.channel.unix.Socket.newSocketStream();
            nettyListener.bind(any);
            nettyListener.listen(16);
            nettyClient = io.netty.channel.unix.Socket.newSocketStream();
            nettyClient.setTcpNoDelay(true);
            boolean connected = nettyClient.connect(nettyListener.localAddress());
            while (!connected) {
                pause(deadline);
                connected = nettyClient.finishConnect();
            }
            byte[] remote = new byte[26];
            int fd;
            while ((fd = nettyListener.accept(remote)) < 0) {
                pause(deadline);
            }
            nettyServer = new io.netty.channel.unix.Socket(fd);
            nettyServer.setTcpNoDelay(true);
        } else {
            throw new IllegalArgumentException("impl: pollen or netty, not " + impl);
        }
        // The bytes arrive intact.
        if (sendAndReceive() != size) {
            throw new IllegalStateException(impl + ": short transfer");
        }
        for (int i = 0; i < size; i++) {
            if (recvBuf.get(i) != sendBuf.get(i)) {
                throw new IllegalStateException(impl + ": byte " + i + " differs");
            }
        }
    }

    private static void pause(long deadline) throws IOException {
        if (System.nanoTime() > deadline) {
            throw new IOException("loopback connection not established in time");
        }
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Benchmark
    public int sendAndReceive() throws IOException {
        int got = 0;
        if (pollenClient != null) {
            int sent = pollenClient.send(sendAddress, size);
            if (sent != size) {
                throw new IOException("pollen: sent " + sent + " of " + size);
            }
            while (got < size) {
                int n = pollenServer.recv(recvAddress + got, size - got);
                if (n < 0) {
                    throw new IOException("pollen: end of stream");
                }
                got += n;
            }
        } else {
            int sent = nettyClient.sendAddress(sendAddress, 0, size);
            if (sent != size) {
                throw new IOException("netty: sent " + sent + " of " + size);
            }
            while (got < size) {
                int n = nettyServer.recvAddress(recvAddress, got, size);
                if (n < 0) {
                    throw new IOException("netty: end of stream");
                }
                got += n;
            }
        }
        return got;
    }

    @TearDown
    public void tearDown() throws IOException {
        if (pollenClient != null) {
            pollenClient.close();
            pollenServer.close();
            pollenListener.close();
        }
        if (nettyClient != null) {
            nettyClient.close();
            nettyServer.close();
            nettyListener.close();
        }
    }
}
