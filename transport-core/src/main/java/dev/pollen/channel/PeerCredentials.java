package dev.pollen.channel;

import java.util.Arrays;

/**
 * The credentials of a Unix domain socket's peer, as the kernel recorded them when it connected
 * (SO_PEERCRED on Linux; LOCAL_PEERCRED or getpeereid on the BSDs and macOS).
 */
public final class PeerCredentials {
    private final int pid;
    private final int uid;
    private final int[] gids;

    public PeerCredentials(int pid, int uid, int... gids) {
        this.pid = pid;
        this.uid = uid;
        this.gids = gids.clone();
    }

    /** The peer's process id, or -1 where the platform does not report it. */
    public int pid() {
        return pid;
    }

    public int uid() {
        return uid;
    }

    /** The peer's group ids, primary group first; supplementary groups where the kernel reports them. */
    public int[] gids() {
        return gids.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PeerCredentials)) {
            return false;
        }
        PeerCredentials p = (PeerCredentials) o;
        return pid == p.pid && uid == p.uid && Arrays.equals(gids, p.gids);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * pid + uid) + Arrays.hashCode(gids);
    }

    @Override
    public String toString() {
        return "PeerCredentials{pid=" + pid + ", uid=" + uid + ", gids=" + Arrays.toString(gids) + '}';
    }
}
