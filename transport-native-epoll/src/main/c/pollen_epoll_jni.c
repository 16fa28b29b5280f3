/* Entry points of libpollen_transport_native_epoll. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "netty_jni_util.h"
#include "pollen_jni.h"
#include "pollen_linux.h"
#include "pollen_uring.h"

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

static jint l_epollCreate(JNIEnv *env, jclass clazz) {
    return pollen_linux_epoll_create();
}

static jint l_epollCtl(JNIEnv *env, jclass clazz, jint epfd, jint op, jint fd, jint events, jlong data) {
    return pollen_linux_epoll_ctl(epfd, op, fd, (uint32_t) events, (uint64_t) data);
}

static jint l_epollWait(JNIEnv *env, jclass clazz, jint epfd, jlong records, jint max, jlong timeout_ns) {
    return pollen_linux_epoll_wait(epfd, (void *) (intptr_t) records, max, timeout_ns);
}

static jint l_inotifyInit(JNIEnv *env, jclass clazz) {
    return pollen_linux_inotify_init();
}

static jint l_inotifyAddWatch(JNIEnv *env, jclass clazz, jint fd, jbyteArray path, jint mask) {
    char buf[PATH_MAX];
    if (path == NULL) {
        return -EINVAL;
    }
    jsize len = (*env)->GetArrayLength(env, path);
    if (len <= 0 || len >= (jsize) sizeof(buf)) {
        return len <= 0 ? -ENOENT : -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, len, (jbyte *) buf);
    buf[len] = '\0';
    if (memchr(buf, '\0', (size_t) len) != NULL) {
        return -EINVAL;
    }
    return pollen_linux_inotify_add_watch(fd, buf, (uint32_t) mask);
}

static jint l_inotifyRmWatch(JNIEnv *env, jclass clazz, jint fd, jint wd) {
    return pollen_linux_inotify_rm_watch(fd, wd);
}

static jint l_pidfdOpen(JNIEnv *env, jclass clazz, jint pid) {
    return pollen_linux_pidfd_open(pid);
}

static jint l_eventfd(JNIEnv *env, jclass clazz, jint initial, jboolean semaphore) {
    return pollen_linux_eventfd((uint32_t) initial, semaphore);
}

static jint l_timerfdCreate(JNIEnv *env, jclass clazz) {
    return pollen_linux_timerfd_create();
}

static jint l_timerfdSetTime(JNIEnv *env, jclass clazz, jint fd, jlong initial_ns, jlong interval_ns) {
    return pollen_linux_timerfd_settime(fd, initial_ns, interval_ns);
}

static jint l_readCounter(JNIEnv *env, jclass clazz, jint fd, jlongArray out) {
    uint64_t value = 0;
    if (out == NULL || (*env)->GetArrayLength(env, out) < 1) {
        return -EINVAL;
    }
    int rc = pollen_linux_read_counter(fd, &value);
    if (rc == 0) {
        jlong v = (jlong) value;
        (*env)->SetLongArrayRegion(env, out, 0, 1, &v);
    }
    return rc;
}

static jint l_writeCounter(JNIEnv *env, jclass clazz, jint fd, jlong value) {
    return pollen_linux_write_counter(fd, (uint64_t) value);
}

static jintArray l_constants(JNIEnv *env, jclass clazz) {
    int n;
    const int32_t *values = pollen_linux_constants(&n);
    jintArray array = (*env)->NewIntArray(env, n);
    if (array != NULL) {
        (*env)->SetIntArrayRegion(env, array, 0, n, (const jint *) values);
    }
    return array;
}

static jint l_ioUringProbe(JNIEnv *env, jclass clazz) {
    return pollen_uring_probe();
}

static jint l_ioUringProbeStep(JNIEnv *env, jclass clazz) {
    return pollen_uring_probe_step();
}

static const JNINativeMethod linux_methods[] = {
    { "ioUringProbe", "()I", (void *) l_ioUringProbe },
    { "ioUringProbeStep", "()I", (void *) l_ioUringProbeStep },
    { "epollCreate", "()I", (void *) l_epollCreate },
    { "epollCtl", "(IIIIJ)I", (void *) l_epollCtl },
    { "epollWait", "(IJIJ)I", (void *) l_epollWait },
    { "inotifyInit", "()I", (void *) l_inotifyInit },
    { "inotifyAddWatch", "(I[BI)I", (void *) l_inotifyAddWatch },
    { "inotifyRmWatch", "(II)I", (void *) l_inotifyRmWatch },
    { "pidfdOpen", "(I)I", (void *) l_pidfdOpen },
    { "eventfd", "(IZ)I", (void *) l_eventfd },
    { "timerfdCreate", "()I", (void *) l_timerfdCreate },
    { "timerfdSetTime", "(IJJ)I", (void *) l_timerfdSetTime },
    { "readCounter", "(I[J)I", (void *) l_readCounter },
    { "writeCounter", "(IJ)I", (void *) l_writeCounter },
    { "constants", "()[I", (void *) l_constants },
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
