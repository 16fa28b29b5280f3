/* Entry points of libpollen_transport_native_kqueue: the shared natives plus BsdNative. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "netty_jni_util.h"
#include "pollen_bsd.h"
#include "pollen_jni.h"
#include "pollen_kqueue_raw.h"

static jint b_setAcceptFilter(JNIEnv *env, jclass clazz, jint fd, jstring name, jstring arg) {
    const char *n = name == NULL ? NULL : (*env)->GetStringUTFChars(env, name, NULL);
    const char *a = arg == NULL ? NULL : (*env)->GetStringUTFChars(env, arg, NULL);
    int rc;
    if ((name != NULL && n == NULL) || (arg != NULL && a == NULL)) {
        rc = -ENOMEM;
    } else {
        rc = pollen_bsd_set_accept_filter(fd, n, a);
    }
    if (n != NULL) {
        (*env)->ReleaseStringUTFChars(env, name, n);
    }
    if (a != NULL) {
        (*env)->ReleaseStringUTFChars(env, arg, a);
    }
    return rc;
}

/* out[0] = name, out[1] = argument; returns 1 if a filter is installed, 0 if none. */
static jint b_getAcceptFilter(JNIEnv *env, jclass clazz, jint fd, jobjectArray out) {
    char name[POLLEN_ACCEPT_FILTER_NAME_MAX];
    char arg[POLLEN_ACCEPT_FILTER_ARG_MAX];
    if (out == NULL || (*env)->GetArrayLength(env, out) < 2) {
        return -EINVAL;
    }
    int rc = pollen_bsd_get_accept_filter(fd, name, arg);
    if (rc <= 0) {
        return rc;
    }
    jstring n = (*env)->NewStringUTF(env, name);
    jstring a = n == NULL ? NULL : (*env)->NewStringUTF(env, arg);
    if (a == NULL) {
        return -ENOMEM;
    }
    (*env)->SetObjectArrayElement(env, out, 0, n);
    (*env)->SetObjectArrayElement(env, out, 1, a);
    return rc;
}

static jint b_peerPid(JNIEnv *env, jclass clazz, jint fd) {
    int pid = 0;
    int rc = pollen_bsd_peer_pid(fd, &pid);
    return rc < 0 ? rc : pid;
}

static jlong b_connectx(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jbyteArray address, jlong data, jint len) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    if (address == NULL || (*env)->GetArrayLength(env, address) < POLLEN_ADDR_SIZE) {
        return -EINVAL;
    }
    (*env)->GetByteArrayRegion(env, address, 0, POLLEN_ADDR_SIZE, (jbyte *) addr);
    return pollen_bsd_connectx(fd, ipv6, addr, (const void *) (intptr_t) data, len);
}

static jint b_fastOpenMode(JNIEnv *env, jclass clazz) {
    return pollen_bsd_fastopen_mode();
}

static jint b_kqueue(JNIEnv *env, jclass clazz) {
    return pollen_kq_create();
}

static jint b_kevent(JNIEnv *env, jclass clazz, jint kq, jlong changes, jint nchanges, jlong events, jint nevents,
                     jlong timeout_ns) {
    return pollen_kq_kevent(kq, (const void *) (intptr_t) changes, nchanges, (void *) (intptr_t) events, nevents,
                            timeout_ns);
}

static jintArray b_keventConstants(JNIEnv *env, jclass clazz) {
    int n;
    const int32_t *values = pollen_kq_constants(&n);
    jintArray array = (*env)->NewIntArray(env, n);
    if (array != NULL) {
        (*env)->SetIntArrayRegion(env, array, 0, n, (const jint *) values);
    }
    return array;
}

static const JNINativeMethod bsd_methods[] = {
    { "kqueue", "()I", (void *) b_kqueue },
    { "kevent", "(IJIJIJ)I", (void *) b_kevent },
    { "keventConstants", "()[I", (void *) b_keventConstants },
    { "setAcceptFilter", "(ILjava/lang/String;Ljava/lang/String;)I", (void *) b_setAcceptFilter },
    { "getAcceptFilter", "(I[Ljava/lang/String;)I", (void *) b_getAcceptFilter },
    { "peerPid", "(I)I", (void *) b_peerPid },
    { "connectx", "(IZ[BJI)J", (void *) b_connectx },
    { "fastOpenMode", "()I", (void *) b_fastOpenMode },
};

static jint register_bsd(JNIEnv *env, const char *prefix) {
    return netty_jni_util_register_natives(env, prefix, "dev/pollen/channel/kqueue/BsdNative", bsd_methods,
                                           (jint) (sizeof(bsd_methods) / sizeof(bsd_methods[0])));
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    return pollen_jni_onload(vm, reserved, "pollen_transport_native_kqueue", "dev/pollen/channel/kqueue/KQueueNative",
                             "dev/pollen/channel/kqueue/BsdNative", register_bsd);
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
    pollen_jni_onunload(vm, reserved);
}
