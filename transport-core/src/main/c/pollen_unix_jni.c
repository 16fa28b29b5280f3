/* JNI bindings of Unix domain sockets: dev/pollen/channel/core/NativeUnix. */
#include <errno.h>
#include <stdint.h>

#include "netty_jni_util.h"
#include "pollen_jni.h"
#include "pollen_unix.h"

/* Largest sun_path on any supported platform; addresses beyond pollen_unix_path_max() never fit. */
#define ADDR_BUF 256

#define MAX_GIDS 64

/* Copies an address array in; an array too long for sun_path is ENAMETOOLONG, never an overflow. */
static int addr_in(JNIEnv *env, jbyteArray array, uint8_t *addr) {
    if (array == NULL) {
        return -EINVAL;
    }
    jint len = (*env)->GetArrayLength(env, array);
    if (len <= 0) {
        return -EINVAL;
    }
    if (len > pollen_unix_path_max() || len > ADDR_BUF) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, array, 0, len, (jbyte *) addr);
    return len;
}

/* Copies a native address out; returns its length. */
static int addr_out(JNIEnv *env, jbyteArray array, const uint8_t *addr, int len) {
    if (array == NULL || (*env)->GetArrayLength(env, array) < len) {
        return -EINVAL;
    }
    if (len > 0) {
        (*env)->SetByteArrayRegion(env, array, 0, len, (const jbyte *) addr);
    }
    return len;
}

static jint u_pathMax(JNIEnv *env, jclass clazz) {
    return pollen_unix_path_max();
}

static jint u_newSocket(JNIEnv *env, jclass clazz, jint type) {
    pollen_fd fd;
    int rc = pollen_unix_socket(&fd, type);
    return rc < 0 ? rc : (jint) fd;
}

static jint u_socketPair(JNIEnv *env, jclass clazz, jint type, jintArray out) {
    pollen_fd sv[2];
    if (out == NULL || (*env)->GetArrayLength(env, out) < 2) {
        return -EINVAL;
    }
    int rc = pollen_unix_socketpair(sv, type);
    if (rc < 0) {
        return rc;
    }
    jint v[2] = { (jint) sv[0], (jint) sv[1] };
    (*env)->SetIntArrayRegion(env, out, 0, 2, v);
    return 0;
}

static jint u_bind(JNIEnv *env, jclass clazz, jint fd, jbyteArray address) {
    uint8_t addr[ADDR_BUF];
    int len = addr_in(env, address, addr);
    return len < 0 ? len : pollen_unix_bind((pollen_fd) fd, addr, len);
}

static jint u_connect(JNIEnv *env, jclass clazz, jint fd, jbyteArray address) {
    uint8_t addr[ADDR_BUF];
    int len = addr_in(env, address, addr);
    return len < 0 ? len : pollen_unix_connect((pollen_fd) fd, addr, len);
}

static jint u_localAddress(JNIEnv *env, jclass clazz, jint fd, jbyteArray out) {
    uint8_t addr[ADDR_BUF];
    int len = pollen_unix_local_address((pollen_fd) fd, addr, ADDR_BUF);
    return len < 0 ? len : addr_out(env, out, addr, len);
}

static jint u_remoteAddress(JNIEnv *env, jclass clazz, jint fd, jbyteArray out) {
    uint8_t addr[ADDR_BUF];
    int len = pollen_unix_remote_address((pollen_fd) fd, addr, ADDR_BUF);
    return len < 0 ? len : addr_out(env, out, addr, len);
}

/* out: [pid, uid, gid...]; returns the number of group ids. */
static jint u_peerCredentials(JNIEnv *env, jclass clazz, jint fd, jintArray out) {
    int32_t pid;
    uint32_t uid;
    uint32_t gids[MAX_GIDS];
    if (out == NULL) {
        return -EINVAL;
    }
    jint cap = (*env)->GetArrayLength(env, out) - 2;
    if (cap < 0) {
        return -EINVAL;
    }
    int n = pollen_unix_peer_credentials((pollen_fd) fd, &pid, &uid, gids, cap < MAX_GIDS ? cap : MAX_GIDS);
    if (n < 0) {
        return n;
    }
    jint v[2 + MAX_GIDS];
    v[0] = pid;
    v[1] = (jint) uid;
    for (int i = 0; i < n; i++) {
        v[2 + i] = (jint) gids[i];
    }
    (*env)->SetIntArrayRegion(env, out, 0, 2 + n, v);
    return n;
}

static jint u_sendFd(JNIEnv *env, jclass clazz, jint fd, jint fdToSend) {
    return pollen_unix_send_fd((pollen_fd) fd, fdToSend);
}

