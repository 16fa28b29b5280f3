/*
 * Native memory (allocateMemory, freeMemory, bufferAddress, addressSize) and the data path
 * through it: send/recv, writev over {base, len} pairs, a transfer
 * larger than the socket buffers (EAGAIN, then WRITABLE), half-close, reset, close, and an IPv6
 * (and dual-stack) connection.
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"

/* The iovec layout writev reads: { void *base; size_t len; }, 16 bytes on x64. */
typedef struct iov_pair {
    void *base;
    size_t len;
} iov_pair;
_Static_assert(sizeof(iov_pair) == 16, "iovec pairs are 16 bytes");

#define T_SERVER 11
#define T_CLIENT 12

/* Memory the library allocates as a direct buffer and frees again. */
static void check_memory(void) {
    int misuses = fake_jni_misuse_count();
    check_eq("addressSize is 8 on the 64-bit DLL", SN0(addressSize), 8);
    check_eq("descriptorOf(NULL) is -EINVAL", SN(descriptorOf, NULL), -errno_of(IX_EINVAL));
    jobject b = SN(allocateMemory, 64);
    if (!check("allocateMemory(64) returns a buffer", b != NULL, "NULL")) {
        return;
    }
    check_eq("its capacity is 64", (*fake_env)->GetDirectBufferCapacity(fake_env, b), 64);
    unsigned char *m = (unsigned char *) (intptr_t) SN(bufferAddress, b);
    check("bufferAddress of it is not 0, and is the buffer's address", m != NULL
          && m == (*fake_env)->GetDirectBufferAddress(fake_env, b), "%p", (void *) m);
    if (m != NULL) {
        int nonzero = 0, wrong = 0;
        for (int i = 0; i < 64; i++) {
            nonzero += m[i] != 0;
            m[i] = (unsigned char) (0xa5 ^ i);
        }
        for (int i = 0; i < 64; i++) {
            wrong += m[i] != (unsigned char) (0xa5 ^ i);
        }
        check("its 64 bytes are zero", nonzero == 0, "%d bytes not zero", nonzero);
        check("its 64 bytes are writable", wrong == 0, "%d bytes read back wrong", wrong);
    }
    SN(freeMemory, b);
    check("freeMemory frees it (no crash, no JNI misuse)", fake_jni_misuse_count() == misuses, "%d misuses",
          fake_jni_misuse_count() - misuses);
    check("allocateMemory(0) returns NULL", SN(allocateMemory, 0) == NULL, "a buffer");
    check("allocateMemory(-1) returns NULL", SN(allocateMemory, -1) == NULL, "a buffer");
    check("no exception pending after allocateMemory(0) and (-1)", !fake_jni_exception_pending(), "%s pending",
          fake_jni_exception_class());
    check_eq("bufferAddress(NULL) is 0", SN(bufferAddress, NULL), 0);
    SN(freeMemory, NULL);
    check("freeMemory(NULL) is harmless", fake_jni_misuse_count() == misuses, "%d misuses",
          fake_jni_misuse_count() - misuses);
}

static void check_writev(jlong p, jint c, jint s) {
    static const char head[] = "head:", tail[] = ":tail";
    enum { MID = 3000 };
    unsigned char *mid = malloc(MID);
    for (int i = 0; i < MID; i++) {
        mid[i] = (unsigned char) (i * 7 + 3);
    }
    iov_pair *iov = malloc(3 * sizeof(iov_pair));
    iov[0].base = (void *) head;
    iov[0].len = 5;
    iov[1].base = mid;
    iov[1].len = MID;
    iov[2].base = (void *) tail;
    iov[2].len = 5;
    jlong n = SN(writev, c, ADDR(iov), 3);
    check_eq("writev of three pairs returns their total length", n, 5 + MID + 5);
    unsigned char *in = malloc(5 + MID + 5);
    int ok = recv_all(p, s, T_SERVER, in, 5 + MID + 5) == 0;
    check("the peer receives the three pieces in order",
          ok && memcmp(in, head, 5) == 0 && memcmp(in + 5, mid, MID) == 0 && memcmp(in + 5 + MID, tail, 5) == 0,
          "received %s", ok ? "different bytes" : "too few bytes");
    check_eq("writev with a count of 0 sends nothing", SN(writev, c, ADDR(iov), 0), 0);
    check("iovMax is at least 16", SN0(iovMax) >= 16, "iovMax %ld", (long) SN0(iovMax));
    free(iov);
    free(in);
    free(mid);
}

