package dev.pollen.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tiny gRPC service without protoc: a unary "echo" and a bidirectional stream that answers every
 * message, both over a UTF-8 string marshaller.
 */
final class Echo {
    static final String SERVICE = "pollen.test.Echo";
    static final long DEADLINE_SECONDS = 60;

    static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<String, String> UNARY = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Unary"))
            .setRequestMarshaller(UTF8)
            .setResponseMarshaller(UTF8)
            .build();

    static final MethodDescriptor<String, String> BIDI = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Bidi"))
            .setRequestMarshaller(UTF8)
            .setResponseMarshaller(UTF8)
            .build();

    private Echo() {
    }

    /** The service; {@code onServerCall} runs on the thread that handles each request message. */
    static ServerServiceDefinition service(Runnable onServerCall) {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((String request, StreamObserver<String> response) -> {
                    onServerCall.run();
                    response.onNext("echo:" + request);
                    response.onCompleted();
                }))
                .addMethod(BIDI, ServerCalls.asyncBidiStreamingCall(response -> new StreamObserver<String>() {
                    @Override
                    public void onNext(String message) {
                        onServerCall.run();
                        response.onNext("echo:" + message);
                    }

                    @Override
                    public void onError(Throwable t) {
                        response.onError(t);
                    }

                    @Override
                    public void onCompleted() {
                        response.onNext("done");
                        response.onCompleted();
                    }
                }))
                .build();
    }

    static ServerServiceDefinition service() {
        return service(() -> { });
    }

    /** {@code count} blocking unary calls, one of them with a 1 MiB message; each answer checked. */
    static void unary(Channel channel, int count) {
        for (int i = 0; i < count; i++) {
            String request = i == count / 2 ? "x".repeat(1 << 20) : "hello-" + i;
            String response = ClientCalls.blockingUnaryCall(channel, UNARY, options(), request);
            assertEquals("echo:" + request, response);
        }
    }

    /** A unary call whose answer arrives through an observer; {@code onResponse} runs on the thread that delivers it. */
    static String asyncUnary(Channel channel, String request, Runnable onResponse) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(channel.newCall(UNARY, options()), request, new StreamObserver<String>() {
            @Override
            public void onNext(String value) {
                onResponse.run();
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.completeExceptionally(new AssertionError("no response"));
            }
        });
        return result.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** One bidirectional stream: {@code count} messages each way, then "done"; every answer checked, in order. */
    static void bidi(Channel channel, int count) throws Exception {
        List<String> received = new ArrayList<>();
        CompletableFuture<List<String>> finished = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(BIDI, options()),
                new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        synchronized (received) {
                            received.add(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        finished.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        synchronized (received) {
                            finished.complete(new ArrayList<>(received));
                        }
                    }
                });
        for (int i = 0; i < count; i++) {
            requests.onNext("m" + i + "-" + "y".repeat(i % 200));
        }
        requests.onCompleted();
        List<String> answers = finished.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertEquals(count + 1, answers.size(), "answers");
        for (int i = 0; i < count; i++) {
            assertEquals("echo:m" + i + "-" + "y".repeat(i % 200), answers.get(i));
        }
        assertEquals("done", answers.get(count));
    }

    static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
}
