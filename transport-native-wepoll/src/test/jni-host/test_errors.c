/*
 * Error mapping and argument checking: the errno constants the DLL exports and the values its
 * natives return, refused connects, addresses in use, socket options, strerror, bad arguments
 * (never a crash), non-socket handles, and sendFile.
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"

static const char *const errno_names[IX_COUNT] = {
    "EAGAIN", "EWOULDBLOCK", "EINPROGRESS", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTCONN", "EBADF",
    "ETIMEDOUT", "EALREADY", "EISCONN", "EADDRINUSE", "EINVAL", "ENOPROTOOPT", "EAFNOSUPPORT",
    "ENETUNREACH", "EHOSTUNREACH", "ENOSYS", "ENOENT", "EEXIST",
};

/* The same names as this host's (mingw-w64) errno.h numbers them. */
static const int host_errno[IX_COUNT] = {
    EAGAIN, EWOULDBLOCK, EINPROGRESS, ECONNREFUSED, ECONNRESET, EPIPE, ENOTCONN, EBADF,
    ETIMEDOUT, EALREADY, EISCONN, EADDRINUSE, EINVAL, ENOPROTOOPT, EAFNOSUPPORT,
    ENETUNREACH, EHOSTUNREACH, ENOSYS, ENOENT, EEXIST,
};

static void check_constants(void) {
    int mismatch = 0, dup = 0, nonpositive = 0;
    for (int i = 0; i < IX_COUNT; i++) {
        printf("  %s = %d\n", errno_names[i], errno_of((enum errno_index) i));
        nonpositive += errno_of((enum errno_index) i) <= 0;
        if (errno_of((enum errno_index) i) != host_errno[i]) {
            printf("  %s: the DLL says %d, mingw-w64's errno.h %d\n", errno_names[i], errno_of((enum errno_index) i),
                   host_errno[i]);
            mismatch++;
        }
        for (int j = 0; j < i; j++) {
            /* EAGAIN and EWOULDBLOCK may share a value; nothing else may. */
            if (errno_of((enum errno_index) i) == errno_of((enum errno_index) j) && !(i == IX_EWOULDBLOCK && j == IX_EAGAIN)) {
                printf("  %s and %s share %d\n", errno_names[i], errno_names[j], errno_of((enum errno_index) i));
                dup++;
            }
        }
    }
    check("errnoConstants are all positive", nonpositive == 0, "%d not positive", nonpositive);
    check("errnoConstants are distinct (EAGAIN/EWOULDBLOCK aside)", dup == 0, "%d clashes", dup);
    check("errnoConstants match mingw-w64's errno.h, the space the natives return in", mismatch == 0,
          "%d differ", mismatch);
}

static void check_strerror(void) {
    int empty = 0;
    for (int i = 0; i < IX_COUNT; i++) {
        jstring s = SN(strerror, errno_of((enum errno_index) i));
        const char *text = fake_jni_string(s);
        if (i == IX_ECONNREFUSED || i == IX_EINVAL || i == IX_EAGAIN) {
            printf("  strerror(%s) = \"%s\"\n", errno_names[i], text == NULL ? "(null)" : text);
        }
        empty += text == NULL || text[0] == '\0';
    }
    check("strerror returns a non-empty string for every exported errno", empty == 0, "%d empty or NULL", empty);
    /* Java builds every exception message from these texts (Errors.message). */
    const char *unknown = fake_jni_string(SN(strerror, 99999));
    int generic = 0;
    for (int i = 0; i < IX_COUNT; i++) {
        const char *text = fake_jni_string(SN(strerror, errno_of((enum errno_index) i)));
        if (text != NULL && unknown != NULL && strcmp(text, unknown) == 0) {
            printf("  strerror(%s) is the unknown-number text \"%s\"\n", errno_names[i], text);
            generic++;
        }
    }
    check("strerror describes every exported errno (none gets the unknown-number text)", generic == 0,
          "%d of %d exported errno values have no text of their own", generic, IX_COUNT);
    const char *odd = fake_jni_string(SN(strerror, 99999));
    check("strerror of an unknown number returns a non-empty string", odd != NULL && odd[0] != '\0', "got %s",
          odd == NULL ? "NULL" : "\"\"");
    odd = fake_jni_string(SN(strerror, -1));
    check("strerror of a negative number returns a non-empty string", odd != NULL && odd[0] != '\0', "got %s",
          odd == NULL ? "NULL" : "\"\"");
}