/* More than the socket buffers hold: the sender meets EAGAIN and waits for WRITABLE. */
static void check_bulk(jlong p, jint c, jint s) {
    enum { TOTAL = 4 * 1024 * 1024, CHUNK = 65536 };
    unsigned char *out = malloc(CHUNK), *in = malloc(CHUNK);
    pollen_event ev[8];
    int sent = 0, received = 0, eagain = 0, mismatch = 0, error = 0;
    /* Small buffers, so the sender meets EAGAIN however fast the receiver drains. */
    check_eq("setOption(SO_SNDBUF, 32 KiB) on the sender returns 0", SN(setOption, c, POLLEN_SO_SNDBUF, 32768), 0);
    check_eq("setOption(SO_RCVBUF, 32 KiB) on the receiver returns 0", SN(setOption, s, POLLEN_SO_RCVBUF, 32768), 0);
    check_eq("pollerCtl ADD client WRITE returns 0", PN(pollerCtl, p, POLLEN_CTL_ADD, c, POLLEN_INTEREST_WRITE, T_CLIENT), 0);
    check_eq("pollerCtl ADD server READ returns 0", PN(pollerCtl, p, POLLEN_CTL_ADD, s, POLLEN_INTEREST_READ, T_SERVER), 0);
    double deadline = now_ms() + 60000;
    while (received < TOTAL && !error && now_ms() < deadline) {
        /* Fill the client's buffer until EAGAIN, then drain what arrived. */
        while (sent < TOTAL) {
            int len = TOTAL - sent < CHUNK ? TOTAL - sent : CHUNK;
            for (int i = 0; i < len; i++) {
                out[i] = (unsigned char) ((sent + i) * 31 >> 3);
            }
            jint n = SN(send, c, ADDR(out), len);
            if (n == -E(EAGAIN)) {
                eagain++;
                break;
            }
            if (n <= 0) {
                printf("  send returned %ld after %d bytes\n", (long) n, sent);
                error = 1;
                break;
            }
            sent += n;
        }
        jint n = PN(pollerWait, p, ADDR(ev), 8, 1000000000LL);
        if (n < 0) {
            printf("  pollerWait returned %ld\n", (long) n);
            error = 1;
        }
        for (;;) {
            jint r = SN(recv, s, ADDR(in), CHUNK);
            if (r == -E(EAGAIN)) {
                break;
            }
            if (r <= 0) {
                printf("  recv returned %ld after %d bytes\n", (long) r, received);
                error = 1;
                break;
            }
            for (jint i = 0; i < r; i++) {
                mismatch += in[i] != (unsigned char) ((received + i) * 31 >> 3);
            }
            received += r;
        }
    }
    check("4 MiB cross the connection intact through send/recv", received == TOTAL && mismatch == 0 && !error,
          "received %d of %d bytes, %d wrong", received, TOTAL, mismatch);
    check("the sender met -EAGAIN (a full send buffer) on the way", eagain > 0, "never");
    int r = wait_token(p, ev, 8, T_CLIENT);
    check("the drained client reports WRITABLE", r >= 0 && (r & POLLEN_READY_WRITABLE), "ready 0x%x", r);
    PN(pollerCtl, p, POLLEN_CTL_DEL, c, 0, 0);
    PN(pollerCtl, p, POLLEN_CTL_DEL, s, 0, 0);
    free(out);
    free(in);
}

