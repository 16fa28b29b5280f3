package dev.pollen.benchmarks;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import static dev.pollen.benchmarks.HttpCodecPlaintextHandler.HEADERS;
import static dev.pollen.benchmarks.HttpCodecPlaintextHandler.HELLO;
import static dev.pollen.benchmarks.HttpCodecPlaintextHandler.HELLO_LENGTH;
import static dev.pollen.benchmarks.HttpCodecPlaintextHandler.TEXT_PLAIN;
import static dev.pollen.benchmarks.HttpCodecPlaintextHandler.TRAILERS;

/**
 * The smallest useful HTTP server behind Netty's {@link HttpServerCodec}: ONE instance shared by
 * every connection answers each decoded request,
 * whatever its method and path, with a full response carrying only {@code content-type} and
 * {@code content-length}, written with the void promise and flushed once per read batch. On the
 * wire the response is exactly these 78 bytes (the load client's {@code -R min}):
 * <pre>HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!</pre>
 * A request the codec could not decode closes the connection. Goes after an
 * {@link HttpServerCodec} in the pipeline.
 */
@ChannelHandler.Sharable
final class HttpMinimalHandler extends ChannelInboundHandlerAdapter {
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                if (((HttpRequest) msg).decoderResult().isFailure()) {
                    ctx.close();
                    return;
                }
                HttpHeaders headers = HEADERS.newHeaders();
                headers.set(CONTENT_TYPE, TEXT_PLAIN);
                headers.set(CONTENT_LENGTH, HELLO_LENGTH);
                ctx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, HELLO.duplicate(),
                        headers, TRAILERS.newEmptyHeaders()), ctx.voidPromise());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
