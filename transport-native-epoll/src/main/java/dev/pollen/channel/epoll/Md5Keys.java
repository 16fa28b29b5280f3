package dev.pollen.channel.epoll;

import dev.pollen.channel.core.PollenSocket;
import io.netty.channel.ChannelException;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** The TCP_MD5SIG keys of one socket: setting a new map installs its keys and removes the others. */
final class Md5Keys {
    /** TCP_MD5SIG_MAXKEYLEN in linux/tcp.h. */
    private static final int MAX_KEY_LENGTH = 80;

    private final PollenSocket socket;
    private Map<InetAddress, byte[]> keys = Collections.emptyMap();

    Md5Keys(PollenSocket socket) {
        this.socket = socket;
    }

    synchronized Map<InetAddress, byte[]> keys() {
        return keys;
    }

    synchronized void set(Map<InetAddress, byte[]> wanted) {
        for (Map.Entry<InetAddress, byte[]> e : wanted.entrySet()) {
            byte[] key = e.getValue();
            if (e.getKey() == null || key == null || key.length == 0 || key.length > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("TCP_MD5SIG: each peer needs a key of 1 to " + MAX_KEY_LENGTH
                        + " bytes: " + e.getKey());
            }
        }
        try {
            for (InetAddress old : keys.keySet()) {
                if (!wanted.containsKey(old)) {
                    socket.setMd5Sig(old, new byte[0]);
                }
            }
            Map<InetAddress, byte[]> copy = new HashMap<>();
            for (Map.Entry<InetAddress, byte[]> e : wanted.entrySet()) {
                socket.setMd5Sig(e.getKey(), e.getValue());
                copy.put(e.getKey(), e.getValue().clone());
            }
            keys = Collections.unmodifiableMap(copy);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }
}
