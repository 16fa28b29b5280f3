package dev.pollen.channel;

import io.netty.channel.ChannelOption;

import java.nio.ByteBuffer;

/**
 * Any socket option by the platform's own level and name, as raw bytes: set with a buffer's
 * remaining bytes, read into a buffer of {@link #length()} bytes.
 */
public final class RawSocketOption extends ChannelOption<ByteBuffer> {
    private final int level;
    private final int optname;
    private final int length;

    @SuppressWarnings("deprecation")
    public RawSocketOption(String name, int level, int optname, int length) {
        super(name);
        if (length <= 0 || length > 256) {
            throw new IllegalArgumentException("length must be in [1, 256]: " + length);
        }
        this.level = level;
        this.optname = optname;
        this.length = length;
    }

    public int level() {
        return level;
    }

    public int optname() {
        return optname;
    }

    public int length() {
        return length;
    }

    @Override
    public void validate(ByteBuffer value) {
        super.validate(value);
        if (value.remaining() > 256) {
            throw new IllegalArgumentException(name() + ": at most 256 bytes, got " + value.remaining());
        }
    }
}
