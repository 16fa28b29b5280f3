/*
 * Shading: netty-jni-util derives a package prefix from the DLL's file name (everything before
 * "pollen_transport_native_wepoll", '_' meaning '/' and "_1" meaning '_'), and every class the
 * library registers on or looks up in the shaded packages must carry it. Also the load's failure
 * paths: a JDK class missing (sendFile unavailable, load still fine) and a Pollen class missing
 * (load fails cleanly).
 */
#include <string.h>

#include "host.h"

static int starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Loads the DLL as file_name and checks everything sits under prefix. */
static void check_prefixed(const char *file_name, const char *prefix) {
    char name[256], cls[512];
    host_lib lib;
    if (host_open(file_name, &lib) < 0) {
        return;
    }
    jint version = host_on_load(&lib);
    snprintf(name, sizeof(name), "%s: JNI_OnLoad returns JNI_VERSION_1_6", file_name);
    check_eq(name, version, JNI_VERSION_1_6);

    int n = fake_jni_native_count(), outside = 0;
    for (int i = 0; i < n; i++) {
        if (!starts_with(fake_jni_native(i)->cls, prefix)) {
            printf("  registered outside %s: %s.%s\n", prefix, fake_jni_native(i)->cls, fake_jni_native(i)->name);
            outside++;
        }
    }
    snprintf(name, sizeof(name), "%s: all %d registrations are on classes under %s", file_name, n, prefix);
    check(name, n == 50 && outside == 0, "%d registrations, %d outside the prefix", n, outside);

    static const char *const classes[] = { SOCKET_CLASS, POLLER_CLASS, DGRAM_CLASS };
    static const int counts[] = { 29, 7, 14 };
    for (int c = 0; c < 3; c++) {
        int k = 0;
        snprintf(cls, sizeof(cls), "%s%s", prefix, classes[c]);
        for (int i = 0; i < n; i++) {
            k += strcmp(fake_jni_native(i)->cls, cls) == 0;
        }
        snprintf(name, sizeof(name), "%s: %s has its %d natives", file_name, cls, counts[c]);
        check_eq(name, k, counts[c]);
    }

    /* Shaded packages (dev/pollen, io/netty) carry the prefix; the JDK's own classes never do. */
    int wrong = 0;
    for (int i = 0; i < fake_jni_found_count(); i++) {
        const char *f = fake_jni_found(i);
        int shaded_pkg = starts_with(f, "dev/pollen/") || starts_with(f, "io/netty/");
        int jdk = starts_with(f, "java/") || starts_with(f, "sun/") || starts_with(f, "jdk/");
        if (shaded_pkg || (!jdk && !starts_with(f, prefix))) {
            printf("  looked up without the prefix: %s\n", f);
            wrong++;
        } else if (starts_with(f, prefix) && (starts_with(f + strlen(prefix), "java/")
                                              || starts_with(f + strlen(prefix), "sun/"))) {
            printf("  JDK class looked up with the prefix: %s\n", f);
            wrong++;
        }
    }
    snprintf(name, sizeof(name), "%s: every class lookup uses the prefix exactly where it belongs", file_name);
    check(name, wrong == 0, "%d wrong lookups (see above)", wrong);

    snprintf(name, sizeof(name), "%s: sendFile's signature names the shaded DefaultFileRegion", file_name);
    char sig[512];
    snprintf(cls, sizeof(cls), "%s%s", prefix, SOCKET_CLASS);
    snprintf(sig, sizeof(sig), "(IL%sio/netty/channel/DefaultFileRegion;JJJ)J", prefix);
    check(name, fake_jni_native_fn(cls, "sendFile", sig) != NULL, "no %s.sendFile%s", cls, sig);

    if (host_bind_natives(prefix) == 0) {
        snprintf(name, sizeof(name), "%s: shaded pollerCapabilities answers LEVEL|ONESHOT|READ_CLOSED|PRIORITY", file_name);
        check_eq(name, PN0(pollerCapabilities),
                 POLLEN_CAP_LEVEL | POLLEN_CAP_ONESHOT | POLLEN_CAP_READ_CLOSED | POLLEN_CAP_PRIORITY);
        jint fd = SN(newStream, JNI_FALSE);
        snprintf(name, sizeof(name), "%s: shaded newStream and close work", file_name);
        check(name, fd > 0 && SN(close, fd) == 0, "newStream returned %ld", (long) fd);
    }
    lib.on_unload(fake_vm, NULL);
    snprintf(cls, sizeof(cls), "%s%s", prefix, POLLER_CLASS);
    snprintf(name, sizeof(name), "%s: JNI_OnUnload unregisters the shaded WepollNative", file_name);
    check_eq(name, fake_jni_unregister_count(cls), 1);
}

/* Without FileChannelImpl the load still succeeds and sendFile answers -ENOSYS. */
static void check_without_file_channel(void) {
    host_lib lib;
    const char *file = "nofile_" BASE_DLL;
    if (host_open(file, &lib) < 0) {
        return;
    }
    fake_jni_reset();
    fake_jni_set_missing_class("sun/nio/ch/FileChannelImpl");
    jint version = lib.on_load(fake_vm, NULL);
    check_eq("without sun/nio/ch/FileChannelImpl JNI_OnLoad still succeeds", version, JNI_VERSION_1_6);
    check("without FileChannelImpl the NoClassDefFoundError is cleared", !fake_jni_exception_pending(),
          "%s left pending", fake_jni_exception_class());
    if (host_bind_natives("nofile/") == 0 && host_read_errno() == 0) {
        check_err("without FileChannelImpl sendFile answers -ENOSYS", SN(sendFile, 1, NULL, 0, 0, 1), E(ENOSYS));
    }
    lib.on_unload(fake_vm, NULL);
}

/* Without the poller class the load fails with JNI_ERR and takes back what it registered. */
static void check_without_poller_class(void) {
    host_lib lib;
    const char *file = "broken_" BASE_DLL;
    if (host_open(file, &lib) < 0) {
        return;
    }
    fake_jni_reset();
    fake_jni_set_missing_class("broken/" POLLER_CLASS);
    int misuses = fake_jni_misuse_count();
    jint version = lib.on_load(fake_vm, NULL);
    check_eq("without WepollNative JNI_OnLoad returns JNI_ERR", version, JNI_ERR);
    check("without WepollNative the NoClassDefFoundError is left for the JVM to throw",
          strcmp(fake_jni_exception_class(), "java/lang/NoClassDefFoundError") == 0, "pending: '%s'",
          fake_jni_exception_class());
    check("without WepollNative NativeSocket's natives are unregistered again",
          fake_jni_unregister_count("broken/" SOCKET_CLASS) >= 1
              && fake_jni_native_fn("broken/" SOCKET_CLASS, "newStream", "(Z)I") == NULL,
          "NativeSocket unregistered %d times", fake_jni_unregister_count("broken/" SOCKET_CLASS));
    check("a failing JNI_OnLoad makes no JNI call while its exception is pending",
          fake_jni_misuse_count() == misuses, "%d calls with the exception pending (see JNI MISUSE above)",
          fake_jni_misuse_count() - misuses);
    fake_jni_reset();
}

void area_shading(void) {
    check_prefixed("shaded_prefix_" BASE_DLL, "shaded/prefix/");
    check_prefixed("my_1shaded_" BASE_DLL, "my_shaded/");
    check_without_file_channel();
    check_jni_clean("shading");
    check_without_poller_class();
}
