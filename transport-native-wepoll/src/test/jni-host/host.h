/*
 * The JNI host: loads pollen_transport_native_wepoll_x86_64.dll (or a renamed copy), runs its
 * JNI_OnLoad against the fake JVM and calls the natives it registered, exactly as Java would.
 * One process runs one area (jni_host.exe <area>); each check prints PASS or FAIL with its name.
 */
#ifndef HOST_H
#define HOST_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include <jni.h>

#include "fake_jni.h"
#include "pollen_dgram.h"
#include "pollen_poller.h"
#include "pollen_socket.h"

#define BASE_DLL "pollen_transport_native_wepoll_x86_64.dll"
#define LIB_NAME "pollen_transport_native_wepoll"

#define SOCKET_CLASS "dev/pollen/channel/core/NativeSocket"
#define POLLER_CLASS "dev/pollen/channel/wepoll/WepollNative"
#define DGRAM_CLASS "dev/pollen/channel/core/NativeDatagram"

/* ---- checks ---- */

/* Prints "PASS name" or "FAIL name: detail"; returns ok. */
int check(const char *name, int ok, const char *fmt, ...) __attribute__((format(gnu_printf, 3, 4)));
#define CHECK(name, cond) check((name), (cond), "%s", #cond)
/* A native's result against an expected value, printing both on failure. */
int check_eq(const char *name, long long got, long long want);
/* Expect -err where err is one of the DLL's exported errno constants (see errno_of). */
int check_err(const char *name, long long got, int err);
extern int host_passed, host_failed;

/* ---- the library ---- */

typedef struct host_lib {
    HMODULE module;
    jint (JNICALL *on_load)(JavaVM *, void *);
    void (JNICALL *on_unload)(JavaVM *, void *);
    char path[MAX_PATH];
} host_lib;

/*
 * Copies the built DLL next to the host under file_name (unless it is the DLL itself), loads
 * it and finds its exports; 0 on success (a FAIL is printed otherwise).
 */
int host_open(const char *file_name, host_lib *lib);
/* Resets the fake JVM's records and calls JNI_OnLoad. */
jint host_on_load(host_lib *lib);
/* Where the DLL's image lies in memory. */
int host_in_image(const host_lib *lib, const void *p);

/* ---- the natives, bound from the registrations of the last load ---- */

typedef struct socket_natives {
    jclass cls;
    jboolean (JNICALL *ipv6Supported)(JNIEnv *, jclass);
    jint (JNICALL *newStream)(JNIEnv *, jclass, jboolean);
    jint (JNICALL *bind)(JNIEnv *, jclass, jint, jboolean, jbyteArray);
    jint (JNICALL *listen)(JNIEnv *, jclass, jint, jint);
    jint (JNICALL *connect)(JNIEnv *, jclass, jint, jboolean, jbyteArray);
    jint (JNICALL *finishConnect)(JNIEnv *, jclass, jint);
    jint (JNICALL *accept)(JNIEnv *, jclass, jint, jbyteArray);
    jint (JNICALL *localAddress)(JNIEnv *, jclass, jint, jbyteArray);
    jint (JNICALL *remoteAddress)(JNIEnv *, jclass, jint, jbyteArray);
    jint (JNICALL *recv)(JNIEnv *, jclass, jint, jlong, jint);
    jint (JNICALL *send)(JNIEnv *, jclass, jint, jlong, jint);
    jlong (JNICALL *writev)(JNIEnv *, jclass, jint, jlong, jint);
    jint (JNICALL *shutdown)(JNIEnv *, jclass, jint, jboolean, jboolean);
    jint (JNICALL *close)(JNIEnv *, jclass, jint);
    jint (JNICALL *setOption)(JNIEnv *, jclass, jint, jint, jint);
    jint (JNICALL *getOption)(JNIEnv *, jclass, jint, jint, jintArray);
    jint (JNICALL *iovMax)(JNIEnv *, jclass);
    jint (JNICALL *setRawOption)(JNIEnv *, jclass, jint, jint, jint, jbyteArray);
    jint (JNICALL *getRawOption)(JNIEnv *, jclass, jint, jint, jint, jbyteArray);
    jint (JNICALL *setMd5Sig)(JNIEnv *, jclass, jint, jboolean, jbyteArray, jbyteArray);
    jlong (JNICALL *sendFile)(JNIEnv *, jclass, jint, jobject, jlong, jlong, jlong);
    jstring (JNICALL *strerror)(JNIEnv *, jclass, jint);
    jintArray (JNICALL *errnoConstants)(JNIEnv *, jclass);
    jobject (JNICALL *allocateMemory)(JNIEnv *, jclass, jint);
    void (JNICALL *freeMemory)(JNIEnv *, jclass, jobject);
    jlong (JNICALL *bufferAddress)(JNIEnv *, jclass, jobject);
    jint (JNICALL *addressSize)(JNIEnv *, jclass);
    jint (JNICALL *descriptorOf)(JNIEnv *, jclass, jobject);
} socket_natives;

typedef struct poller_natives {
    jclass cls;
    jlong (JNICALL *pollerCreate)(JNIEnv *, jclass, jint);
    jint (JNICALL *pollerCtl)(JNIEnv *, jclass, jlong, jint, jint, jint, jlong);
    jint (JNICALL *pollerWait)(JNIEnv *, jclass, jlong, jlong, jint, jlong);
    jint (JNICALL *pollerIoBatch)(JNIEnv *, jclass, jlong, jlong, jint);
    jint (JNICALL *pollerWake)(JNIEnv *, jclass, jlong);
    jint (JNICALL *pollerClose)(JNIEnv *, jclass, jlong);
    jint (JNICALL *pollerCapabilities)(JNIEnv *, jclass);
} poller_natives;

