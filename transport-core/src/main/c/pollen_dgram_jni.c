/* JNI bindings of datagram (UDP) sockets: dev/pollen/channel/core/NativeDatagram. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "netty_jni_util.h"
#include "pollen_dgram.h"
#include "pollen_jni.h"

#define FD(fd) ((pollen_fd) (fd))
#define PTR(p) ((void *) (intptr_t) (p))

/* Copies a Java address array in; NULL stays NULL when optional, a short array is EINVAL. */
static int addr_in(JNIEnv *env, jbyteArray array, uint8_t *addr, int optional, const uint8_t **out) {
    if (array == NULL) {
        *out = NULL;
        return optional ? 0 : -EINVAL;
    }
    if ((*env)->GetArrayLength(env, array) < POLLEN_ADDR_SIZE) {
        return -EINVAL;
    }
    (*env)->GetByteArrayRegion(env, array, 0, POLLEN_ADDR_SIZE, (jbyte *) addr);
    *out = addr;
    return 0;
}

static jint d_newSocket(JNIEnv *env, jclass clazz, jboolean ipv6) {
    pollen_fd fd;
    int rc = pollen_socket_datagram(&fd, ipv6);
    return rc < 0 ? rc : (jint) fd;
}

static jint d_disconnect(JNIEnv *env, jclass clazz, jint fd) {
    return pollen_dgram_disconnect(FD(fd));
}

static jint d_takeError(JNIEnv *env, jclass clazz, jint fd) {
    return pollen_dgram_take_error(FD(fd));
}

static jint d_send(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jlong packets, jint count, jlong iov,
                   jint iovTotal) {
    return pollen_dgram_send(FD(fd), ipv6, (pollen_dgram_packet *) PTR(packets), count, PTR(iov), iovTotal);
}

static jint d_recv(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jlong packets, jint count, jlong iov,
                   jint iovTotal) {
    return pollen_dgram_recv(FD(fd), ipv6, (pollen_dgram_packet *) PTR(packets), count, PTR(iov), iovTotal);
}

static jint d_membership(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jboolean join, jbyteArray group,
                         jint iface, jbyteArray source) {
    uint8_t g[POLLEN_ADDR_SIZE], s[POLLEN_ADDR_SIZE];
    const uint8_t *gp, *sp;
    int rc;
    if ((rc = addr_in(env, group, g, 0, &gp)) < 0 || (rc = addr_in(env, source, s, 1, &sp)) < 0) {
        return rc;
    }
    return pollen_dgram_membership(FD(fd), ipv6, join, gp, iface, sp);
}

static jint d_block(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jboolean block, jbyteArray group,
                    jint iface, jbyteArray source) {
    uint8_t g[POLLEN_ADDR_SIZE], s[POLLEN_ADDR_SIZE];
    const uint8_t *gp, *sp;
    int rc;
    if ((rc = addr_in(env, group, g, 0, &gp)) < 0 || (rc = addr_in(env, source, s, 0, &sp)) < 0) {
        return rc;
    }
    return pollen_dgram_block(FD(fd), ipv6, block, gp, iface, sp);
}

static jint d_setMulticastIf(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jint iface, jbyteArray address) {
    uint8_t a[POLLEN_ADDR_SIZE];
    const uint8_t *ap;
    int rc = addr_in(env, address, a, 1, &ap);
    return rc < 0 ? rc : pollen_dgram_set_multicast_if(FD(fd), ipv6, iface, ap);
}

static jint d_getMulticastIf(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jbyteArray address) {
    uint8_t a[POLLEN_ADDR_SIZE];
    if (address == NULL || (*env)->GetArrayLength(env, address) < POLLEN_ADDR_SIZE) {
        return -EINVAL;
    }
    int rc = pollen_dgram_get_multicast_if(FD(fd), ipv6, a);
    if (rc >= 0) {
        (*env)->SetByteArrayRegion(env, address, 0, POLLEN_ADDR_SIZE, (const jbyte *) a);
    }
    return rc;
}

static jint d_setOption(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jint option, jint value) {
    return pollen_dgram_set_option(FD(fd), ipv6, option, value);
}

