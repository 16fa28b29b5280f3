/* The host's loader, native bindings, helpers and main: see host.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

int host_passed, host_failed;

int check(const char *name, int ok, const char *fmt, ...) {
    if (ok) {
        host_passed++;
        printf("PASS %s\n", name);
    } else {
        va_list ap;
        host_failed++;
        printf("FAIL %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
    return ok;
}

int check_eq(const char *name, long long got, long long want) {
    return check(name, got == want, "got %lld, expected %lld", got, want);
}

int check_err(const char *name, long long got, int err) {
    return check(name, got == -err, "got %lld, expected %d (-errno %d)", got, -err, err);
}

/* ---- loading ---- */

static int exe_dir(char *dir, size_t size) {
    DWORD n = GetModuleFileNameA(NULL, dir, (DWORD) size);
    if (n == 0 || n >= size) {
        return -1;
    }
    char *slash = strrchr(dir, '\\');
    if (slash == NULL) {
        return -1;
    }
    slash[1] = '\0';
    return 0;
}

int host_open(const char *file_name, host_lib *lib) {
    char dir[MAX_PATH], base[MAX_PATH];
    memset(lib, 0, sizeof(*lib));
    if (exe_dir(dir, sizeof(dir)) < 0) {
        return check("host finds its directory", 0, "GetModuleFileNameA failed (%lu)", GetLastError()) - 1;
    }
    snprintf(base, sizeof(base), "%s%s", dir, BASE_DLL);
    snprintf(lib->path, sizeof(lib->path), "%s%s", dir, file_name);
    if (strcmp(file_name, BASE_DLL) != 0 && !CopyFileA(base, lib->path, FALSE)) {
        return check("copy the DLL", 0, "CopyFileA(%s, %s) failed (%lu)", base, lib->path, GetLastError()) - 1;
    }
    lib->module = LoadLibraryA(lib->path);
    if (lib->module == NULL) {
        return check("LoadLibrary", 0, "LoadLibraryA(%s) failed (%lu): a missing import DLL?", lib->path,
                     GetLastError()) - 1;
    }
    FARPROC on_load = GetProcAddress(lib->module, "JNI_OnLoad");
    FARPROC on_unload = GetProcAddress(lib->module, "JNI_OnUnload");
    if (on_load == NULL || on_unload == NULL) {
        return check("JNI_OnLoad and JNI_OnUnload are exported undecorated", 0, "%s: JNI_OnLoad %p, JNI_OnUnload %p",
                     file_name, (void *) on_load, (void *) on_unload) - 1;
    }
    memcpy(&lib->on_load, &on_load, sizeof(on_load));
    memcpy(&lib->on_unload, &on_unload, sizeof(on_unload));
    return 0;
}

jint host_on_load(host_lib *lib) {
    fake_jni_reset();
    return lib->on_load(fake_vm, NULL);
}

int host_in_image(const host_lib *lib, const void *p) {
    const unsigned char *image = (const unsigned char *) lib->module;
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *) image;
    const IMAGE_NT_HEADERS64 *nt = (const IMAGE_NT_HEADERS64 *) (image + dos->e_lfanew);
    const unsigned char *q = p;
    return q >= image && q < image + nt->OptionalHeader.SizeOfImage;
}

/* ---- binding ---- */

socket_natives S;
poller_natives P;
dgram_natives D;

static char bind_prefix[256];
static int bind_missing;

static void *find_native(const char *cls, const char *name, const char *sig) {
    char full[512];
    snprintf(full, sizeof(full), "%s%s", bind_prefix, cls);
    void *fn = fake_jni_native_fn(full, name, sig);
    if (fn == NULL) {
        bind_missing++;
        check("native is registered", 0, "%s.%s%s was not registered", full, name, sig);
    }
    return fn;
}