static void check_refused(jlong p) {
    pollen_event ev[8];
    jbyteArray a = addr4(127, 0, 0, 1, 0);
    /* A port that was free a moment ago: bind, read it, close. */
    jint tmp = SN(newStream, JNI_FALSE);
    SN(bind, tmp, JNI_FALSE, a);
    SN(localAddress, tmp, a);
    SN(close, tmp);
    jint c = SN(newStream, JNI_FALSE);
    jint rc = SN(connect, c, JNI_FALSE, a);
    if (rc == 0) {
        check_eq("pollerCtl ADD connecting socket WRITE returns 0",
                 PN(pollerCtl, p, POLLEN_CTL_ADD, c, POLLEN_INTEREST_WRITE, 31), 0);
        int r = wait_token(p, ev, 8, 31);
        check("the poller reports the refused connect as ERROR (not WRITABLE)",
              r >= 0 && (r & POLLEN_READY_ERROR) && !(r & POLLEN_READY_WRITABLE), "ready 0x%x", r);
        rc = SN(finishConnect, c);
        PN(pollerCtl, p, POLLEN_CTL_DEL, c, 0, 0);
        check_err("finishConnect after the failure is -ECONNREFUSED (the exported value)", rc, E(ECONNREFUSED));
    } else {
        printf("  connect failed synchronously\n");
        check_err("a synchronously refused connect is -ECONNREFUSED (the exported value)", rc, E(ECONNREFUSED));
    }
    SN(close, c);
}

static void check_addr_in_use(void) {
    jbyteArray a = addr4(127, 0, 0, 1, 0);
    jint l = SN(newStream, JNI_FALSE);
    SN(bind, l, JNI_FALSE, a);
    SN(listen, l, 4);
    SN(localAddress, l, a);
    jint other = SN(newStream, JNI_FALSE);
    check_err("bind to an address a listener holds is -EADDRINUSE", SN(bind, other, JNI_FALSE, a), E(EADDRINUSE));
    SN(close, other);
    SN(close, l);
}

static int get_opt(jint fd, int option, jint *value) {
    jintArray out = fake_jni_new_ints(1);
    jint rc = SN(getOption, fd, option, out);
    *value = fake_jni_ints(out)[0];
    return rc;
}

static void round_trip(jint fd, int option, const char *name, jint set, jint want) {
    char label[160];
    jint value = -999;
    jint rc = SN(setOption, fd, option, set);
    jint rc2 = get_opt(fd, option, &value);
    snprintf(label, sizeof(label), "option %s: set %ld reads back %ld", name, (long) set, (long) want);
    check(label, rc == 0 && rc2 == 0 && value == want, "setOption %ld, getOption %ld, value %ld", (long) rc, (long) rc2,
          (long) value);
}

