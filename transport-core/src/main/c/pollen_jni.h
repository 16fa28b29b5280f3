/* Shared JNI glue: every transport library calls these from its JNI_OnLoad/JNI_OnUnload. */
#ifndef POLLEN_JNI_H
#define POLLEN_JNI_H

#include <jni.h>

/*
 * Binds the socket natives (dev/pollen/channel/core/NativeSocket) and the poller natives
 * (poller_class, e.g. "dev/pollen/channel/epoll/EpollNative") under the package prefix
 * netty-jni-util derives from the library's file name, so a shaded jar keeps working.
 */
typedef jint (*pollen_jni_register_fn)(JNIEnv *env, const char *prefix);

/*
 * extra (may be NULL) binds the transport's own natives beyond the shared ones, on extra_class
 * (NULL if none), which is unbound again with the others on unload or a failed load.
 */
jint pollen_jni_onload(JavaVM *vm, void *reserved, const char *libname, const char *poller_class,
                       const char *extra_class, pollen_jni_register_fn extra);
void pollen_jni_onunload(JavaVM *vm, void *reserved);

/* The classes of the shared natives of each socket kind. */
#define POLLEN_DGRAM_CLASS "dev/pollen/channel/core/NativeDatagram"
#define POLLEN_UNIX_CLASS "dev/pollen/channel/core/NativeUnix"

/* Shared natives of each socket kind, one file each; 0 on success. */
jint pollen_dgram_jni_register(JNIEnv *env, const char *prefix);
jint pollen_unix_jni_register(JNIEnv *env, const char *prefix);

#endif
