package dev.pollen.channel;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Linux abstract-namespace Unix socket address: a name that lives in no file system and
 * vanishes with the last socket bound to it. {@link java.net.UnixDomainSocketAddress} cannot
 * hold one (its sun_path starts with a NUL byte), hence this type.
 */
public final class AbstractNamespaceAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    private final byte[] name;

    private AbstractNamespaceAddress(byte[] name) {
        this.name = name;
    }

    /** The abstract name {@code name}, encoded as UTF-8 (without the leading NUL). */
    public static AbstractNamespaceAddress of(String name) {
        return new AbstractNamespaceAddress(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The abstract name made of exactly these bytes (without the leading NUL); NUL bytes are allowed. */
    public static AbstractNamespaceAddress of(byte[] name) {
        return new AbstractNamespaceAddress(name.clone());
    }

    /** The name decoded as UTF-8. */
    public String name() {
        return new String(name, StandardCharsets.UTF_8);
    }

    /** The name's bytes, without the leading NUL. */
    public byte[] bytes() {
        return name.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AbstractNamespaceAddress && Arrays.equals(name, ((AbstractNamespaceAddress) o).name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name);
    }

    /** {@code @name}, as ss(8) and /proc/net/unix show abstract names. */
    @Override
    public String toString() {
        return '@' + name();
    }
}