/*
 * -errno; 0 at end of stream; otherwise 1 + the number of descriptors written to fds, plus
 * POLLEN_UNIX_FDS_LOST when the peer sent descriptors that were closed instead.
 */
static jint u_recvFds(JNIEnv *env, jclass clazz, jint fd, jintArray fds) {
    int received[16];
    int count = 0;
    int lost = 0;
    if (fds == NULL) {
        return -EINVAL;
    }
    jint cap = (*env)->GetArrayLength(env, fds);
    int max = cap < 16 ? cap : 16;
    int n = pollen_unix_recv_fds((pollen_fd) fd, received, max, &count, &lost);
    if (n < 0) {
        return n;
    }
    if (n == 0 && count == 0) {
        return 0;
    }
    if (count > 0) {
        (*env)->SetIntArrayRegion(env, fds, 0, count, (const jint *) received);
    }
    return 1 + count + (lost ? POLLEN_UNIX_FDS_LOST : 0);
}

static jint u_sendTo(JNIEnv *env, jclass clazz, jint fd, jlong buf, jint len, jbyteArray address) {
    uint8_t addr[ADDR_BUF];
    int alen = 0;
    if (address != NULL) {
        alen = addr_in(env, address, addr);
        if (alen < 0) {
            return alen;
        }
    }
    return pollen_unix_sendto((pollen_fd) fd, (const void *) (intptr_t) buf, len, addr, alen);
}

/* Returns the datagram's size; its sender's address goes to address, the address length to addressLen[0]. */
static jint u_recvFrom(JNIEnv *env, jclass clazz, jint fd, jlong buf, jint len, jbyteArray address,
                       jintArray addressLen) {
    uint8_t addr[ADDR_BUF];
    int alen = 0;
    if (address == NULL || addressLen == NULL || (*env)->GetArrayLength(env, addressLen) < 1) {
        return -EINVAL;
    }
    jint cap = (*env)->GetArrayLength(env, address);
    int n = pollen_unix_recvfrom((pollen_fd) fd, (void *) (intptr_t) buf, len, addr, cap < ADDR_BUF ? cap : ADDR_BUF,
                                 &alen);
    if (n < 0) {
        return n;
    }
    addr_out(env, address, addr, alen);
    jint l = alen;
    (*env)->SetIntArrayRegion(env, addressLen, 0, 1, &l);
    return n;
}

static jint u_pipe(JNIEnv *env, jclass clazz, jintArray out) {
    int p[2];
    if (out == NULL || (*env)->GetArrayLength(env, out) < 2) {
        return -EINVAL;
    }
    int rc = pollen_unix_pipe(p);
    if (rc < 0) {
        return rc;
    }
    jint v[2] = { p[0], p[1] };
    (*env)->SetIntArrayRegion(env, out, 0, 2, v);
    return 0;
}

static jint u_read(JNIEnv *env, jclass clazz, jint fd, jlong buf, jint len) {
    return pollen_unix_read(fd, (void *) (intptr_t) buf, len);
}

static jint u_write(JNIEnv *env, jclass clazz, jint fd, jlong buf, jint len) {
    return pollen_unix_write(fd, (const void *) (intptr_t) buf, len);
}

static jint u_close(JNIEnv *env, jclass clazz, jint fd) {
    return pollen_unix_close(fd);
}

static const JNINativeMethod unix_methods[] = {
    { "pathMax", "()I", (void *) u_pathMax },
    { "newSocket", "(I)I", (void *) u_newSocket },
    { "socketPair", "(I[I)I", (void *) u_socketPair },
    { "bind", "(I[B)I", (void *) u_bind },
    { "connect", "(I[B)I", (void *) u_connect },
    { "localAddress", "(I[B)I", (void *) u_localAddress },
    { "remoteAddress", "(I[B)I", (void *) u_remoteAddress },
    { "peerCredentials", "(I[I)I", (void *) u_peerCredentials },
    { "sendFd", "(II)I", (void *) u_sendFd },
    { "recvFds", "(I[I)I", (void *) u_recvFds },
    { "sendTo", "(IJI[B)I", (void *) u_sendTo },
    { "recvFrom", "(IJI[B[I)I", (void *) u_recvFrom },
    { "pipe", "([I)I", (void *) u_pipe },
    { "read", "(IJI)I", (void *) u_read },
    { "write", "(IJI)I", (void *) u_write },
    { "close", "(I)I", (void *) u_close },
};

jint pollen_unix_jni_register(JNIEnv *env, const char *prefix) {
    return netty_jni_util_register_natives(env, prefix, POLLEN_UNIX_CLASS, unix_methods,
                                           (jint) (sizeof(unix_methods) / sizeof(unix_methods[0])));
}
