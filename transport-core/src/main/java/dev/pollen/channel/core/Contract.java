package dev.pollen.channel.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The constants of the backend contract that Java writes down again (interest, readiness and
 * capability bits, ctl operations, the pollen_event layout, option ids, address and datagram
 * constants), each beside the C name it must equal. When a library loads, its own values
 * ({@code NativeSocket.contractConstants()}) are compared with these; any difference, or a name
 * that one side has and the other lacks, makes the transport unavailable with a message that
 * names each one, instead of letting bits mean different things on the two sides.
 */
final class Contract {
    private static final Map<String, Long> JAVA = new LinkedHashMap<>();

    static {
        put("POLLEN_INTEREST_READ", Readiness.INTEREST_READ);
        put("POLLEN_INTEREST_WRITE", Readiness.INTEREST_WRITE);
        put("POLLEN_INTEREST_READ_CLOSED", Readiness.INTEREST_READ_CLOSED);
        put("POLLEN_INTEREST_ONESHOT", Readiness.INTEREST_ONESHOT);
        put("POLLEN_INTEREST_PRIORITY", Readiness.INTEREST_PRIORITY);
        put("POLLEN_READY_READABLE", Readiness.READABLE);
        put("POLLEN_READY_WRITABLE", Readiness.WRITABLE);
        put("POLLEN_READY_READ_CLOSED", Readiness.READ_CLOSED);
        put("POLLEN_READY_ERROR", Readiness.ERROR);
        put("POLLEN_READY_PRIORITY", Readiness.PRIORITY);
        put("POLLEN_CTL_ADD", PollerBackend.CTL_ADD);
        put("POLLEN_CTL_MOD", PollerBackend.CTL_MOD);
        put("POLLEN_CTL_DEL", PollerBackend.CTL_DEL);
        put("POLLEN_CAP_LEVEL", PollerBackend.CAP_LEVEL);
        put("POLLEN_CAP_ONESHOT", PollerBackend.CAP_ONESHOT);
        put("POLLEN_CAP_READ_CLOSED", PollerBackend.CAP_READ_CLOSED);
        put("POLLEN_CAP_NANO_TIMEOUT", PollerBackend.CAP_NANO_TIMEOUT);
        put("POLLEN_CAP_CLOSE_REMOVES", PollerBackend.CAP_CLOSE_REMOVES);
        put("POLLEN_CAP_PRIORITY", PollerBackend.CAP_PRIORITY);
        put("POLLEN_CAP_IO_BATCH", PollerBackend.CAP_IO_BATCH);
        put("POLLEN_CAP_IO_BATCH_POLL", PollerBackend.CAP_IO_BATCH_POLL);
        put("sizeof(pollen_event)", PollenIoHandler.EVENT_SIZE);
        put("offsetof(pollen_event, token)", PollenIoHandler.EVENT_TOKEN);
        put("offsetof(pollen_event, ready)", PollenIoHandler.EVENT_READY);
        put("sizeof(pollen_io)", IoBatch.IO_SIZE);
        put("offsetof(pollen_io, fd)", IoBatch.IO_FD);
        put("offsetof(pollen_io, result)", IoBatch.IO_RESULT);
        put("offsetof(pollen_io, iovcnt)", IoBatch.IO_IOVCNT);
        put("offsetof(pollen_io, op)", IoBatch.IO_OP);
        put("POLLEN_IO_SEND", IoBatch.OP_SEND);
        put("POLLEN_IO_RECV", IoBatch.OP_RECV);
        put("POLLEN_IO_POLL", IoBatch.OP_POLL);
        put("POLLEN_IO_CTL_ADD", IoBatch.OP_CTL_ADD);
        put("POLLEN_IO_CTL_MOD", IoBatch.OP_CTL_MOD);
        put("POLLEN_IO_CTL_DEL", IoBatch.OP_CTL_DEL);
        put("POLLEN_ADDR_SIZE", PollenSocket.ADDR_SIZE);
        put("POLLEN_SO_KEEPALIVE", PollenSocket.SO_KEEPALIVE);
        put("POLLEN_SO_REUSEADDR", PollenSocket.SO_REUSEADDR);
        put("POLLEN_SO_REUSEPORT", PollenSocket.SO_REUSEPORT);
        put("POLLEN_SO_RCVBUF", PollenSocket.SO_RCVBUF);
        put("POLLEN_SO_SNDBUF", PollenSocket.SO_SNDBUF);
        put("POLLEN_SO_LINGER", PollenSocket.SO_LINGER);
        put("POLLEN_SO_BROADCAST", PollenSocket.SO_BROADCAST);
        put("POLLEN_TCP_NODELAY", PollenSocket.TCP_NODELAY);
        put("POLLEN_IP_TOS", PollenSocket.IP_TOS);
        put("POLLEN_TCP_KEEPIDLE", PollenSocket.TCP_KEEPIDLE);
        put("POLLEN_TCP_KEEPINTVL", PollenSocket.TCP_KEEPINTVL);
        put("POLLEN_TCP_KEEPCNT", PollenSocket.TCP_KEEPCNT);
        put("POLLEN_TCP_USER_TIMEOUT", PollenSocket.TCP_USER_TIMEOUT);
        put("POLLEN_IPV6_V6ONLY", PollenSocket.IPV6_V6ONLY);
        put("POLLEN_TCP_CORK", PollenSocket.TCP_CORK);
        put("POLLEN_TCP_QUICKACK", PollenSocket.TCP_QUICKACK);
        put("POLLEN_TCP_NOTSENT_LOWAT", PollenSocket.TCP_NOTSENT_LOWAT);
        put("POLLEN_TCP_DEFER_ACCEPT", PollenSocket.TCP_DEFER_ACCEPT);
        put("POLLEN_TCP_FASTOPEN", PollenSocket.TCP_FASTOPEN);
        put("POLLEN_TCP_FASTOPEN_CONNECT", PollenSocket.TCP_FASTOPEN_CONNECT);
        put("POLLEN_IP_BIND_ADDRESS_NO_PORT", PollenSocket.IP_BIND_ADDRESS_NO_PORT);
        put("POLLEN_SO_BUSY_POLL", PollenSocket.SO_BUSY_POLL);
        put("POLLEN_IP_FREEBIND", PollenSocket.IP_FREEBIND);
        put("POLLEN_IP_TRANSPARENT", PollenSocket.IP_TRANSPARENT);
        put("POLLEN_TCP_NOPUSH", PollenSocket.TCP_NOPUSH);
        put("POLLEN_SO_SNDLOWAT", PollenSocket.SO_SNDLOWAT);
        put("POLLEN_SO_EXCLUSIVEADDRUSE", PollenSocket.SO_EXCLUSIVEADDRUSE);
        put("POLLEN_OPTION_MAX", PollenSocket.SO_EXCLUSIVEADDRUSE + 1); // the ids run 1..MAX-1 without gaps
        put("POLLEN_UNIX_STREAM", NativeUnix.STREAM);
        put("POLLEN_UNIX_DGRAM", NativeUnix.DGRAM);
        put("POLLEN_DGRAM_CAP_GSO", NativeDatagram.CAP_GSO);
        put("POLLEN_DGRAM_CAP_GRO", NativeDatagram.CAP_GRO);
        put("POLLEN_DGRAM_CAP_MMSG", NativeDatagram.CAP_MMSG);
        put("POLLEN_DGRAM_F_TRUNCATED", DatagramPacketArray.F_TRUNCATED);
        put("POLLEN_DGRAM_F_NO_CONTROL", DatagramPacketArray.F_NO_CONTROL);
        put("POLLEN_UNIX_FDS_LOST", NativeUnix.FDS_LOST);
    }

