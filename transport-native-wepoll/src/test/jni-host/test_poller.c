/*
 * The poller natives on real sockets: capabilities, timeouts, readiness of a listener, a
 * connecting client and a connection, level-triggered and one-shot reporting, the event record
 * layout in native memory, DEL/MOD bookkeeping, READ_CLOSED, and wake-ups from another thread.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

_Static_assert(sizeof(pollen_event) == 16 && offsetof(pollen_event, token) == 0 && offsetof(pollen_event, ready) == 8,
               "event record layout");

#define CAP 16
#define T_LISTENER 1
#define T_CLIENT 2
#define T_SERVER 3
#define T_ONESHOT 5
#define T_CLOSED 6
#define T_WIDE 0x0123456789abcdefULL

/* Collects events for ms milliseconds: ready[token] for tokens below 8; returns all events seen. */
static int collect(jlong p, pollen_event *ev, int ms, unsigned ready[8]) {
    int total = 0;
    memset(ready, 0, 8 * sizeof(unsigned));
    double end = now_ms() + ms;
    for (double left = ms; left > 0; left = end - now_ms()) {
        jint n = PN(pollerWait, p, ADDR(ev), CAP, (jlong) (left * 1000000.0));
        if (n < 0) {
            printf("  pollerWait failed: %ld\n", (long) n);
            return total;
        }
        for (jint i = 0; i < n; i++) {
            if (ev[i].token < 8) {
                ready[ev[i].token] |= ev[i].ready;
            }
        }
        total += n;
    }
    return total;
}

typedef struct wake_arg {
    jlong poller;
    DWORD delay_ms;
    jint rc;
} wake_arg;

static DWORD WINAPI wake_later(LPVOID param) {
    wake_arg *a = param;
    Sleep(a->delay_ms);
    a->rc = PN(pollerWake, a->poller);
    return 0;
}

static HANDLE watchdog_done;

/* A blocking wait that is never woken would hang the run: fail it after 20 s instead. */
static DWORD WINAPI watchdog(LPVOID param) {
    if (WaitForSingleObject(watchdog_done, 20000) == WAIT_TIMEOUT) {
        printf("FAIL %s: still blocked after 20 s\n", (const char *) param);
        fflush(stdout);
        ExitProcess(1);
    }
    return 0;
}

static void check_wake(jlong p, pollen_event *ev) {
    wake_arg arg = { p, 200, -12345 };
    const char *name = "pollerWake from another thread ends a blocking pollerWait(-1) with 0 events";
    watchdog_done = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE dog = CreateThread(NULL, 0, watchdog, (LPVOID) name, 0, NULL);
    HANDLE waker = CreateThread(NULL, 0, wake_later, &arg, 0, NULL);
    double t0 = now_ms();
    jint n = PN(pollerWait, p, ADDR(ev), CAP, -1);
    double elapsed = now_ms() - t0;
    SetEvent(watchdog_done);
    WaitForSingleObject(waker, INFINITE);
    WaitForSingleObject(dog, INFINITE);
    CloseHandle(waker);
    CloseHandle(dog);
    CloseHandle(watchdog_done);
    check(name, n == 0, "returned %ld after %.1f ms", (long) n, elapsed);
    check_eq("pollerWake returns 0", arg.rc, 0);

    check_eq("pollerWake before a wait returns 0", PN(pollerWake, p), 0);
    t0 = now_ms();
    n = PN(pollerWait, p, ADDR(ev), CAP, 10000000000LL);
    elapsed = now_ms() - t0;
    check("a wake-up posted before the wait ends the next pollerWait(10 s) at once", n == 0 && elapsed < 5000,
          "returned %ld after %.1f ms", (long) n, elapsed);

    PN(pollerWake, p);
    PN(pollerWake, p);
    PN(pollerWake, p);
    n = PN(pollerWait, p, ADDR(ev), CAP, 10000000000LL);
    t0 = now_ms();
    jint n2 = PN(pollerWait, p, ADDR(ev), CAP, 50000000LL);
    elapsed = now_ms() - t0;
    check("repeated wake-ups are consumed by one wait: the next pollerWait(50 ms) sleeps its full timeout",
          n == 0 && n2 == 0 && elapsed >= 50.0, "returned %ld then %ld after %.1f ms", (long) n, (long) n2, elapsed);
}