#define BIND(st, cls, field, sig) \
    do { \
        void *fn_ = find_native((cls), #field, (sig)); \
        memcpy(&(st).field, &fn_, sizeof(fn_)); \
    } while (0)

int host_bind_natives(const char *prefix) {
    char name[512], send_file_sig[512];
    snprintf(bind_prefix, sizeof(bind_prefix), "%s", prefix == NULL ? "" : prefix);
    bind_missing = 0;
    memset(&S, 0, sizeof(S));
    memset(&P, 0, sizeof(P));
    memset(&D, 0, sizeof(D));
    snprintf(name, sizeof(name), "%s%s", bind_prefix, SOCKET_CLASS);
    S.cls = fake_jni_class(name);
    snprintf(name, sizeof(name), "%s%s", bind_prefix, POLLER_CLASS);
    P.cls = fake_jni_class(name);
    snprintf(name, sizeof(name), "%s%s", bind_prefix, DGRAM_CLASS);
    D.cls = fake_jni_class(name);
    snprintf(send_file_sig, sizeof(send_file_sig), "(IL%sio/netty/channel/DefaultFileRegion;JJJ)J", bind_prefix);

    BIND(S, SOCKET_CLASS, ipv6Supported, "()Z");
    BIND(S, SOCKET_CLASS, newStream, "(Z)I");
    BIND(S, SOCKET_CLASS, bind, "(IZ[B)I");
    BIND(S, SOCKET_CLASS, listen, "(II)I");
    BIND(S, SOCKET_CLASS, connect, "(IZ[B)I");
    BIND(S, SOCKET_CLASS, finishConnect, "(I)I");
    BIND(S, SOCKET_CLASS, accept, "(I[B)I");
    BIND(S, SOCKET_CLASS, localAddress, "(I[B)I");
    BIND(S, SOCKET_CLASS, remoteAddress, "(I[B)I");
    BIND(S, SOCKET_CLASS, recv, "(IJI)I");
    BIND(S, SOCKET_CLASS, send, "(IJI)I");
    BIND(S, SOCKET_CLASS, writev, "(IJI)J");
    BIND(S, SOCKET_CLASS, shutdown, "(IZZ)I");
    BIND(S, SOCKET_CLASS, close, "(I)I");
    BIND(S, SOCKET_CLASS, setOption, "(III)I");
    BIND(S, SOCKET_CLASS, getOption, "(II[I)I");
    BIND(S, SOCKET_CLASS, iovMax, "()I");
    BIND(S, SOCKET_CLASS, setRawOption, "(III[B)I");
    BIND(S, SOCKET_CLASS, getRawOption, "(III[B)I");
    BIND(S, SOCKET_CLASS, setMd5Sig, "(IZ[B[B)I");
    BIND(S, SOCKET_CLASS, sendFile, send_file_sig);
    BIND(S, SOCKET_CLASS, strerror, "(I)Ljava/lang/String;");
    BIND(S, SOCKET_CLASS, errnoConstants, "()[I");
    BIND(S, SOCKET_CLASS, allocateMemory, "(I)Ljava/nio/ByteBuffer;");
    BIND(S, SOCKET_CLASS, freeMemory, "(Ljava/nio/ByteBuffer;)V");
    BIND(S, SOCKET_CLASS, bufferAddress, "(Ljava/nio/ByteBuffer;)J");
    BIND(S, SOCKET_CLASS, addressSize, "()I");
    BIND(S, SOCKET_CLASS, descriptorOf, "(Ljava/lang/Object;)I");

    BIND(P, POLLER_CLASS, pollerCreate, "(I)J");
    BIND(P, POLLER_CLASS, pollerCtl, "(JIIIJ)I");
    BIND(P, POLLER_CLASS, pollerWait, "(JJIJ)I");
    BIND(P, POLLER_CLASS, pollerIoBatch, "(JJI)I");
    BIND(P, POLLER_CLASS, pollerWake, "(J)I");
    BIND(P, POLLER_CLASS, pollerClose, "(J)I");
    BIND(P, POLLER_CLASS, pollerCapabilities, "()I");

    BIND(D, DGRAM_CLASS, newSocket, "(Z)I");
    BIND(D, DGRAM_CLASS, disconnect, "(I)I");
    BIND(D, DGRAM_CLASS, takeError, "(I)I");
    BIND(D, DGRAM_CLASS, send, "(IZJIJI)I");
    BIND(D, DGRAM_CLASS, recv, "(IZJIJI)I");
    BIND(D, DGRAM_CLASS, membership, "(IZZ[BI[B)I");
    BIND(D, DGRAM_CLASS, block, "(IZZ[BI[B)I");
    BIND(D, DGRAM_CLASS, setMulticastIf, "(IZI[B)I");
    BIND(D, DGRAM_CLASS, getMulticastIf, "(IZ[B)I");
    BIND(D, DGRAM_CLASS, setOption, "(IZII)I");
    BIND(D, DGRAM_CLASS, getOption, "(IZI[I)I");
    BIND(D, DGRAM_CLASS, probe, "(I)I");
    BIND(D, DGRAM_CLASS, layout, "()[I");
    BIND(D, DGRAM_CLASS, callNames, "()Ljava/lang/String;");
    return bind_missing == 0 ? 0 : -1;
}

/* ---- errno constants ---- */

static int errno_values[IX_COUNT];
static int errno_loaded;

int errno_of(enum errno_index ix) {
    if (!errno_loaded) {
        printf("FAIL errno constant %d asked for before errnoConstants was read\n", (int) ix);
        fflush(stdout);
        ExitProcess(2);
    }
    return errno_values[ix];
}

int host_setup(host_lib *lib) {
    if (host_open(BASE_DLL, lib) < 0) {
        return -1;
    }
    jint version = host_on_load(lib);
    if (!check("JNI_OnLoad succeeds", version > 0, "returned %ld", (long) version)) {
        return -1;
    }
    if (host_bind_natives(NULL) < 0) {
        return -1;
    }
    return host_read_errno();
}

int host_read_errno(void) {
    jintArray constants = SN0(errnoConstants);
    if (!check("errnoConstants returns an array", constants != NULL, "NULL")) {
        return -1;
    }
    if (!check_eq("errnoConstants has one value per constant NativeSocket reads", fake_jni_length(constants),
                  IX_COUNT)) {
        return -1;
    }
    memcpy(errno_values, fake_jni_ints(constants), sizeof(errno_values));
    errno_loaded = 1;
    return 0;
}

/* ---- addresses ---- */

jbyteArray addr4(int a, int b, int c, int d, int port) {
    jbyteArray arr = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    unsigned char *p = (unsigned char *) fake_jni_bytes(arr);
    p[0] = 4;
    p[1] = (unsigned char) a;
    p[2] = (unsigned char) b;
    p[3] = (unsigned char) c;
    p[4] = (unsigned char) d;
    p[17] = (unsigned char) (port >> 8);
    p[18] = (unsigned char) port;
    return arr;
}

jbyteArray addr6_loopback(int port) {
    jbyteArray arr = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    unsigned char *p = (unsigned char *) fake_jni_bytes(arr);
    p[0] = 16;
    p[16] = 1;
    p[17] = (unsigned char) (port >> 8);
    p[18] = (unsigned char) port;
    return arr;
}

jbyteArray addr6_any(int port) {
    jbyteArray arr = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    unsigned char *p = (unsigned char *) fake_jni_bytes(arr);
    p[0] = 16;
    p[17] = (unsigned char) (port >> 8);
    p[18] = (unsigned char) port;
    return arr;
}

int addr_port(jbyteArray addr) {
    const unsigned char *p = (const unsigned char *) fake_jni_bytes(addr);
    return p[17] << 8 | p[18];
}

int addr_equal(jbyteArray a, jbyteArray b) {
    const unsigned char *p = (const unsigned char *) fake_jni_bytes(a);
    const unsigned char *q = (const unsigned char *) fake_jni_bytes(b);
    return p[0] == q[0] && memcmp(p + 1, q + 1, p[0] <= 16 ? p[0] : 16) == 0 && p[17] == q[17] && p[18] == q[18];
}

const char *addr_str(jbyteArray addr, char *buf, size_t size) {
    const unsigned char *p = (const unsigned char *) fake_jni_bytes(addr);
    if (p[0] == 4) {
        snprintf(buf, size, "%d.%d.%d.%d:%d", p[1], p[2], p[3], p[4], p[17] << 8 | p[18]);
    } else if (p[0] == 16) {
        int n = snprintf(buf, size, "[");
        for (int i = 0; i < 16 && n < (int) size; i += 2) {
            n += snprintf(buf + n, size - (size_t) n, "%s%x", i ? ":" : "", p[1 + i] << 8 | p[2 + i]);
        }
        snprintf(buf + n, size - (size_t) n, "]:%d", p[17] << 8 | p[18]);
    } else {
        snprintf(buf, size, "(length byte %d)", p[0]);
    }
    return buf;
}

/* ---- time and waiting ---- */

double now_ms(void) {
    LARGE_INTEGER f, t;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t);
    return (double) t.QuadPart * 1000.0 / (double) f.QuadPart;
}

