package dev.pollen.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;

/**
 * A deliberately small HTTP/1.1 server for GET /plaintext: finds each request's end (the empty line
 * after the headers; requests have no body), answers every complete request of a read batch in one
 * buffer, flushes at the end of the batch. Pipelined requests split across reads are kept until
 * complete. Anything but {@code GET /plaintext } closes the connection. In churn mode the
 * connection is closed after the first response.
 */
final class HttpPlaintextHandler extends ChannelInboundHandlerAdapter {
    private static final byte[] REQUEST_LINE_START = "GET /plaintext ".getBytes(StandardCharsets.US_ASCII);
    /** Requests larger than this (headers included) are refused. */
    private static final int MAX_REQUEST = 8192;

    private final PlaintextResponse response;
    private final boolean closeAfterResponse;
    private ByteBuf pending;
    private ByteBuf out;
    private boolean done;

    HttpPlaintextHandler(PlaintextResponse response, boolean closeAfterResponse) {
        this.response = response;
        this.closeAfterResponse = closeAfterResponse;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (done) {
            in.release();
            return;
        }
        if (pending != null) {
            if (pending.writableBytes() < in.readableBytes()) {
                ByteBuf bigger = ctx.alloc().buffer(pending.readableBytes() + in.readableBytes());
                bigger.writeBytes(pending);
                pending.release();
                pending = bigger;
            }
            pending.writeBytes(in);
            in.release();
            in = pending;
            pending = null;
        }
        try {
            int requests = parse(in);
            if (requests < 0) {
                done = true;
                ctx.close();
                return;
            }
            if (requests > 0) {
                byte[] r = response.bytes();
                if (out == null) {
                    out = ctx.alloc().directBuffer(r.length * requests);
                }
                for (int i = 0; i < requests; i++) {
                    out.writeBytes(r);
                }
                if (closeAfterResponse) {
                    done = true;
                    ByteBuf o = out;
                    out = null;
                    ctx.writeAndFlush(o).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            }
            if (in.isReadable()) {
                if (in.readableBytes() > MAX_REQUEST) {
                    done = true;
                    ctx.close();
                    return;
                }
                pending = ctx.alloc().buffer(Math.max(256, in.readableBytes() * 2));
                pending.writeBytes(in);
            }
        } finally {
            in.release();
        }
    }

    /** Consumes every complete request of {@code in}; returns how many, or -1 for a bad one. */
    private static int parse(ByteBuf in) {
        int count = 0;
        int end = in.writerIndex();
        int start = in.readerIndex();
        int lineStart = start;
        while (true) {
            int lf = in.indexOf(lineStart, end, (byte) '\n');
            if (lf < 0) {
                break;
            }
            if (lf - lineStart == 1 && in.getByte(lineStart) == '\r') {
                // Empty line: the request that began at start is complete.
                if (!startsWithRequestLine(in, start)) {
                    return -1;
                }
                count++;
                start = lf + 1;
                in.readerIndex(start);
            }
            lineStart = lf + 1;
        }
        return count;
    }

    private static boolean startsWithRequestLine(ByteBuf in, int at) {
        for (int i = 0; i < REQUEST_LINE_START.length; i++) {
            if (in.getByte(at + i) != REQUEST_LINE_START[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ByteBuf o = out;
        if (o != null) {
            out = null;
            ctx.writeAndFlush(o, ctx.voidPromise());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (out != null) {
            out.release();
            out = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

}
