/* Entry points of libpollen_transport_native_epoll. */
#include <errno.h>
#include <stdint.h>

#include "netty_jni_util.h"
#include "pollen_jni.h"
#include "pollen_linux.h"

static jlong l_pipe(JNIEnv *env, jclass clazz) {
    int fds[2];
    int rc = pollen_linux_pipe(fds);
    /* Both ends in one long: read end high, write end low. */
    return rc < 0 ? rc : ((jlong) fds[0] << 32) | (uint32_t) fds[1];
}

static jlong l_splice(JNIEnv *env, jclass clazz, jint fd_in, jlong off_in, jint fd_out, jlong off_out, jlong len) {
    return pollen_linux_splice(fd_in, off_in, fd_out, off_out, len);
}

static jint l_tcpInfo(JNIEnv *env, jclass clazz, jint fd, jlongArray out) {
    int64_t values[64];
    if (out == NULL) {
        return -EINVAL;
    }
    int rc = pollen_linux_tcp_info(fd, values, 64);
    if (rc < 0) {
        return rc;
    }
    if ((*env)->GetArrayLength(env, out) < rc) {
        return -EINVAL;
    }
    (*env)->SetLongArrayRegion(env, out, 0, rc, (const jlong *) values);
    return rc;
}

static jint l_close(JNIEnv *env, jclass clazz, jint fd) {
    return pollen_linux_close(fd);
}

static const JNINativeMethod linux_methods[] = {
    { "close", "(I)I", (void *) l_close },
    { "pipe", "()J", (void *) l_pipe },
    { "splice", "(IJIJJ)J", (void *) l_splice },
    { "tcpInfo", "(I[J)I", (void *) l_tcpInfo },
};

static jint register_linux(JNIEnv *env, const char *prefix) {
    return netty_jni_util_register_natives(env, prefix, "dev/pollen/channel/epoll/LinuxNative", linux_methods,
                                           (jint) (sizeof(linux_methods) / sizeof(linux_methods[0])));
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    return pollen_jni_onload(vm, reserved, "pollen_transport_native_epoll", "dev/pollen/channel/epoll/EpollNative",
                             "dev/pollen/channel/epoll/LinuxNative", register_linux);
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
    pollen_jni_onunload(vm, reserved);
}
