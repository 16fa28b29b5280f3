/*
 * Registration: what JNI_OnLoad returns and registers, on which classes, with which signatures;
 * what the DLL exports and imports; JNI_OnUnload; a JVM that refuses the JNI version.
 */
#include <string.h>

#include "host.h"

typedef struct expected_native {
    const char *cls;
    const char *name;
    const char *sig;
} expected_native;

/* Every native Java declares, as NativeSocket, WepollNative and NativeDatagram expect them. */
static const expected_native expected[] = {
    { SOCKET_CLASS, "ipv6Supported", "()Z" },
    { SOCKET_CLASS, "newStream", "(Z)I" },
    { SOCKET_CLASS, "bind", "(IZ[B)I" },
    { SOCKET_CLASS, "listen", "(II)I" },
    { SOCKET_CLASS, "connect", "(IZ[B)I" },
    { SOCKET_CLASS, "finishConnect", "(I)I" },
    { SOCKET_CLASS, "accept", "(I[B)I" },
    { SOCKET_CLASS, "localAddress", "(I[B)I" },
    { SOCKET_CLASS, "remoteAddress", "(I[B)I" },
    { SOCKET_CLASS, "recv", "(IJI)I" },
    { SOCKET_CLASS, "send", "(IJI)I" },
    { SOCKET_CLASS, "writev", "(IJI)J" },
    { SOCKET_CLASS, "shutdown", "(IZZ)I" },
    { SOCKET_CLASS, "close", "(I)I" },
    { SOCKET_CLASS, "setOption", "(III)I" },
    { SOCKET_CLASS, "getOption", "(II[I)I" },
    { SOCKET_CLASS, "iovMax", "()I" },
    { SOCKET_CLASS, "setRawOption", "(III[B)I" },
    { SOCKET_CLASS, "getRawOption", "(III[B)I" },
    { SOCKET_CLASS, "setMd5Sig", "(IZ[B[B)I" },
    { SOCKET_CLASS, "sendFile", "(ILio/netty/channel/DefaultFileRegion;JJJ)J" },
    { SOCKET_CLASS, "strerror", "(I)Ljava/lang/String;" },
    { SOCKET_CLASS, "errnoConstants", "()[I" },
    { SOCKET_CLASS, "contractConstants", "()Ljava/lang/String;" },
    { SOCKET_CLASS, "allocateMemory", "(I)Ljava/nio/ByteBuffer;" },
    { SOCKET_CLASS, "freeMemory", "(Ljava/nio/ByteBuffer;)V" },
    { SOCKET_CLASS, "bufferAddress", "(Ljava/nio/ByteBuffer;)J" },
    { SOCKET_CLASS, "addressSize", "()I" },
    { SOCKET_CLASS, "descriptorOf", "(Ljava/lang/Object;)I" },
    { POLLER_CLASS, "pollerCreate", "(I)J" },
    { POLLER_CLASS, "pollerCtl", "(JIIIJ)I" },
    { POLLER_CLASS, "pollerWait", "(JJIJ)I" },
    { POLLER_CLASS, "pollerIoBatch", "(JJI)I" },
    { POLLER_CLASS, "pollerWake", "(J)I" },
    { POLLER_CLASS, "pollerClose", "(J)I" },
    { POLLER_CLASS, "pollerCapabilities", "()I" },
    { DGRAM_CLASS, "newSocket", "(Z)I" },
    { DGRAM_CLASS, "disconnect", "(I)I" },
    { DGRAM_CLASS, "takeError", "(I)I" },
    { DGRAM_CLASS, "send", "(IZJIJI)I" },
    { DGRAM_CLASS, "recv", "(IZJIJI)I" },
    { DGRAM_CLASS, "membership", "(IZZ[BI[B)I" },
    { DGRAM_CLASS, "block", "(IZZ[BI[B)I" },
    { DGRAM_CLASS, "setMulticastIf", "(IZI[B)I" },
    { DGRAM_CLASS, "getMulticastIf", "(IZ[B)I" },
    { DGRAM_CLASS, "setOption", "(IZII)I" },
    { DGRAM_CLASS, "getOption", "(IZI[I)I" },
    { DGRAM_CLASS, "probe", "(I)I" },
    { DGRAM_CLASS, "layout", "()[I" },
    { DGRAM_CLASS, "callNames", "()Ljava/lang/String;" },
};
#define EXPECTED_COUNT ((int) (sizeof(expected) / sizeof(expected[0])))

