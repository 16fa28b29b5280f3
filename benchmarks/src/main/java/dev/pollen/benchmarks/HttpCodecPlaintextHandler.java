package dev.pollen.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * GET /plaintext behind Netty's {@link HttpServerCodec}, the way TechEmpower's Netty entry serves it:
 * the codec decodes each request, this handler writes a full response object per request (the
 * codec encodes it), and flushes once per read batch; connections are kept alive. The encoded
 * response is byte for byte {@link PlaintextResponse}'s (same header names, case and order), so
 * the load client checks it the same way. Any other request, or one the codec could not decode,
 * closes the connection. Goes after an {@link HttpServerCodec} in the pipeline.
 */
final class HttpCodecPlaintextHandler extends ChannelInboundHandlerAdapter {
    private static final String PATH = "/plaintext";
    private static final AsciiString SERVER = AsciiString.cached("Server");
    private static final AsciiString DATE = AsciiString.cached("Date");
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    private static final AsciiString SERVER_NAME = AsciiString.cached("pollen-bench");
    // The body, its length and content type, and the header factories (validation off: the names
    // and values are constants) are HttpMinimalHandler's too.
    static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(13).writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)));
    static final AsciiString HELLO_LENGTH = AsciiString.cached(Integer.toString(HELLO.readableBytes()));
    static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

    private final PlaintextResponse response;

    HttpCodecPlaintextHandler(PlaintextResponse response) {
        this.response = response;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                HttpRequest req = (HttpRequest) msg;
                if (req.decoderResult().isFailure() || !HttpMethod.GET.equals(req.method()) || !PATH.equals(req.uri())) {
                    ctx.close();
                    return;
                }
                HttpHeaders headers = HEADERS.newHeaders();
                headers.set(SERVER, SERVER_NAME);
                headers.set(DATE, response.date());
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
