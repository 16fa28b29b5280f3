package dev.pollen.channel.core;

/** The interest and readiness bits shared by every backend (pollen_poller.h). */
public final class Readiness {
    public static final int INTEREST_READ = 0x1;
    public static final int INTEREST_WRITE = 0x2;
    public static final int INTEREST_READ_CLOSED = 0x4;
    /** One event, then none until the registration is modified (where the backend has CAP_ONESHOT). */
    public static final int INTEREST_ONESHOT = 0x8;
    /** Urgent (out-of-band) data, where the backend has {@link PollerBackend#CAP_PRIORITY}. */
    public static final int INTEREST_PRIORITY = 0x10;

    public static final int READABLE = 0x1;
    public static final int WRITABLE = 0x2;
    public static final int READ_CLOSED = 0x4;
    public static final int ERROR = 0x8;
    public static final int PRIORITY = 0x10;

    private static final String[] INTEREST_NAMES = {"READ", "WRITE", "READ_CLOSED", "ONESHOT", "PRIORITY"};
    private static final String[] READY_NAMES = {"READABLE", "WRITABLE", "READ_CLOSED", "ERROR", "PRIORITY"};

    private Readiness() {
    }

    /** e.g. {@code READ|READ_CLOSED}, or {@code NONE}. */
    public static String interestToString(int interest) {
        return names(interest, INTEREST_NAMES);
    }

    /** e.g. {@code READABLE|ERROR}, or {@code NONE}. */
    public static String readyToString(int ready) {
        return names(ready, READY_NAMES);
    }

    /** The names of the set bits, joined with '|' (bit i is names[i]); "NONE" when none is set. */
    public static String names(int bits, String[] names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((bits & (1 << i)) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(names[i]);
            }
        }
        return sb.length() == 0 ? "NONE" : sb.toString();
    }
}