static const unsigned char *rva(const host_lib *lib, DWORD offset) {
    return (const unsigned char *) lib->module + offset;
}

static const IMAGE_DATA_DIRECTORY *directory(const host_lib *lib, int index) {
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *) lib->module;
    const IMAGE_NT_HEADERS64 *nt = (const IMAGE_NT_HEADERS64 *) rva(lib, (DWORD) dos->e_lfanew);
    return &nt->OptionalHeader.DataDirectory[index];
}

static void check_exports(const host_lib *lib) {
    const IMAGE_DATA_DIRECTORY *dir = directory(lib, IMAGE_DIRECTORY_ENTRY_EXPORT);
    if (!check("the DLL has an export table", dir->VirtualAddress != 0 && dir->Size != 0, "none")) {
        return;
    }
    const IMAGE_EXPORT_DIRECTORY *exp = (const IMAGE_EXPORT_DIRECTORY *) rva(lib, dir->VirtualAddress);
    const DWORD *names = (const DWORD *) rva(lib, exp->AddressOfNames);
    char list[512] = "";
    int on_load = 0, on_unload = 0;
    for (DWORD i = 0; i < exp->NumberOfNames; i++) {
        const char *name = (const char *) rva(lib, names[i]);
        on_load += strcmp(name, "JNI_OnLoad") == 0;
        on_unload += strcmp(name, "JNI_OnUnload") == 0;
        strncat(list, " ", sizeof(list) - strlen(list) - 1);
        strncat(list, name, sizeof(list) - strlen(list) - 1);
    }
    check("the DLL exports exactly JNI_OnLoad and JNI_OnUnload",
          exp->NumberOfFunctions == 2 && exp->NumberOfNames == 2 && on_load == 1 && on_unload == 1,
          "%lu functions, names:%s", (unsigned long) exp->NumberOfFunctions, list);
}

static void check_imports(const host_lib *lib) {
    static const char *const allowed[] = { "kernel32.dll", "msvcrt.dll", "ws2_32.dll", "ntdll.dll" };
    const IMAGE_DATA_DIRECTORY *dir = directory(lib, IMAGE_DIRECTORY_ENTRY_IMPORT);
    char list[512] = "", bad[512] = "";
    if (dir->VirtualAddress != 0) {
        for (const IMAGE_IMPORT_DESCRIPTOR *d = (const IMAGE_IMPORT_DESCRIPTOR *) rva(lib, dir->VirtualAddress);
             d->Name != 0; d++) {
            const char *name = (const char *) rva(lib, d->Name);
            int ok = 0;
            for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
                ok |= _stricmp(name, allowed[i]) == 0;
            }
            strncat(ok ? list : bad, " ", sizeof(list) - strlen(ok ? list : bad) - 1);
            strncat(ok ? list : bad, name, sizeof(list) - strlen(ok ? list : bad) - 1);
        }
    }
    const IMAGE_DATA_DIRECTORY *delay = directory(lib, IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT);
    check("the DLL imports only KERNEL32, msvcrt, WS2_32 and ntdll", bad[0] == '\0' && delay->Size == 0,
          "also imports:%s%s (allowed ones:%s)", bad, delay->Size ? " and delay-loaded DLLs" : "", list);
}

static int count_class(const char *cls) {
    int n = 0;
    for (int i = 0; i < fake_jni_native_count(); i++) {
        n += strcmp(fake_jni_native(i)->cls, cls) == 0;
    }
    return n;
}