int wait_token(jlong poller, pollen_event *events, int cap, uint64_t token) {
    for (int round = 0; round < 50; round++) {
        jint n = PN(pollerWait, poller, ADDR(events), cap, 100000000LL);
        if (n < 0) {
            printf("  pollerWait failed: %ld\n", (long) n);
            return -1;
        }
        for (jint i = 0; i < n; i++) {
            if (events[i].token == token) {
                return (int) events[i].ready;
            }
        }
    }
    printf("  no event for token %llu within 5 s\n", (unsigned long long) token);
    return -1;
}

unsigned ready_within(jlong poller, pollen_event *events, int cap, uint64_t token, int ms) {
    unsigned ready = 0;
    double end = now_ms() + ms;
    for (double left = ms; left > 0; left = end - now_ms()) {
        jint n = PN(pollerWait, poller, ADDR(events), cap, (jlong) (left * 1000000.0));
        for (jint i = 0; i < n; i++) {
            if (events[i].token == token) {
                ready |= events[i].ready;
            }
        }
        if (n < 0) {
            printf("  pollerWait failed: %ld\n", (long) n);
            break;
        }
    }
    return ready;
}

#define PAIR_TOKEN 0x7e57000000000001ULL

int tcp_pair(jlong poller, int ipv6, jint *client, jint *server) {
    pollen_event ev[8];
    char buf[64];
    jbyteArray la = ipv6 ? addr6_loopback(0) : addr4(127, 0, 0, 1, 0);
    jbyteArray peer = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    jint l = SN(newStream, ipv6);
    jint rc;
    if (l < 0) {
        printf("  tcp_pair: newStream(%d) = %ld\n", ipv6, (long) l);
        return -1;
    }
    if ((rc = SN(bind, l, ipv6, la)) != 0 || (rc = SN(listen, l, 16)) != 0 || (rc = SN(localAddress, l, la)) != 0) {
        printf("  tcp_pair: listener setup failed: %ld\n", (long) rc);
        return -1;
    }
    jint c = SN(newStream, ipv6);
    rc = c < 0 ? c : SN(connect, c, ipv6, la);
    if (rc < 0) {
        printf("  tcp_pair: connect to %s: %ld\n", addr_str(la, buf, sizeof(buf)), (long) rc);
        return -1;
    }
    int connected = rc == 1;
    jint s;
    if ((rc = PN(pollerCtl, poller, POLLEN_CTL_ADD, l, POLLEN_INTEREST_READ, (jlong) PAIR_TOKEN)) != 0) {
        printf("  tcp_pair: pollerCtl(ADD listener) = %ld\n", (long) rc);
        return -1;
    }
    while ((s = SN(accept, l, peer)) == -E(EAGAIN)) {
        if (wait_token(poller, ev, 8, PAIR_TOKEN) < 0) {
            return -1;
        }
    }
    PN(pollerCtl, poller, POLLEN_CTL_DEL, l, 0, 0);
    if (s < 0) {
        printf("  tcp_pair: accept = %ld\n", (long) s);
        return -1;
    }
    if (!connected) {
        if ((rc = PN(pollerCtl, poller, POLLEN_CTL_ADD, c, POLLEN_INTEREST_WRITE, (jlong) PAIR_TOKEN)) != 0) {
            printf("  tcp_pair: pollerCtl(ADD client) = %ld\n", (long) rc);
            return -1;
        }
        while ((rc = SN(finishConnect, c)) == 0) {
            if (wait_token(poller, ev, 8, PAIR_TOKEN) < 0) {
                return -1;
            }
        }
        PN(pollerCtl, poller, POLLEN_CTL_DEL, c, 0, 0);
        if (rc != 1) {
            printf("  tcp_pair: finishConnect = %ld\n", (long) rc);
            return -1;
        }
    }
    SN(close, l);
    *client = c;
    *server = s;
    return 0;
}

