package dev.pollen.benchmarks;

import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The TechEmpower "plaintext" response, byte for byte the same as the C reference server's
 * ({@code ref_server.c}). Only the 29-byte Date value changes, once a second. Used from the event
 * loop thread only.
 */
final class PlaintextResponse {
    /** Fixed width (two-digit day), as in RFC 7231's IMF-fixdate. */
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private byte[] bytes;
    private AsciiString date;

    PlaintextResponse() {
        refresh();
    }

    void refresh() {
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DATE);
        this.date = AsciiString.cached(date);
        bytes = ("HTTP/1.1 200 OK\r\n"
                + "Server: pollen-bench\r\n"
                + "Date: " + date + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: 13\r\n"
                + "\r\n"
                + "Hello, World!").getBytes(StandardCharsets.US_ASCII);
    }

    byte[] bytes() {
        return bytes;
    }

    /** The Date header's value in {@link #bytes()}. */
    AsciiString date() {
        return date;
    }
}