static void check_options(void) {
    char label[160];
    jint v;
    jint fd = SN(newStream, JNI_FALSE);
    round_trip(fd, POLLEN_TCP_NODELAY, "TCP_NODELAY", 1, 1);
    round_trip(fd, POLLEN_TCP_NODELAY, "TCP_NODELAY", 0, 0);
    round_trip(fd, POLLEN_SO_KEEPALIVE, "SO_KEEPALIVE", 1, 1);
    round_trip(fd, POLLEN_SO_KEEPALIVE, "SO_KEEPALIVE", 0, 0);
    round_trip(fd, POLLEN_SO_REUSEADDR, "SO_REUSEADDR", 1, 1);
    round_trip(fd, POLLEN_SO_REUSEADDR, "SO_REUSEADDR", 0, 0);
    round_trip(fd, POLLEN_SO_LINGER, "SO_LINGER", 5, 5);
    round_trip(fd, POLLEN_SO_LINGER, "SO_LINGER", -1, -1);
    check_err("SO_LINGER beyond what Windows can hold is -EINVAL", SN(setOption, fd, POLLEN_SO_LINGER, 70000), E(EINVAL));
    jint rc = SN(setOption, fd, POLLEN_SO_RCVBUF, 65536);
    jint rc2 = get_opt(fd, POLLEN_SO_RCVBUF, &v);
    check("option SO_RCVBUF: set 65536 reads back at least 65536", rc == 0 && rc2 == 0 && v >= 65536,
          "setOption %ld, getOption %ld, value %ld", (long) rc, (long) rc2, (long) v);
    rc = SN(setOption, fd, POLLEN_SO_SNDBUF, 65536);
    rc2 = get_opt(fd, POLLEN_SO_SNDBUF, &v);
    check("option SO_SNDBUF: set 65536 reads back at least 65536", rc == 0 && rc2 == 0 && v >= 65536,
          "setOption %ld, getOption %ld, value %ld", (long) rc, (long) rc2, (long) v);
    rc = get_opt(fd, POLLEN_IPV6_V6ONLY, &v);
    check("option IPV6_V6ONLY on an IPv4 socket fails with a negative errno, no crash", rc < 0, "returned %ld",
          (long) rc);

    jint ex = SN(newStream, JNI_FALSE);
    round_trip(ex, POLLEN_SO_EXCLUSIVEADDRUSE, "SO_EXCLUSIVEADDRUSE (Windows only)", 1, 1);
    SN(close, ex);

    static const struct {
        int id;
        const char *name;
    } unsupported[] = {
        { POLLEN_SO_REUSEPORT, "SO_REUSEPORT" }, { POLLEN_TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT" },
        { POLLEN_TCP_CORK, "TCP_CORK" }, { POLLEN_TCP_QUICKACK, "TCP_QUICKACK" },
        { POLLEN_TCP_NOTSENT_LOWAT, "TCP_NOTSENT_LOWAT" }, { POLLEN_TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT" },
        { POLLEN_TCP_FASTOPEN, "TCP_FASTOPEN" }, { POLLEN_TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT" },
        { POLLEN_IP_BIND_ADDRESS_NO_PORT, "IP_BIND_ADDRESS_NO_PORT" }, { POLLEN_SO_BUSY_POLL, "SO_BUSY_POLL" },
        { POLLEN_IP_FREEBIND, "IP_FREEBIND" }, { POLLEN_IP_TRANSPARENT, "IP_TRANSPARENT" },
        { POLLEN_TCP_NOPUSH, "TCP_NOPUSH" }, { POLLEN_SO_SNDLOWAT, "SO_SNDLOWAT" },
    };
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
        snprintf(label, sizeof(label), "option %s (not on Windows): set and get are -ENOPROTOOPT", unsupported[i].name);
        rc = SN(setOption, fd, unsupported[i].id, 1);
        rc2 = get_opt(fd, unsupported[i].id, &v);
        check(label, rc == -E(ENOPROTOOPT) && rc2 == -E(ENOPROTOOPT), "setOption %ld, getOption %ld", (long) rc,
              (long) rc2);
    }
    static const int unknown[] = { 0, POLLEN_OPTION_MAX, 1000, -1 };
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        snprintf(label, sizeof(label), "unknown option id %d: set and get are -ENOPROTOOPT", unknown[i]);
        rc = SN(setOption, fd, unknown[i], 1);
        rc2 = get_opt(fd, unknown[i], &v);
        check(label, rc == -E(ENOPROTOOPT) && rc2 == -E(ENOPROTOOPT), "setOption %ld, getOption %ld", (long) rc,
              (long) rc2);
    }
    check_err("getOption into an empty int[] is -EINVAL", SN(getOption, fd, POLLEN_TCP_NODELAY, fake_jni_new_ints(0)),
              E(EINVAL));
    check_err("getOption into null is -EINVAL", SN(getOption, fd, POLLEN_TCP_NODELAY, NULL), E(EINVAL));

    /* Raw options: SOL_SOCKET/SO_RCVBUF by the platform's own numbers. */
    jbyteArray raw = fake_jni_new_bytes(4);
    int32_t size = 32768;
    memcpy(fake_jni_bytes(raw), &size, 4);
    check_eq("setRawOption(SOL_SOCKET, SO_RCVBUF, 4 bytes) returns 0", SN(setRawOption, fd, SOL_SOCKET, SO_RCVBUF, raw),
             0);
    jbyteArray back = fake_jni_new_bytes(8);
    rc = SN(getRawOption, fd, SOL_SOCKET, SO_RCVBUF, back);
    int32_t got = 0;
    memcpy(&got, fake_jni_bytes(back), 4);
    check("getRawOption(SOL_SOCKET, SO_RCVBUF) returns its size 4 and the value", rc == 4 && got >= 32768,
          "returned %ld, value %ld", (long) rc, (long) got);
    check_err("setRawOption with a 300-byte value is -EINVAL", SN(setRawOption, fd, SOL_SOCKET, SO_RCVBUF,
              fake_jni_new_bytes(300)), E(EINVAL));
    check_err("setRawOption with null is -EINVAL", SN(setRawOption, fd, SOL_SOCKET, SO_RCVBUF, NULL), E(EINVAL));
    check_err("getRawOption into null is -EINVAL", SN(getRawOption, fd, SOL_SOCKET, SO_RCVBUF, NULL), E(EINVAL));
    rc = SN(setRawOption, fd, 0x7fff, 0x7fff, raw);
    check("setRawOption with an unknown level fails with a negative errno", rc < 0, "returned %ld", (long) rc);

    jbyteArray key = fake_jni_new_bytes(8);
    check_err("setMd5Sig is -ENOPROTOOPT on Windows", SN(setMd5Sig, fd, JNI_FALSE, addr4(127, 0, 0, 1, 80), key),
              E(ENOPROTOOPT));
    check_err("setMd5Sig with a short address is -EINVAL", SN(setMd5Sig, fd, JNI_FALSE, fake_jni_new_bytes(4), key),
              E(EINVAL));
    check_err("setMd5Sig with a 200-byte key is -EINVAL",
              SN(setMd5Sig, fd, JNI_FALSE, addr4(127, 0, 0, 1, 80), fake_jni_new_bytes(200)), E(EINVAL));
    SN(close, fd);
}

/*
 * pollerCtl on something that is not a socket. Windows refuses it at once (SIO_BASE_HANDLE fails
 * with WSAENOTSOCK). Wine answers SIO_BASE_HANDLE for any handle, so there the registration is
 * accepted and then dropped by the next wait, when AFD refuses the poll: no event, no error
 * event, no hang, and the registration is gone.
 */
static void check_non_socket(jlong p, jint fd, const char *what, uint64_t token) {
    char name[160];
    pollen_event ev[4];
    jint rc = PN(pollerCtl, p, POLLEN_CTL_ADD, fd, POLLEN_INTEREST_READ, (jlong) token);
    if (rc != 0) {
        snprintf(name, sizeof(name), "pollerCtl ADD of %s fails with a negative errno", what);
        check(name, rc < 0, "returned %ld", (long) rc);
        return;
    }
    printf("  pollerCtl ADD of %s was accepted (Wine's SIO_BASE_HANDLE answers any handle)\n", what);
    jint n = PN(pollerWait, p, ADDR(ev), 4, 0);
    snprintf(name, sizeof(name), "pollerCtl ADD of %s accepted under Wine: the next wait reports nothing", what);
    check(name, n == 0, "pollerWait returned %ld (token %llu)", (long) n,
          n > 0 ? (unsigned long long) ev[0].token : 0ULL);
    snprintf(name, sizeof(name), "pollerCtl ADD of %s accepted under Wine: the registration is dropped (DEL is -ENOENT)",
             what);
    check_eq(name, PN(pollerCtl, p, POLLEN_CTL_DEL, fd, 0, 0), -ENOENT);
}

static void check_bad_arguments(jlong p) {
    jint fd = SN(newStream, JNI_FALSE);
    jbyteArray shortaddr = fake_jni_new_bytes(4);
    check_err("bind with a 4-byte address array is -EINVAL", SN(bind, fd, JNI_FALSE, shortaddr), E(EINVAL));
    check_err("bind with a 23-byte address array is -EINVAL", SN(bind, fd, JNI_FALSE, fake_jni_new_bytes(23)), E(EINVAL));
    check_err("bind with a null address is -EINVAL", SN(bind, fd, JNI_FALSE, NULL), E(EINVAL));
    jbyteArray bad = addr4(127, 0, 0, 1, 0);
    fake_jni_bytes(bad)[0] = 7;
    check_err("bind with address length byte 7 is -EINVAL", SN(bind, fd, JNI_FALSE, bad), E(EINVAL));
    check_err("bind of an IPv6 address on an IPv4 socket is -EAFNOSUPPORT",
              SN(bind, fd, JNI_FALSE, addr6_loopback(0)), E(EAFNOSUPPORT));
    check_err("connect with a short address array is -EINVAL", SN(connect, fd, JNI_FALSE, shortaddr), E(EINVAL));
    check_err("connect with a null address is -EINVAL", SN(connect, fd, JNI_FALSE, NULL), E(EINVAL));
    check_err("accept with a short address array is -EINVAL", SN(accept, fd, shortaddr), E(EINVAL));
    check_err("accept with a null address is -EINVAL", SN(accept, fd, NULL), E(EINVAL));
    check_err("localAddress into a short array is -EINVAL", SN(localAddress, fd, shortaddr), E(EINVAL));
    check_err("localAddress into null is -EINVAL", SN(localAddress, fd, NULL), E(EINVAL));
    jbyteArray unbound = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    jint rc = SN(localAddress, fd, unbound);
    check("localAddress of an unbound socket is 0.0.0.0:0, as on POSIX",
          rc == 0 && fake_jni_bytes(unbound)[0] == 4 && addr_port(unbound) == 0, "returned %ld", (long) rc);
    check_err("remoteAddress of an unconnected socket is -ENOTCONN", SN(remoteAddress, fd, unbound), E(ENOTCONN));
    unsigned char *buf = malloc(16);
    check_err("recv with a negative length is -EINVAL", SN(recv, fd, ADDR(buf), -1), E(EINVAL));
    check_err("send with a negative length is -EINVAL", SN(send, fd, ADDR(buf), -1), E(EINVAL));
    check_err("writev with a negative count is -EINVAL", SN(writev, fd, ADDR(buf), -1), E(EINVAL));
    check_err("writev with more pairs than iovMax is -EINVAL", SN(writev, fd, ADDR(buf), SN0(iovMax) + 1), E(EINVAL));
    /* Windows answers WSAENOTCONN, Wine WSAECONNRESET: the value is the platform's, the mapping is checked above. */
    rc = SN(send, fd, ADDR(buf), 1);
    check("send on an unconnected socket fails with a negative errno", rc < 0, "returned %ld", (long) rc);
    printf("  (send on an unconnected socket: %ld)\n", (long) rc);
    rc = SN(finishConnect, fd);
    check("finishConnect on a socket that never connected does not claim success", rc != 1, "returned %ld", (long) rc);

    check_err("pollerCreate(0) is -EINVAL", PN(pollerCreate, 0), E(EINVAL));
    pollen_event *ev = malloc(4 * sizeof(pollen_event));
    check_err("pollerWait with max 0 is -EINVAL", PN(pollerWait, p, ADDR(ev), 0, 0), E(EINVAL));
    check_err("pollerWait with max -1 is -EINVAL", PN(pollerWait, p, ADDR(ev), -1, 0), E(EINVAL));
    check_err("pollerCtl with op 99 is -EINVAL", PN(pollerCtl, p, 99, fd, POLLEN_INTEREST_READ, 1), E(EINVAL));
    check_err("pollerCtl with unknown interest bits is -EINVAL", PN(pollerCtl, p, POLLEN_CTL_ADD, fd, 0x100, 1),
              E(EINVAL));
    check_err("pollerCtl on fd -1 (INVALID_SOCKET) is -EBADF", PN(pollerCtl, p, POLLEN_CTL_ADD, -1, POLLEN_INTEREST_READ, 1),
              E(EBADF));
    check_err("pollerCtl on fd 0 is -EBADF", PN(pollerCtl, p, POLLEN_CTL_ADD, 0, POLLEN_INTEREST_READ, 1), E(EBADF));

    /* Handles that are not sockets. */
    HANDLE event = CreateEventA(NULL, FALSE, FALSE, NULL);
    char path[MAX_PATH], dir[MAX_PATH];
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "pjh", 0, path);
    HANDLE file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                              FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    check_non_socket(p, (jint) (intptr_t) event, "an event handle", 41);
    check_non_socket(p, (jint) (intptr_t) file, "a file handle", 42);
    check_non_socket(p, 0x7ffffff0, "a value that is no handle", 43);
    check_eq("the poller still works afterwards: pollerWait(0) returns 0", PN(pollerWait, p, ADDR(ev), 4, 0), 0);
    rc = SN(close, (jint) (intptr_t) event);
    check("close (closesocket) of an event handle fails with a negative errno", rc < 0, "returned %ld", (long) rc);
    CloseHandle(event);
    CloseHandle(file);

    check_eq("close returns 0", SN(close, fd), 0);
    rc = SN(close, fd);
    check("close of an already closed socket fails with a negative errno", rc < 0, "returned %ld", (long) rc);
    printf("  (double close: %ld; EBADF is %d)\n", (long) rc, E(EBADF));
    free(ev);
    free(buf);
}