void area_poller(void) {
    host_lib lib;
    unsigned ready[8];
    if (host_setup(&lib) < 0) {
        return;
    }
    unsigned char *raw = malloc(CAP * sizeof(pollen_event));
    pollen_event *ev = (pollen_event *) raw;

    check_eq("pollerCapabilities is LEVEL|ONESHOT|READ_CLOSED|PRIORITY", PN0(pollerCapabilities),
             POLLEN_CAP_LEVEL | POLLEN_CAP_ONESHOT | POLLEN_CAP_READ_CLOSED | POLLEN_CAP_PRIORITY);
    check_err("pollerCreate(0) is -EINVAL", PN(pollerCreate, 0), E(EINVAL));
    check_err("pollerCreate(-1) is -EINVAL", PN(pollerCreate, -1), E(EINVAL));
    jlong p = PN(pollerCreate, CAP);
    if (!check("pollerCreate(16) returns a poller", p > 0, "returned %lld", (long long) p)) {
        return;
    }
    /* No POLLEN_CAP_IO_BATCH on Windows: a batch is refused whole, and the loop writes one by one. */
    check_err("pollerIoBatch is -ENOSYS (reads and writes are made one by one)", PN(pollerIoBatch, p, 0, 0), E(ENOSYS));

    check_eq("pollerWait(timeout 0) with nothing registered returns 0", PN(pollerWait, p, ADDR(ev), CAP, 0), 0);
    double t0 = now_ms();
    jint n = PN(pollerWait, p, ADDR(ev), CAP, 50000000LL);
    double elapsed = now_ms() - t0;
    check("pollerWait(50 ms) with nothing ready returns 0 after at least 50 ms", n == 0 && elapsed >= 50.0,
          "returned %ld after %.1f ms", (long) n, elapsed);
    t0 = now_ms();
    n = PN(pollerWait, p, ADDR(ev), CAP, 1500000LL);
    elapsed = now_ms() - t0;
    check("pollerWait(1.5 ms) is not rounded down to 1 ms", n == 0 && elapsed >= 1.5, "returned %ld after %.2f ms",
          (long) n, elapsed);

    /* A listener, a client connecting to it, the accepted server socket. */
    char text[64];
    jbyteArray la = addr4(127, 0, 0, 1, 0);
    jint l = SN(newStream, JNI_FALSE);
    if (!check("newStream(false) returns a socket", l > 0, "returned %ld", (long) l)) {
        return;
    }
    check_eq("bind(listener, 127.0.0.1:0) returns 0", SN(bind, l, JNI_FALSE, la), 0);
    check_eq("listen(listener, 16) returns 0", SN(listen, l, 16), 0);
    check_eq("localAddress(listener) fills a 24-byte array", SN(localAddress, l, la), 0);
    const unsigned char *lb = (const unsigned char *) fake_jni_bytes(la);
    check("the listener's address is 127.0.0.1 with a port",
          lb[0] == 4 && lb[1] == 127 && lb[2] == 0 && lb[3] == 0 && lb[4] == 1 && addr_port(la) != 0, "got %s",
          addr_str(la, text, sizeof(text)));
    check_eq("pollerCtl ADD listener READ returns 0", PN(pollerCtl, p, POLLEN_CTL_ADD, l, POLLEN_INTEREST_READ, T_LISTENER),
             0);
    collect(p, ev, 50, ready);
    check("an idle listener reports nothing", ready[T_LISTENER] == 0, "ready 0x%x", ready[T_LISTENER]);

    jint c = SN(newStream, JNI_FALSE);
    jint rc = SN(connect, c, JNI_FALSE, la);
    check("connect returns 0 (in progress) or 1 (connected)", rc == 0 || rc == 1, "returned %ld", (long) rc);
    check_eq("pollerCtl ADD client WRITE returns 0", PN(pollerCtl, p, POLLEN_CTL_ADD, c, POLLEN_INTEREST_WRITE, T_CLIENT),
             0);
    int r = wait_token(p, ev, CAP, T_CLIENT);
    check("the connecting client reports WRITABLE without ERROR",
          r >= 0 && (r & POLLEN_READY_WRITABLE) && !(r & POLLEN_READY_ERROR), "ready 0x%x", r);
    check_eq("finishConnect after WRITABLE returns 1", SN(finishConnect, c), 1);
    r = wait_token(p, ev, CAP, T_LISTENER);
    check("the listener reports READABLE with a connection pending", r >= 0 && (r & POLLEN_READY_READABLE),
          "ready 0x%x", r);
    jbyteArray peer = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    jint s = SN(accept, l, peer);
    if (!check("accept returns the server socket", s > 0, "returned %ld", (long) s)) {
        return;
    }
    jbyteArray cl = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    jbyteArray cr = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    jbyteArray sr = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    char text2[64];
    check_eq("localAddress(client) returns 0", SN(localAddress, c, cl), 0);
    check("accept's address is the client's local address", addr_equal(peer, cl), "accept gave %s, client is %s",
          addr_str(peer, text, sizeof(text)), addr_str(cl, text2, sizeof(text2)));
    check_eq("remoteAddress(client) returns 0", SN(remoteAddress, c, cr), 0);
    check("the client's remote address is the listener's", addr_equal(cr, la), "got %s",
          addr_str(cr, text, sizeof(text)));
    check_eq("remoteAddress(server) returns 0", SN(remoteAddress, s, sr), 0);
    check("the server's remote address is the client's", addr_equal(sr, cl), "got %s", addr_str(sr, text, sizeof(text)));
    check_err("accept with nothing pending is -EAGAIN", SN(accept, l, peer), E(EAGAIN));

    /* Readiness of the connection. */
    check_eq("pollerCtl MOD client to READ returns 0", PN(pollerCtl, p, POLLEN_CTL_MOD, c, POLLEN_INTEREST_READ, T_CLIENT),
             0);
    check_eq("pollerCtl ADD server READ|READ_CLOSED returns 0",
             PN(pollerCtl, p, POLLEN_CTL_ADD, s, POLLEN_INTEREST_READ | POLLEN_INTEREST_READ_CLOSED, T_SERVER), 0);
    collect(p, ev, 100, ready);
    check("an idle connection reports nothing", ready[T_CLIENT] == 0 && ready[T_SERVER] == 0,
          "client 0x%x, server 0x%x", ready[T_CLIENT], ready[T_SERVER]);

    unsigned char *out = malloc(64), *in = malloc(64);
    memcpy(out, "ping", 4);
    check_eq("send of 4 bytes from native memory returns 4", SN(send, c, ADDR(out), 4), 4);
    r = wait_token(p, ev, CAP, T_SERVER);
    check("the server reports READABLE after the send", r >= 0 && (r & POLLEN_READY_READABLE) &&
          !(r & POLLEN_READY_READ_CLOSED), "ready 0x%x", r);
    r = wait_token(p, ev, CAP, T_SERVER);
    check("level-triggered: unread data is reported again by the next wait", r >= 0 && (r & POLLEN_READY_READABLE),
          "ready 0x%x", r);
    check_eq("recv into native memory returns the 4 bytes", SN(recv, s, ADDR(in), 64), 4);
    check("the received bytes are the sent ones", memcmp(in, "ping", 4) == 0, "got %.4s", (const char *) in);
    collect(p, ev, 100, ready);
    check("after reading everything the server is quiet", (ready[T_SERVER] & POLLEN_READY_READABLE) == 0,
          "ready 0x%x", ready[T_SERVER]);

    /* The full 64-bit token comes back in the 16-byte record. */
    check_eq("pollerCtl MOD with a 64-bit token returns 0",
             PN(pollerCtl, p, POLLEN_CTL_MOD, s, POLLEN_INTEREST_READ, (jlong) T_WIDE), 0);
    check_eq("send returns 4", SN(send, c, ADDR(out), 4), 4);
    int found = -1;
    for (int round = 0; round < 50 && found < 0; round++) {
        n = PN(pollerWait, p, ADDR(raw), CAP, 100000000LL);
        for (jint i = 0; i < n; i++) {
            uint64_t token;
            memcpy(&token, raw + 16 * i, 8);
            if (token == T_WIDE) {
                found = (int) i;
            }
        }
    }
    uint32_t bits = 0;
    if (found >= 0) {
        memcpy(&bits, raw + 16 * found + 8, 4);
    }
    check("events are 16-byte records: the 64-bit token at 0, readiness at 8",
          found >= 0 && (bits & POLLEN_READY_READABLE), "token %s, readiness 0x%x", found >= 0 ? "found" : "not found",
          bits);
    check_eq("recv returns the 4 bytes", SN(recv, s, ADDR(in), 64), 4);

    /* max is respected: two ready sockets, room for one. */
    check_eq("pollerCtl MOD server back to its small token returns 0",
             PN(pollerCtl, p, POLLEN_CTL_MOD, s, POLLEN_INTEREST_READ, T_SERVER), 0);
    SN(send, c, ADDR(out), 4);
    SN(send, s, ADDR(out), 4);
    unsigned both = 0;
    for (int round = 0; round < 50 && both != 3; round++) {
        collect(p, ev, 50, ready);
        both |= (ready[T_CLIENT] & POLLEN_READY_READABLE ? 1u : 0u) | (ready[T_SERVER] & POLLEN_READY_READABLE ? 2u : 0u);
    }
    memset(raw, 0xa5, CAP * sizeof(pollen_event));
    n = PN(pollerWait, p, ADDR(raw), 1, 1000000000LL);
    int untouched = 1;
    for (size_t i = sizeof(pollen_event); i < CAP * sizeof(pollen_event); i++) {
        untouched &= raw[i] == 0xa5;
    }
    check("pollerWait(max 1) with two sockets ready returns 1 and writes nothing past the first record",
          both == 3 && n == 1 && untouched, "both ready: %s, returned %ld, rest untouched: %d", both == 3 ? "yes" : "no",
          (long) n, untouched);
    SN(recv, s, ADDR(in), 64);
    SN(recv, c, ADDR(in), 64);

    /* One-shot. */
    check_eq("pollerCtl MOD server READ|ONESHOT returns 0",
             PN(pollerCtl, p, POLLEN_CTL_MOD, s, POLLEN_INTEREST_READ | POLLEN_INTEREST_ONESHOT, T_ONESHOT), 0);
    SN(send, c, ADDR(out), 1);
    r = wait_token(p, ev, CAP, T_ONESHOT);
    check("a ONESHOT registration reports READABLE", r >= 0 && (r & POLLEN_READY_READABLE), "ready 0x%x", r);
    collect(p, ev, 150, ready);
    check("a ONESHOT registration stays silent until re-armed (data still unread)", ready[T_ONESHOT] == 0,
          "ready 0x%x", ready[T_ONESHOT]);
    check_eq("pollerCtl MOD re-arms the ONESHOT registration",
             PN(pollerCtl, p, POLLEN_CTL_MOD, s, POLLEN_INTEREST_READ | POLLEN_INTEREST_ONESHOT, T_ONESHOT), 0);
    r = wait_token(p, ev, CAP, T_ONESHOT);
    check("the re-armed ONESHOT registration reports READABLE again", r >= 0 && (r & POLLEN_READY_READABLE),
          "ready 0x%x", r);
    check_eq("recv returns the 1 byte", SN(recv, s, ADDR(in), 64), 1);

    /* Registration bookkeeping. */
    check_eq("pollerCtl ADD of a registered socket is -EEXIST",
             PN(pollerCtl, p, POLLEN_CTL_ADD, s, POLLEN_INTEREST_READ, T_SERVER), -EEXIST);
    check_eq("pollerCtl DEL returns 0", PN(pollerCtl, p, POLLEN_CTL_DEL, s, 0, 0), 0);
    check_eq("pollerCtl DEL of an unregistered socket is -ENOENT", PN(pollerCtl, p, POLLEN_CTL_DEL, s, 0, 0), -ENOENT);
    check_eq("pollerCtl MOD of an unregistered socket is -ENOENT",
             PN(pollerCtl, p, POLLEN_CTL_MOD, s, POLLEN_INTEREST_READ, T_SERVER), -ENOENT);
    SN(send, c, ADDR(out), 4);
    collect(p, ev, 150, ready);
    check("a deleted registration reports nothing", ready[T_SERVER] == 0 && ready[T_ONESHOT] == 0,
          "ready 0x%x / 0x%x", ready[T_SERVER], ready[T_ONESHOT]);
    check_eq("recv returns the 4 bytes sent while unregistered", SN(recv, s, ADDR(in), 64), 4);

    /* The peer's write shutdown. */
    check_eq("pollerCtl ADD server READ|READ_CLOSED returns 0",
             PN(pollerCtl, p, POLLEN_CTL_ADD, s, POLLEN_INTEREST_READ | POLLEN_INTEREST_READ_CLOSED, T_CLOSED), 0);
    check_eq("shutdown(client, write) returns 0", SN(shutdown, c, JNI_FALSE, JNI_TRUE), 0);
    r = wait_token(p, ev, CAP, T_CLOSED);
    check("the peer's write shutdown reports READ_CLOSED", r >= 0 && (r & POLLEN_READY_READ_CLOSED), "ready 0x%x", r);
    check_eq("pollerCtl DEL server returns 0", PN(pollerCtl, p, POLLEN_CTL_DEL, s, 0, 0), 0);
    check_eq("pollerCtl DEL client returns 0", PN(pollerCtl, p, POLLEN_CTL_DEL, c, 0, 0), 0);
    check_eq("pollerCtl DEL listener returns 0", PN(pollerCtl, p, POLLEN_CTL_DEL, l, 0, 0), 0);

    check_wake(p, ev);

    check_eq("close(client) returns 0", SN(close, c), 0);
    check_eq("close(server) returns 0", SN(close, s), 0);
    check_eq("pollerClose returns 0", PN(pollerClose, p), 0);

    /* A poller closed with registrations still in place. */
    jlong p2 = PN(pollerCreate, 4);
    jint l2 = SN(newStream, JNI_FALSE);
    jbyteArray la2 = addr4(127, 0, 0, 1, 0);
    SN(bind, l2, JNI_FALSE, la2);
    SN(listen, l2, 4);
    check_eq("pollerCtl ADD on a second poller returns 0", PN(pollerCtl, p2, POLLEN_CTL_ADD, l2, POLLEN_INTEREST_READ, 1),
             0);
    check_eq("pollerClose with a registration still in place returns 0", PN(pollerClose, p2), 0);
    check_eq("the socket survives its poller: close returns 0", SN(close, l2), 0);
    check_eq("close(listener) returns 0", SN(close, l), 0);
    free(raw);
    free(in);
    free(out);
    check_jni_clean("poller");
}
