package dev.pollen.grpc;

import io.grpc.ServerCredentials;
import io.grpc.ServerProvider;
import io.grpc.netty.NettyServerBuilder;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gRPC's {@link ServerProvider} for Pollen, found through {@code META-INF/services}: with
 * {@code dev.pollen:pollen-grpc} on the class path, {@link io.grpc.Grpc#newServerBuilderForPort} and
 * {@link io.grpc.ServerBuilder#forPort} give {@link NettyServerBuilder}s configured by
 * {@link PollenGrpc#configure(NettyServerBuilder)}. Available only where
 * {@link PollenGrpc#transport()} is a Pollen transport; priority {@value #PRIORITY}, above Netty's
 * own provider (5), which still serves where Pollen cannot, and every server with
 * {@code -Dpollen.transport=nio}.
 */
public final class PollenServerProvider extends ServerProvider {
    static final int PRIORITY = 6;
    private static final Logger logger = Logger.getLogger(PollenServerProvider.class.getName());

    /** For the ServiceLoader. */
    public PollenServerProvider() {
    }

    /**
     * True where {@link PollenGrpc#transport()} is a Pollen transport. Never throws (gRPC asks so):
     * a transport forced with {@code -Dpollen.transport} that cannot be used is logged and counts as
     * unavailable.
     */
    @Override
    public boolean isAvailable() {
        return pollenAvailable(this);
    }

    static boolean pollenAvailable(Object provider) {
        try {
            return PollenGrpc.transport().isPollen();
        } catch (RuntimeException | LinkageError e) {
            logger.log(Level.WARNING, provider.getClass().getSimpleName()
                    + " is unavailable: the transport -Dpollen.transport names cannot be used here", e);
            return false;
        }
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    protected NettyServerBuilder builderForPort(int port) {
        return PollenGrpc.configure(NettyServerBuilder.forPort(port));
    }

    @Override
    protected NewServerBuilderResult newServerBuilderForPort(int port, ServerCredentials creds) {
        NettyServerBuilder builder;
        try {
            builder = NettyServerBuilder.forPort(port, creds);
        } catch (IllegalArgumentException unsupportedCredentials) {
            return NewServerBuilderResult.error(String.valueOf(unsupportedCredentials.getMessage()));
        }
        return NewServerBuilderResult.serverBuilder(PollenGrpc.configure(builder));
    }
}
