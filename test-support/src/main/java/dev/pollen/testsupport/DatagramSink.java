package dev.pollen.testsupport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.CharsetUtil;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects datagrams (copied out, the buffers released at once), counts reads per read-complete, records exceptions. */
public class DatagramSink extends SimpleChannelInboundHandler<DatagramPacket> {
    public final BlockingQueue<Received> packets = new LinkedBlockingQueue<>();
    public final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    public final List<Integer> readsPerBatch = new CopyOnWriteArrayList<>();
    private int reads;

    /** One received datagram. */
    public static final class Received {
        public final byte[] data;
        public final InetSocketAddress sender;
        public final InetSocketAddress recipient;

        public Received(DatagramPacket p) {
            data = new byte[p.content().readableBytes()];
            p.content().getBytes(p.content().readerIndex(), data);
            sender = p.sender();
            recipient = p.recipient();
        }

        public String text() {
            return new String(data, CharsetUtil.UTF_8);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
        reads++;
        packets.add(new Received(msg));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (reads > 0) {
            readsPerBatch.add(reads);
        }
        reads = 0;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.add(cause);
    }

    /** The next datagram, waiting up to {@link TransportTestSupport#DEADLINE_SECONDS}. */
    public Received take() throws InterruptedException {
        Received r = packets.poll(TransportTestSupport.DEADLINE_SECONDS, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no datagram within " + TransportTestSupport.DEADLINE_SECONDS + " s");
        }
        return r;
    }

    /** Fails if a datagram arrives within half a second (a check that nothing comes). */
    public void assertNothing() throws InterruptedException {
        Received r = packets.poll(500, TimeUnit.MILLISECONDS);
        if (r != null) {
            throw new AssertionError("unexpected datagram: " + r.text());
        }
    }
}