static void check_half_close(jlong p, jint c, jint s) {
    unsigned char *buf = malloc(64);
    pollen_event ev[8];
    memcpy(buf, "last", 4);
    check_eq("send before shutdown returns 4", SN(send, c, ADDR(buf), 4), 4);
    check_eq("shutdown(client, write) returns 0", SN(shutdown, c, JNI_FALSE, JNI_TRUE), 0);
    check("the peer still reads the data sent before the shutdown", recv_all(p, s, T_SERVER, buf, 4) == 0
          && memcmp(buf, "last", 4) == 0, "missing");
    PN(pollerCtl, p, POLLEN_CTL_ADD, s, POLLEN_INTEREST_READ, T_SERVER);
    jint n = -1;
    for (int round = 0; round < 50 && (n = SN(recv, s, ADDR(buf), 64)) == -E(EAGAIN); round++) {
        wait_token(p, ev, 8, T_SERVER);
    }
    PN(pollerCtl, p, POLLEN_CTL_DEL, s, 0, 0);
    check_eq("after the peer's shutdown recv returns 0 (end of stream)", n, 0);
    check_eq("recv after end of stream returns 0 again", SN(recv, s, ADDR(buf), 64), 0);
    memcpy(buf, "back", 4);
    check_eq("the other direction still works: send returns 4", SN(send, s, ADDR(buf), 4), 4);
    check("the half-closed client still receives", recv_all(p, c, T_CLIENT, buf, 4) == 0 && memcmp(buf, "back", 4) == 0,
          "missing");
    check_err("send after shutdown(write) is -EPIPE", SN(send, c, ADDR(buf), 4), E(EPIPE));
    free(buf);
}

static void check_reset(jlong p) {
    jint c, s;
    pollen_event ev[8];
    unsigned char *buf = malloc(64);
    if (tcp_pair(p, 0, &c, &s) < 0) {
        check("a second connection", 0, "tcp_pair failed");
        return;
    }
    jintArray value = fake_jni_new_ints(1);
    check_eq("setOption(SO_LINGER, 0) returns 0", SN(setOption, c, POLLEN_SO_LINGER, 0), 0);
    check_eq("getOption(SO_LINGER) returns 0", SN(getOption, c, POLLEN_SO_LINGER, value), 0);
    check_eq("SO_LINGER reads back 0", fake_jni_ints(value)[0], 0);
    check_eq("close with SO_LINGER 0 returns 0", SN(close, c), 0);
    PN(pollerCtl, p, POLLEN_CTL_ADD, s, POLLEN_INTEREST_READ | POLLEN_INTEREST_READ_CLOSED, T_SERVER);
    int r = wait_token(p, ev, 8, T_SERVER);
    check("the peer's reset is reported as ERROR|READ_CLOSED",
          r >= 0 && (r & POLLEN_READY_ERROR) && (r & POLLEN_READY_READ_CLOSED), "ready 0x%x", r);
    jint n = SN(recv, s, ADDR(buf), 64);
    /* Windows fails the receive with WSAECONNRESET; Wine gives either, depending on timing. */
    check("recv after the peer's reset is -ECONNRESET (Windows) or 0 (Wine)", n == -E(ECONNRESET) || n == 0,
          "got %ld, ECONNRESET is %d", (long) n, E(ECONNRESET));
    PN(pollerCtl, p, POLLEN_CTL_DEL, s, 0, 0);
    check_eq("close of the reset socket returns 0", SN(close, s), 0);
    free(buf);
}

