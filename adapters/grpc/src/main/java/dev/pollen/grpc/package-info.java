/**
 * gRPC-java on Pollen: {@link dev.pollen.grpc.PollenGrpc} configures a
 * {@link io.grpc.netty.NettyServerBuilder} or {@link io.grpc.netty.NettyChannelBuilder} in one call,
 * {@link dev.pollen.grpc.PollenChannelBuilder} is a channel builder on Pollen, and the ServiceLoader
 * providers ({@link dev.pollen.grpc.PollenServerProvider}, {@link dev.pollen.grpc.PollenChannelProvider})
 * put {@code Grpc.newServerBuilderForPort(..)} and {@code Grpc.newChannelBuilder(..)} on Pollen with
 * no code. Every path uses {@link dev.pollen.transport.Transport#select()}, so it runs on Netty's NIO,
 * with the reason, where no Pollen transport loads. This package is API.
 */
package dev.pollen.grpc;