    private Contract() {
    }

    private static void put(String name, long value) {
        JAVA.put(name, value);
    }

    /** Compares the library's table with Java's; throws naming every difference. */
    static void check(String library, String nativeTable) {
        String differences = differences(nativeTable);
        if (!differences.isEmpty()) {
            throw new UnsatisfiedLinkError(library + " and Pollen's Java classes disagree on the contract ("
                    + differences + "): the jar and its native library come from different builds");
        }
    }

    /** "NAME: C 3, Java 4; ..." for every difference, empty if none. */
    static String differences(String nativeTable) {
        if (nativeTable == null) {
            return "the library gave no table of constants";
        }
        Map<String, Long> c = new TreeMap<>();
        for (String line : nativeTable.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.lastIndexOf('=');
            try {
                c.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
            } catch (RuntimeException e) {
                return "unreadable line '" + line + "' in the library's table";
            }
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Long> e : JAVA.entrySet()) {
            Long inC = c.remove(e.getKey());
            if (inC == null) {
                append(out, e.getKey() + ": not in the library, Java " + e.getValue());
            } else if (!inC.equals(e.getValue())) {
                append(out, e.getKey() + ": C " + inC + ", Java " + e.getValue());
            }
        }
        for (Map.Entry<String, Long> e : c.entrySet()) {
            append(out, e.getKey() + ": C " + e.getValue() + ", not in Java");
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String s) {
        out.append(out.length() == 0 ? "" : "; ").append(s);
    }
}