static jint d_getOption(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jint option, jintArray out) {
    int value = 0;
    if (out == NULL || (*env)->GetArrayLength(env, out) < 1) {
        return -EINVAL;
    }
    int rc = pollen_dgram_get_option(FD(fd), ipv6, option, &value);
    if (rc < 0) {
        return rc;
    }
    jint v = value;
    (*env)->SetIntArrayRegion(env, out, 0, 1, &v);
    return 0;
}

static jint d_probe(JNIEnv *env, jclass clazz, jint capability) {
    return pollen_dgram_probe(capability);
}

/* The record layout and batch limit, so Java can check it agrees with this library. */
static jintArray d_layout(JNIEnv *env, jclass clazz) {
    jint values[] = { POLLEN_DGRAM_PACKET_SIZE, POLLEN_DGRAM_MAX_BATCH, POLLEN_DGRAM_OFF_IOV_INDEX,
                      POLLEN_DGRAM_OFF_IOV_COUNT, POLLEN_DGRAM_OFF_LENGTH, POLLEN_DGRAM_OFF_SEGMENT,
                      POLLEN_DGRAM_OFF_ADDR, POLLEN_DGRAM_OFF_ORIG_DST, POLLEN_DGRAM_OFF_FLAGS,
                      POLLEN_DGRAM_OFF_CALL, EMSGSIZE, EACCES, EPERM, EOPNOTSUPP, EADDRNOTAVAIL, ENODEV, EDESTADDRREQ };
    jint n = (jint) (sizeof(values) / sizeof(values[0]));
    jintArray array = (*env)->NewIntArray(env, n);
    if (array != NULL) {
        (*env)->SetIntArrayRegion(env, array, 0, n, values);
    }
    return array;
}

/* The names of enum pollen_dgram_call in order, comma-separated; NONE's is empty. */
static jstring d_callNames(JNIEnv *env, jclass clazz) {
    static const char *const names[POLLEN_DGRAM_CALL_COUNT] = {
        [POLLEN_DGRAM_CALL_NONE] = "",
        [POLLEN_DGRAM_CALL_SENDMSG] = "sendmsg",     [POLLEN_DGRAM_CALL_SENDMMSG] = "sendmmsg",
        [POLLEN_DGRAM_CALL_SENDTO] = "sendto",       [POLLEN_DGRAM_CALL_RECVMSG] = "recvmsg",
        [POLLEN_DGRAM_CALL_RECVMMSG] = "recvmmsg",   [POLLEN_DGRAM_CALL_RECVFROM] = "recvfrom",
        [POLLEN_DGRAM_CALL_WSASENDTO] = "WSASendTo", [POLLEN_DGRAM_CALL_WSARECVFROM] = "WSARecvFrom",
    };
    char joined[256];
    size_t used = 0;
    for (int i = 0; i < POLLEN_DGRAM_CALL_COUNT; i++) {
        used += (size_t) snprintf(joined + used, sizeof(joined) - used, i == 0 ? "%s" : ",%s", names[i]);
    }
    return (*env)->NewStringUTF(env, joined);
}

static const JNINativeMethod dgram_methods[] = {
    { "newSocket", "(Z)I", (void *) d_newSocket },
    { "disconnect", "(I)I", (void *) d_disconnect },
    { "takeError", "(I)I", (void *) d_takeError },
    { "send", "(IZJIJI)I", (void *) d_send },
    { "recv", "(IZJIJI)I", (void *) d_recv },
    { "membership", "(IZZ[BI[B)I", (void *) d_membership },
    { "block", "(IZZ[BI[B)I", (void *) d_block },
    { "setMulticastIf", "(IZI[B)I", (void *) d_setMulticastIf },
    { "getMulticastIf", "(IZ[B)I", (void *) d_getMulticastIf },
    { "setOption", "(IZII)I", (void *) d_setOption },
    { "getOption", "(IZI[I)I", (void *) d_getOption },
    { "probe", "(I)I", (void *) d_probe },
    { "layout", "()[I", (void *) d_layout },
    { "callNames", "()Ljava/lang/String;", (void *) d_callNames },
};

jint pollen_dgram_jni_register(JNIEnv *env, const char *prefix) {
    return netty_jni_util_register_natives(env, prefix, POLLEN_DGRAM_CLASS, dgram_methods,
                                           (jint) (sizeof(dgram_methods) / sizeof(dgram_methods[0])));
}