int recv_all(jlong poller, jint fd, uint64_t token, unsigned char *buf, int len) {
    pollen_event ev[8];
    int got = 0;
    jint rc = PN(pollerCtl, poller, POLLEN_CTL_ADD, fd, POLLEN_INTEREST_READ, (jlong) token);
    if (rc != 0) {
        printf("  recv_all: pollerCtl(ADD) = %ld\n", (long) rc);
        return -1;
    }
    while (got < len) {
        jint n = SN(recv, fd, ADDR(buf + got), len - got);
        if (n > 0) {
            got += n;
        } else if (n == -E(EAGAIN)) {
            if (wait_token(poller, ev, 8, token) < 0) {
                break;
            }
        } else {
            printf("  recv_all: recv = %ld after %d of %d bytes\n", (long) n, got, len);
            break;
        }
    }
    PN(pollerCtl, poller, POLLEN_CTL_DEL, fd, 0, 0);
    return got == len ? 0 : -1;
}

void check_jni_clean(const char *area) {
    char name[128];
    snprintf(name, sizeof(name), "%s: the library used JNI correctly", area);
    check(name, fake_jni_misuse_count() == 0, "%d misuses (printed above as JNI MISUSE)", fake_jni_misuse_count());
    snprintf(name, sizeof(name), "%s: no Java exception left pending", area);
    check(name, !fake_jni_exception_pending(), "%s pending", fake_jni_exception_class());
}

static const struct {
    const char *name;
    void (*run)(void);
} areas[] = {
    { "registration", area_registration },
    { "shading", area_shading },
    { "poller", area_poller },
    { "data", area_data },
    { "errors", area_errors },
    { "dgram", area_dgram },
};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 2) {
        printf("usage: jni_host <area>; areas:");
        for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
            printf(" %s", areas[i].name);
        }
        printf("\n");
        return 2;
    }
    /* A JVM on Windows has initialised Winsock (its net library) before any transport loads. */
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        printf("FAIL WSAStartup\n");
        return 2;
    }
    fake_jni_init();
    for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
        if (strcmp(argv[1], areas[i].name) == 0) {
            areas[i].run();
            printf("AREA %s: %d passed, %d failed\n", argv[1], host_passed, host_failed);
            fflush(stdout);
            return host_failed == 0 ? 0 : 1;
        }
    }
    printf("unknown area %s\n", argv[1]);
    return 2;
}

int host_under_wine(void) {
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}