/* sendFile through the DefaultFileRegion fields JNI_OnLoad looked up. */
static void check_send_file(void) {
    jfieldID file = fake_jni_field_id("io/netty/channel/DefaultFileRegion", "file");
    jfieldID transferred = fake_jni_field_id("io/netty/channel/DefaultFileRegion", "transferred");
    jfieldID channel_fd = fake_jni_field_id("sun/nio/ch/FileChannelImpl", "fd");
    jfieldID descriptor_fd = fake_jni_field_id("java/io/FileDescriptor", "fd");
    if (!check("JNI_OnLoad looked up DefaultFileRegion.file/transferred, FileChannelImpl.fd, FileDescriptor.fd",
               file != NULL && transferred != NULL && channel_fd != NULL && descriptor_fd != NULL, "some missing")) {
        return;
    }
    jint fd = SN(newStream, JNI_FALSE);
    check_err("sendFile with a null region is -EINVAL", SN(sendFile, fd, NULL, 0, 0, 10), E(EINVAL));
    jobject region = fake_jni_new_object("io/netty/channel/DefaultFileRegion");
    check_err("sendFile of a region that is not open (file null) is -EBADF", SN(sendFile, fd, region, 0, 0, 10), E(EBADF));
    jobject channel = fake_jni_new_object("sun/nio/ch/FileChannelImpl");
    jobject descriptor = fake_jni_new_object("java/io/FileDescriptor");
    fake_jni_set_object_field(region, file, channel);
    fake_jni_set_object_field(channel, channel_fd, descriptor);
    /* A Windows JDK keeps the file's HANDLE elsewhere: FileDescriptor.fd is -1 there. */
    fake_jni_set_int_field(descriptor, descriptor_fd, -1);
    fake_jni_set_long_field(region, transferred, 5);
    check_err("sendFile of an open region is -ENOSYS on Windows (Java copies instead)",
              SN(sendFile, fd, region, 0, 0, 10), E(ENOSYS));
    check_eq("a failed sendFile leaves DefaultFileRegion.transferred alone", fake_jni_get_long_field(region, transferred), 5);
    /* A FileChannel that is not the JDK's file channel (a zip file system's): Java copies that region. */
    jobject other = fake_jni_new_object("jdk/nio/zipfs/ZipFileSystem$1");
    fake_jni_set_object_field(region, file, other);
    check_err("sendFile of a region over another FileChannel is -EOPNOTSUPP", SN(sendFile, fd, region, 0, 0, 10),
              EOPNOTSUPP);
    SN(close, fd);
}

void area_errors(void) {
    host_lib lib;
    if (host_setup(&lib) < 0) {
        return;
    }
    check_constants();
    check_strerror();
    jlong p = PN(pollerCreate, 8);
    if (!check("pollerCreate", p > 0, "returned %lld", (long long) p)) {
        return;
    }
    check_refused(p);
    check_addr_in_use();
    check_options();
    check_bad_arguments(p);
    check_send_file();
    check_eq("pollerClose returns 0", PN(pollerClose, p), 0);
    check_jni_clean("errors");
}
