package dev.pollen.channel.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load-time comparison of the library's contract constants with Java's: what a library from
 * another build would be refused with. (Every transport's own tests load a real library, which
 * passes the same check or the transport would be unavailable.)
 */
class ContractTest {
    /** Java's own table in the library's format: what a matching library returns. */
    private static String matching() {
        StringBuilder sb = new StringBuilder();
        sb.append("POLLEN_INTEREST_READ=1\nPOLLEN_INTEREST_WRITE=2\nPOLLEN_INTEREST_READ_CLOSED=4\n")
                .append("POLLEN_INTEREST_ONESHOT=8\nPOLLEN_INTEREST_PRIORITY=16\n")
                .append("POLLEN_READY_READABLE=1\nPOLLEN_READY_WRITABLE=2\nPOLLEN_READY_READ_CLOSED=4\n")
                .append("POLLEN_READY_ERROR=8\nPOLLEN_READY_PRIORITY=16\n")
                .append("POLLEN_CTL_ADD=1\nPOLLEN_CTL_MOD=2\nPOLLEN_CTL_DEL=3\n")
                .append("POLLEN_CAP_LEVEL=1\nPOLLEN_CAP_ONESHOT=2\nPOLLEN_CAP_READ_CLOSED=8\n")
                .append("POLLEN_CAP_NANO_TIMEOUT=16\nPOLLEN_CAP_CLOSE_REMOVES=32\nPOLLEN_CAP_PRIORITY=64\n")
                .append("POLLEN_CAP_IO_BATCH=128\nPOLLEN_CAP_IO_BATCH_POLL=256\n")
                .append("sizeof(pollen_event)=16\noffsetof(pollen_event, token)=0\noffsetof(pollen_event, ready)=8\n")
                .append("sizeof(pollen_io)=32\noffsetof(pollen_io, fd)=8\noffsetof(pollen_io, result)=16\n")
                .append("offsetof(pollen_io, iovcnt)=24\noffsetof(pollen_io, op)=28\n")
                .append("POLLEN_IO_SEND=0\nPOLLEN_IO_RECV=1\nPOLLEN_IO_POLL=2\n")
                .append("POLLEN_IO_CTL_ADD=3\nPOLLEN_IO_CTL_MOD=4\nPOLLEN_IO_CTL_DEL=5\n")
                .append("POLLEN_ADDR_SIZE=24\n");
        String[] options = {"SO_KEEPALIVE", "SO_REUSEADDR", "SO_REUSEPORT", "SO_RCVBUF", "SO_SNDBUF", "SO_LINGER",
            "SO_BROADCAST", "TCP_NODELAY", "IP_TOS", "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_USER_TIMEOUT",
            "IPV6_V6ONLY", "TCP_CORK", "TCP_QUICKACK", "TCP_NOTSENT_LOWAT", "TCP_DEFER_ACCEPT", "TCP_FASTOPEN",
            "TCP_FASTOPEN_CONNECT", "IP_BIND_ADDRESS_NO_PORT", "SO_BUSY_POLL", "IP_FREEBIND", "IP_TRANSPARENT",
            "TCP_NOPUSH", "SO_SNDLOWAT", "SO_EXCLUSIVEADDRUSE"};
        for (int i = 0; i < options.length; i++) {
            sb.append("POLLEN_").append(options[i]).append('=').append(i + 1).append('\n');
        }
        sb.append("POLLEN_OPTION_MAX=").append(options.length + 1).append('\n')
                .append("POLLEN_UNIX_STREAM=1\nPOLLEN_UNIX_DGRAM=2\n")
                .append("POLLEN_DGRAM_CAP_GSO=1\nPOLLEN_DGRAM_CAP_GRO=2\nPOLLEN_DGRAM_CAP_MMSG=3\n")
                .append("POLLEN_DGRAM_F_TRUNCATED=1\nPOLLEN_DGRAM_F_NO_CONTROL=256\n").append("POLLEN_UNIX_FDS_LOST=65536\n");
        return sb.toString();
    }

    @Test
    void aMatchingTableHasNoDifferences() {
        assertEquals("", Contract.differences(matching()));
        Contract.check("libtest.so", matching());
    }

    @Test
    void aDifferentValueIsNamedWithBothSides() {
        String table = matching().replace("POLLEN_CAP_NANO_TIMEOUT=16", "POLLEN_CAP_NANO_TIMEOUT=4");
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> Contract.check("libtest.so", table));
        assertEquals("libtest.so and Pollen's Java classes disagree on the contract (POLLEN_CAP_NANO_TIMEOUT: C 4, "
                + "Java 16): the jar and its native library come from different builds", e.getMessage());
    }

    @Test
    void namesOnOneSideOnlyAreNamed() {
        String table = matching().replace("POLLEN_READY_ERROR=8\n", "") + "POLLEN_READY_URGENT=32\n";
        String d = Contract.differences(table);
        assertTrue(d.contains("POLLEN_READY_ERROR: not in the library, Java 8"), d);
        assertTrue(d.contains("POLLEN_READY_URGENT: C 32, not in Java"), d);
        String shifted = matching().replace("sizeof(pollen_event)=16", "sizeof(pollen_event)=24");
        assertEquals("sizeof(pollen_event): C 24, Java 16", Contract.differences(shifted));
    }

    @Test
    void noTableOrAnUnreadableOneIsRefused() {
        assertEquals("the library gave no table of constants", Contract.differences(null));
        assertTrue(Contract.differences("POLLEN_CTL_ADD=one\n").contains("unreadable line 'POLLEN_CTL_ADD=one'"));
        assertThrows(UnsatisfiedLinkError.class, () -> Contract.check("libtest.so", ""));
    }
}