void area_registration(void) {
    host_lib lib;
    if (host_open(BASE_DLL, &lib) < 0) {
        return;
    }
    check_exports(&lib);
    check_imports(&lib);

    jint version = host_on_load(&lib);
    check_eq("JNI_OnLoad returns JNI_VERSION_1_6 (netty-jni-util's version)", version, JNI_VERSION_1_6);
    check_eq("JNI_OnLoad asks GetEnv for JNI_VERSION_1_6", fake_jni_getenv_version(), JNI_VERSION_1_6);

    int n = fake_jni_native_count();
    printf("  %d natives registered; classes looked up:", n);
    for (int i = 0; i < fake_jni_found_count(); i++) {
        printf(" %s", fake_jni_found(i));
    }
    printf("\n");

    /* Every registration is on one of the three classes. */
    int stray = 0;
    for (int i = 0; i < n; i++) {
        const fake_native *r = fake_jni_native(i);
        if (strcmp(r->cls, SOCKET_CLASS) != 0 && strcmp(r->cls, POLLER_CLASS) != 0 && strcmp(r->cls, DGRAM_CLASS) != 0) {
            printf("  unexpected registration %s.%s%s\n", r->cls, r->name, r->sig);
            stray++;
        }
    }
    check("natives are registered only on NativeSocket, WepollNative and NativeDatagram", stray == 0,
          "%d registrations on other classes", stray);
    check_eq("NativeSocket: 29 natives registered", count_class(SOCKET_CLASS), 29);
    check_eq("WepollNative: 7 natives registered", count_class(POLLER_CLASS), 7);
    check_eq("NativeDatagram: 14 natives registered", count_class(DGRAM_CLASS), 14);

    /* Each expected native exactly once, with exactly its signature. */
    int wrong = 0;
    for (int e = 0; e < EXPECTED_COUNT; e++) {
        int same = 0, other_sig = 0;
        for (int i = 0; i < n; i++) {
            const fake_native *r = fake_jni_native(i);
            if (strcmp(r->cls, expected[e].cls) == 0 && strcmp(r->name, expected[e].name) == 0) {
                if (strcmp(r->sig, expected[e].sig) == 0) {
                    same++;
                } else {
                    printf("  %s.%s registered as %s, Java declares %s\n", r->cls, r->name, r->sig, expected[e].sig);
                    other_sig++;
                }
            }
        }
        if (same != 1 || other_sig != 0) {
            printf("  %s.%s%s: registered %d times with that signature, %d with another\n", expected[e].cls,
                   expected[e].name, expected[e].sig, same, other_sig);
            wrong++;
        }
    }
    check("every native is registered once, under its Java name and signature", wrong == 0,
          "%d of %d natives wrong (see above)", wrong, EXPECTED_COUNT);
    check_eq("no registration beyond the expected list", n, EXPECTED_COUNT);

    int outside = 0;
    for (int i = 0; i < n; i++) {
        outside += !host_in_image(&lib, fake_jni_native(i)->fn);
    }
    check("every registered function lies inside the DLL's image", outside == 0, "%d outside", outside);

    int unix_classes = 0;
    for (int i = 0; i < n; i++) {
        unix_classes += strstr(fake_jni_native(i)->cls, "Unix") != NULL;
    }
    for (int i = 0; i < fake_jni_found_count(); i++) {
        unix_classes += strstr(fake_jni_found(i), "Unix") != NULL;
    }
    check("no Unix-domain socket natives (no NativeUnix lookup or registration)", unix_classes == 0,
          "%d Unix lookups or registrations", unix_classes);

    int region = 0;
    for (int i = 0; i < fake_jni_found_count(); i++) {
        region += strcmp(fake_jni_found(i), "io/netty/channel/DefaultFileRegion") == 0;
    }
    check("DefaultFileRegion is looked up under its unshaded name", region >= 1, "never looked up");
    check("no exception pending after JNI_OnLoad", !fake_jni_exception_pending(), "%s pending",
          fake_jni_exception_class());

    /* The natives are callable: the cheapest one. */
    if (host_bind_natives(NULL) == 0) {
        jint caps = PN0(pollerCapabilities);
        check("a registered native can be called (pollerCapabilities)", caps > 0, "returned %ld", (long) caps);
    }

    lib.on_unload(fake_vm, NULL);
    check_eq("JNI_OnUnload unregisters WepollNative's natives", fake_jni_unregister_count(POLLER_CLASS), 1);
    check_eq("JNI_OnUnload unregisters NativeSocket's natives", fake_jni_unregister_count(SOCKET_CLASS), 1);
    check_eq("JNI_OnUnload unregisters NativeDatagram's natives", fake_jni_unregister_count(DGRAM_CLASS), 1);
    check("after JNI_OnUnload the poller natives are gone",
          fake_jni_native_fn(POLLER_CLASS, "pollerCreate", "(I)J") == NULL, "still registered");

    /* A JVM that does not support the version netty-jni-util asks for. */
    fake_jni_reset();
    fake_jni_set_getenv_result(JNI_EVERSION);
    version = lib.on_load(fake_vm, NULL);
    /* netty-jni-util prints a FATAL line without a newline here. */
    fprintf(stderr, "\n");
    fflush(stderr);
    check_eq("JNI_OnLoad returns JNI_ERR when GetEnv refuses the version", version, JNI_ERR);
    check_eq("a refused JNI_OnLoad registers nothing", fake_jni_native_count(), 0);
    fake_jni_reset();

    check_jni_clean("registration");
}