typedef struct dgram_natives {
    jclass cls;
    jint (JNICALL *newSocket)(JNIEnv *, jclass, jboolean);
    jint (JNICALL *disconnect)(JNIEnv *, jclass, jint);
    jint (JNICALL *takeError)(JNIEnv *, jclass, jint);
    jint (JNICALL *send)(JNIEnv *, jclass, jint, jboolean, jlong, jint, jlong, jint);
    jint (JNICALL *recv)(JNIEnv *, jclass, jint, jboolean, jlong, jint, jlong, jint);
    jint (JNICALL *membership)(JNIEnv *, jclass, jint, jboolean, jboolean, jbyteArray, jint, jbyteArray);
    jint (JNICALL *block)(JNIEnv *, jclass, jint, jboolean, jboolean, jbyteArray, jint, jbyteArray);
    jint (JNICALL *setMulticastIf)(JNIEnv *, jclass, jint, jboolean, jint, jbyteArray);
    jint (JNICALL *getMulticastIf)(JNIEnv *, jclass, jint, jboolean, jbyteArray);
    jint (JNICALL *setOption)(JNIEnv *, jclass, jint, jboolean, jint, jint);
    jint (JNICALL *getOption)(JNIEnv *, jclass, jint, jboolean, jint, jintArray);
    jint (JNICALL *probe)(JNIEnv *, jclass, jint);
    jintArray (JNICALL *layout)(JNIEnv *, jclass);
    jstring (JNICALL *callNames)(JNIEnv *, jclass);
} dgram_natives;

extern socket_natives S;
extern poller_natives P;
extern dgram_natives D;

/* Binds S, P and D from the registrations under prefix (NULL: none); 0 if every native is there. */
int host_bind_natives(const char *prefix);

/* Calls through the bound natives: SN(bind, fd, ...) is NativeSocket.bind(fd, ...). */
#define SN(m, ...) S.m(fake_env, S.cls, __VA_ARGS__)
#define SN0(m) S.m(fake_env, S.cls)
#define PN(m, ...) P.m(fake_env, P.cls, __VA_ARGS__)
#define PN0(m) P.m(fake_env, P.cls)
#define DN(m, ...) D.m(fake_env, D.cls, __VA_ARGS__)
#define DN0(m) D.m(fake_env, D.cls)

/*
 * Loads the base DLL and binds its natives; 0 on success. Also reads the errno constants the
 * DLL exports, which errno_of() then answers from.
 */
int host_setup(host_lib *lib);
/* Reads the errno constants through the bound errnoConstants native; 0 on success. */
int host_read_errno(void);
/* 1 when running under Wine (its ntdll exports wine_get_version), where a few answers differ from Windows. */
int host_under_wine(void);

/* The order of NativeSocket.errnoConstants(), as Java reads it. */
enum errno_index {
    IX_EAGAIN, IX_EWOULDBLOCK, IX_EINPROGRESS, IX_ECONNREFUSED, IX_ECONNRESET, IX_EPIPE, IX_ENOTCONN, IX_EBADF,
    IX_ETIMEDOUT, IX_EALREADY, IX_EISCONN, IX_EADDRINUSE, IX_EINVAL, IX_ENOPROTOOPT, IX_EAFNOSUPPORT,
    IX_ENETUNREACH, IX_EHOSTUNREACH, IX_ENOSYS, IX_ENOENT, IX_EEXIST, IX_COUNT
};
/* The DLL's value for one of the constants above, as exported through errnoConstants. */
int errno_of(enum errno_index ix);
#define E(name) errno_of(IX_##name)

/* ---- helpers over the natives ---- */

/* A 24-byte address array for an IPv4 address (a.b.c.d) and port. */
jbyteArray addr4(int a, int b, int c, int d, int port);
/* A 24-byte address array for ::1 (loopback) or :: (any) and port. */
jbyteArray addr6_loopback(int port);
jbyteArray addr6_any(int port);
int addr_port(jbyteArray addr);
int addr_equal(jbyteArray a, jbyteArray b);
/* "127.0.0.1:1234" for messages (a static buffer per call site is enough). */
const char *addr_str(jbyteArray addr, char *buf, size_t size);

/* A long address for native memory, as Java passes it. */
#define ADDR(p) ((jlong) (intptr_t) (p))

/* Milliseconds on a monotonic clock. */
double now_ms(void);

/*
 * Waits (up to about 5 s) until the poller reports an event for token; returns its readiness
 * bits, or -1 (after printing why) if none came. events is a native buffer of cap events.
 */
int wait_token(jlong poller, pollen_event *events, int cap, uint64_t token);
/* Collects events for up to ms milliseconds; returns the OR of readiness seen for token. */
unsigned ready_within(jlong poller, pollen_event *events, int cap, uint64_t token, int ms);

/*
 * A loopback TCP listener (ipv6: on ::1), client and accepted server, connected through the
 * natives; 0 on success.
 */
int tcp_pair(jlong poller, int ipv6, jint *client, jint *server);

/* Receives exactly len bytes into buf (waiting on the poller between tries); 0 on success. */
int recv_all(jlong poller, jint fd, uint64_t token, unsigned char *buf, int len);

/* Ends an area: checks the JNI environment was used correctly and no exception is left. */
void check_jni_clean(const char *area);

/* The areas. */
void area_registration(void);
void area_shading(void);
void area_poller(void);
void area_data(void);
void area_errors(void);
void area_dgram(void);

#endif