static void check_ipv6(jlong p) {
    if (!SN0(ipv6Supported)) {
        check("ipv6Supported", 0, "IPv6 is not supported on this host");
        return;
    }
    jint c, s;
    char text[64];
    unsigned char *buf = malloc(64);
    if (!check("an IPv6 loopback connection", tcp_pair(p, 1, &c, &s) == 0, "tcp_pair over ::1 failed")) {
        return;
    }
    jbyteArray a = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    SN(remoteAddress, s, a);
    const unsigned char *b = (const unsigned char *) fake_jni_bytes(a);
    check("the IPv6 peer's address is ::1 (length 16)", b[0] == 16 && b[16] == 1, "got %s", addr_str(a, text, sizeof(text)));
    memcpy(buf, "six!", 4);
    check_eq("send over IPv6 returns 4", SN(send, c, ADDR(buf), 4), 4);
    check("recv over IPv6 gets the bytes", recv_all(p, s, T_SERVER, buf, 4) == 0 && memcmp(buf, "six!", 4) == 0,
          "missing");
    SN(close, c);
    SN(close, s);

    /* Dual stack: an IPv4 client on a listener bound to ::, its address coming back as IPv4. */
    jbyteArray any = addr6_any(0);
    jint l = SN(newStream, JNI_TRUE);
    check_eq("bind(IPv6 listener, [::]:0) returns 0", SN(bind, l, JNI_TRUE, any), 0);
    check_eq("listen returns 0", SN(listen, l, 4), 0);
    SN(localAddress, l, any);
    jint v4 = SN(newStream, JNI_FALSE);
    jint rc = SN(connect, v4, JNI_FALSE, addr4(127, 0, 0, 1, addr_port(any)));
    check("an IPv4 client connects to the dual-stack listener", rc == 0 || rc == 1, "connect returned %ld", (long) rc);
    jbyteArray peer = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    jint accepted = -1;
    pollen_event ev[8];
    PN(pollerCtl, p, POLLEN_CTL_ADD, l, POLLEN_INTEREST_READ, T_SERVER);
    for (int round = 0; round < 50 && (accepted = SN(accept, l, peer)) == -E(EAGAIN); round++) {
        wait_token(p, ev, 8, T_SERVER);
    }
    PN(pollerCtl, p, POLLEN_CTL_DEL, l, 0, 0);
    const unsigned char *pb = (const unsigned char *) fake_jni_bytes(peer);
    check("the dual-stack listener accepts it and reports an IPv4 address (not IPv4-mapped)",
          accepted > 0 && pb[0] == 4 && pb[1] == 127 && pb[4] == 1, "accept %ld, address %s", (long) accepted,
          addr_str(peer, text, sizeof(text)));
    if (accepted > 0) {
        SN(close, accepted);
    }
    SN(close, v4);
    SN(close, l);
    free(buf);
}

void area_data(void) {
    host_lib lib;
    if (host_setup(&lib) < 0) {
        return;
    }
    check_memory();
    jlong p = PN(pollerCreate, 8);
    jint c, s;
    if (!check("pollerCreate", p > 0, "returned %lld", (long long) p)
            || !check("a loopback connection through the natives", tcp_pair(p, 0, &c, &s) == 0, "tcp_pair failed")) {
        return;
    }
    unsigned char *buf = malloc(64);
    check_err("recv with nothing to read is -EAGAIN", SN(recv, s, ADDR(buf), 64), E(EAGAIN));
    memcpy(buf, "hello, wepoll", 13);
    check_eq("send returns the byte count", SN(send, c, ADDR(buf), 13), 13);
    memset(buf, 0, 64);
    check("recv returns the bytes sent", recv_all(p, s, T_SERVER, buf, 13) == 0 && memcmp(buf, "hello, wepoll", 13) == 0,
          "got %.13s", (const char *) buf);
    memcpy(buf, "0123456789", 10);
    check_eq("send of 10 bytes returns 10", SN(send, s, ADDR(buf), 10), 10);
    unsigned char *two = malloc(16);
    check("a recv with room for 4 returns 4, the rest follows",
          recv_all(p, c, T_CLIENT, two, 4) == 0 && recv_all(p, c, T_CLIENT, two + 4, 6) == 0
              && memcmp(two, "0123456789", 10) == 0, "got %.10s", (const char *) two);
    check_writev(p, c, s);
    check_bulk(p, c, s);
    check_half_close(p, c, s);
    check_eq("close(client) returns 0", SN(close, c), 0);
    check_eq("close(server) returns 0", SN(close, s), 0);
    check_reset(p);
    check_ipv6(p);
    check_eq("pollerClose returns 0", PN(pollerClose, p), 0);
    free(buf);
    free(two);
    check_jni_clean("data");
}
