#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netty_jni_util.h"
#include "pollen_jni.h"
#include "pollen_poller.h"
#include "pollen_socket.h"
#include "pollen_dgram.h"
#include "pollen_unix.h"
#include <stddef.h>
#include <stdio.h>

#define SOCKET_CLASS "dev/pollen/channel/core/NativeSocket"

static char *poller_class_name;
static pollen_jni_register_fn extra_register;
static const char *extra_class_name;

#define FD(fd) ((pollen_fd) (fd))

/* Copies a Java address array in; a wrong size is EINVAL, never a read past the end. */
static int addr_in(JNIEnv *env, jbyteArray array, uint8_t *addr) {
    if (array == NULL || (*env)->GetArrayLength(env, array) < POLLEN_ADDR_SIZE) {
        return -EINVAL;
    }
    (*env)->GetByteArrayRegion(env, array, 0, POLLEN_ADDR_SIZE, (jbyte *) addr);
    return 0;
}

static int addr_out(JNIEnv *env, jbyteArray array, const uint8_t *addr) {
    if (array == NULL || (*env)->GetArrayLength(env, array) < POLLEN_ADDR_SIZE) {
        return -EINVAL;
    }
    (*env)->SetByteArrayRegion(env, array, 0, POLLEN_ADDR_SIZE, (const jbyte *) addr);
    return 0;
}

static jboolean s_ipv6Supported(JNIEnv *env, jclass clazz) {
    return pollen_socket_ipv6_supported() ? JNI_TRUE : JNI_FALSE;
}

static jint s_newStream(JNIEnv *env, jclass clazz, jboolean ipv6) {
    pollen_fd fd;
    int rc = pollen_socket_stream(&fd, ipv6);
    return rc < 0 ? rc : (jint) fd;
}

static jint s_bind(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jbyteArray address) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    int rc = addr_in(env, address, addr);
    return rc < 0 ? rc : pollen_socket_bind(FD(fd), ipv6, addr);
}

static jint s_listen(JNIEnv *env, jclass clazz, jint fd, jint backlog) {
    return pollen_socket_listen(FD(fd), backlog);
}

static jint s_connect(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jbyteArray address) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    int rc = addr_in(env, address, addr);
    return rc < 0 ? rc : pollen_socket_connect(FD(fd), ipv6, addr);
}

static jint s_finishConnect(JNIEnv *env, jclass clazz, jint fd) {
    return pollen_socket_finish_connect(FD(fd));
}

static jint s_accept(JNIEnv *env, jclass clazz, jint fd, jbyteArray address) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    pollen_fd child;
    if (address == NULL || (*env)->GetArrayLength(env, address) < POLLEN_ADDR_SIZE) {
        return -EINVAL;
    }
    int rc = pollen_socket_accept(FD(fd), &child, addr);
    if (rc < 0) {
        return rc;
    }
    addr_out(env, address, addr);
    return (jint) child;
}

static jint s_localAddress(JNIEnv *env, jclass clazz, jint fd, jbyteArray address) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    int rc = pollen_socket_local_address(FD(fd), addr);
    return rc < 0 ? rc : addr_out(env, address, addr);
}

static jint s_remoteAddress(JNIEnv *env, jclass clazz, jint fd, jbyteArray address) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    int rc = pollen_socket_remote_address(FD(fd), addr);
    return rc < 0 ? rc : addr_out(env, address, addr);
}

static jint s_recv(JNIEnv *env, jclass clazz, jint fd, jlong address, jint len) {
    return pollen_socket_recv(FD(fd), (void *) (intptr_t) address, len);
}

static jint s_send(JNIEnv *env, jclass clazz, jint fd, jlong address, jint len) {
    return pollen_socket_send(FD(fd), (const void *) (intptr_t) address, len);
}

static jlong s_writev(JNIEnv *env, jclass clazz, jint fd, jlong iov, jint count) {
    return pollen_socket_writev(FD(fd), (const void *) (intptr_t) iov, count);
}

static jint s_shutdown(JNIEnv *env, jclass clazz, jint fd, jboolean read, jboolean write) {
    return pollen_socket_shutdown(FD(fd), read, write);
}

static jint s_close(JNIEnv *env, jclass clazz, jint fd) {
    return pollen_socket_close(FD(fd));
}

static jint s_setOption(JNIEnv *env, jclass clazz, jint fd, jint option, jint value) {
    return pollen_socket_set_option(FD(fd), option, value);
}

static jint s_getOption(JNIEnv *env, jclass clazz, jint fd, jint option, jintArray out) {
    int value = 0;
    if (out == NULL || (*env)->GetArrayLength(env, out) < 1) {
        return -EINVAL;
    }
    int rc = pollen_socket_get_option(FD(fd), option, &value);
    if (rc < 0) {
        return rc;
    }
    jint v = value;
    (*env)->SetIntArrayRegion(env, out, 0, 1, &v);
    return 0;
}

static jint s_setRawOption(JNIEnv *env, jclass clazz, jint fd, jint level, jint name, jbyteArray value) {
    if (value == NULL) {
        return -EINVAL;
    }
    jint len = (*env)->GetArrayLength(env, value);
    jbyte buf[256];
    if (len > (jint) sizeof(buf)) {
        return -EINVAL;
    }
    (*env)->GetByteArrayRegion(env, value, 0, len, buf);
    return pollen_socket_set_raw_option(FD(fd), level, name, buf, len);
}

/* Returns the option's size; the array must be large enough. */
static jint s_getRawOption(JNIEnv *env, jclass clazz, jint fd, jint level, jint name, jbyteArray out) {
    if (out == NULL) {
        return -EINVAL;
    }
    jbyte buf[256];
    int len = (*env)->GetArrayLength(env, out);
    if (len > (int) sizeof(buf)) {
        len = (int) sizeof(buf);
    }
    int rc = pollen_socket_get_raw_option(FD(fd), level, name, buf, &len);
    if (rc < 0) {
        return rc;
    }
    (*env)->SetByteArrayRegion(env, out, 0, len, buf);
    return len;
}

static jint s_setMd5Sig(JNIEnv *env, jclass clazz, jint fd, jboolean ipv6, jbyteArray address, jbyteArray key) {
    uint8_t addr[POLLEN_ADDR_SIZE];
    uint8_t k[128];
    int rc = addr_in(env, address, addr);
    if (rc < 0) {
        return rc;
    }
    jint keylen = key == NULL ? 0 : (*env)->GetArrayLength(env, key);
    if (keylen > (jint) sizeof(k)) {
        return -EINVAL;
    }
    if (keylen > 0) {
        (*env)->GetByteArrayRegion(env, key, 0, keylen, (jbyte *) k);
    }
    return pollen_socket_set_md5sig(FD(fd), ipv6, addr, k, keylen);
}

/* DefaultFileRegion internals, found once at load; sendFile reports -ENOSYS without them. */
static jfieldID region_file_field;
static jfieldID region_transferred_field;
static jfieldID channel_fd_field;
static jfieldID descriptor_fd_field;
/* The JDK's FileChannel of files; other FileChannels (a zip file system's, say) have no descriptor. */
static jclass file_channel_class;

static void find_file_fields(JNIEnv *env, const char *prefix) {
    char *name = netty_jni_util_prepend(prefix, "io/netty/channel/DefaultFileRegion");
    jclass region = name == NULL ? NULL : (*env)->FindClass(env, name);
    free(name);
    jclass channel = region == NULL ? NULL : (*env)->FindClass(env, "sun/nio/ch/FileChannelImpl");
    jclass descriptor = channel == NULL ? NULL : (*env)->FindClass(env, "java/io/FileDescriptor");
    if (descriptor != NULL) {
        file_channel_class = (jclass) (*env)->NewGlobalRef(env, channel);
        region_file_field = (*env)->GetFieldID(env, region, "file", "Ljava/nio/channels/FileChannel;");
        region_transferred_field = region_file_field == NULL ? NULL : (*env)->GetFieldID(env, region, "transferred", "J");
        channel_fd_field = region_transferred_field == NULL ? NULL : (*env)->GetFieldID(env, channel, "fd", "Ljava/io/FileDescriptor;");
        descriptor_fd_field = channel_fd_field == NULL ? NULL : (*env)->GetFieldID(env, descriptor, "fd", "I");
    }
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env);
    }
    if (descriptor_fd_field == NULL) {
        region_file_field = NULL;
    }
}

/*
 * Sends len bytes of an opened DefaultFileRegion from position base + offset and advances its
 * transferred count; returns the bytes sent or a negative errno: -EOPNOTSUPP for a region whose
 * FileChannel is not a file of the JDK's (Java copies that region), -ENOSYS where the platform
 * has no sendfile for any.
 */
static jlong s_sendFile(JNIEnv *env, jclass clazz, jint fd, jobject region, jlong base, jlong offset, jlong len) {
    if (region_file_field == NULL) {
        return -ENOSYS;
    }
    if (region == NULL) {
        return -EINVAL;
    }
    jobject channel = (*env)->GetObjectField(env, region, region_file_field);
    if (channel == NULL) {
        return -EBADF;
    }
    if (!(*env)->IsInstanceOf(env, channel, file_channel_class)) {
        return -EOPNOTSUPP;
    }
    jobject descriptor = (*env)->GetObjectField(env, channel, channel_fd_field);
    if (descriptor == NULL) {
        return -EBADF;
    }
    jint file_fd = (*env)->GetIntField(env, descriptor, descriptor_fd_field);
    int64_t n = pollen_socket_sendfile(FD(fd), file_fd, base + offset, len);
    if (n > 0) {
        jlong transferred = (*env)->GetLongField(env, region, region_transferred_field);
        (*env)->SetLongField(env, region, region_transferred_field, transferred + n);
    }
    return n;
}

static jint s_iovMax(JNIEnv *env, jclass clazz) {
    return pollen_socket_iov_max();
}

static jstring s_strerror(JNIEnv *env, jclass clazz, jint err) {
    return (*env)->NewStringUTF(env, pollen_socket_strerror(err));
}

/*
 * Memory Pollen owns (event buffers, iovec and packet arrays, scratch space): allocated here and
 * freed here, so no JDK's cleaner is ever asked to free it. Zeroed; NULL when out of memory.
 */
static jobject s_allocateMemory(JNIEnv *env, jclass clazz, jint size) {
    if (size <= 0) {
        return NULL;
    }
    void *memory = calloc(1, (size_t) size);
    if (memory == NULL) {
        return NULL;
    }
    jobject buffer = (*env)->NewDirectByteBuffer(env, memory, size);
    if (buffer == NULL) {
        free(memory);
    }
    return buffer;
}

static void s_freeMemory(JNIEnv *env, jclass clazz, jobject buffer) {
    if (buffer != NULL) {
        free((*env)->GetDirectBufferAddress(env, buffer));
    }
}

/* The address of any direct buffer, for JDKs and Netty versions that give Java no other way. */
static jlong s_bufferAddress(JNIEnv *env, jclass clazz, jobject buffer) {
    return buffer == NULL ? 0 : (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buffer);
}

static jint s_addressSize(JNIEnv *env, jclass clazz) {
    return (jint) sizeof(void *);
}

/*
 * The descriptor (a SOCKET on Windows) behind a JDK channel: the int field fdVal that the JDK's
 * socket, server socket, datagram and pipe channels keep, or the java.io.FileDescriptor of a
 * FileChannel. JNI reads them without the module access checks Java code would need. -EINVAL when
 * the object has neither, -EBADF once it is closed (the JDK sets them to -1; on Windows a
 * FileChannel keeps a HANDLE instead, so it reads as closed).
 */
static jint s_descriptorOf(JNIEnv *env, jclass clazz, jobject channel) {
    if (channel == NULL) {
        return -EINVAL;
    }
    jclass type = (*env)->GetObjectClass(env, channel);
    jfieldID field = (*env)->GetFieldID(env, type, "fdVal", "I");
    jint fd;
    if (field != NULL) {
        fd = (*env)->GetIntField(env, channel, field);
    } else {
        /* NoSuchFieldError: maybe a FileChannel, which keeps only its java.io.FileDescriptor. */
        (*env)->ExceptionClear(env);
        field = (*env)->GetFieldID(env, type, "fd", "Ljava/io/FileDescriptor;");
        if (field == NULL) {
            (*env)->ExceptionClear(env);
            (*env)->DeleteLocalRef(env, type);
            return -EINVAL;
        }
        jobject descriptor = (*env)->GetObjectField(env, channel, field);
        fd = -1;
        if (descriptor != NULL) {
            jclass fd_type = (*env)->GetObjectClass(env, descriptor);
            jfieldID fd_field = (*env)->GetFieldID(env, fd_type, "fd", "I");
            if (fd_field != NULL) {
                fd = (*env)->GetIntField(env, descriptor, fd_field);
            } else {
                (*env)->ExceptionClear(env);
            }
            (*env)->DeleteLocalRef(env, fd_type);
            (*env)->DeleteLocalRef(env, descriptor);
        }
    }
    (*env)->DeleteLocalRef(env, type);
    return fd < 0 ? -EBADF : fd;
}

/* The errno values Java needs to recognise, in the order NativeSocket expects them. */
static jintArray s_errnoConstants(JNIEnv *env, jclass clazz) {
    jint values[] = { EAGAIN, EWOULDBLOCK, EINPROGRESS, ECONNREFUSED, ECONNRESET, EPIPE,
                      ENOTCONN, EBADF, ETIMEDOUT, EALREADY, EISCONN, EADDRINUSE, EINVAL,
                      ENOPROTOOPT, EAFNOSUPPORT, ENETUNREACH, EHOSTUNREACH, ENOSYS, ENOENT, EEXIST };
    jint n = (jint) (sizeof(values) / sizeof(values[0]));
    jintArray array = (*env)->NewIntArray(env, n);
    if (array != NULL) {
        (*env)->SetIntArrayRegion(env, array, 0, n, values);
    }
    return array;
}

/*
 * Every constant of the contract that Java writes down again, by its C name: checked against
 * Java's values when the library loads (dev.pollen.channel.core.Contract), so that the two sides
 * cannot drift apart unnoticed. One "NAME=value" per line.
 */
#define CONTRACT(name) { #name, (int) (name) }
static const struct {
    const char *name;
    int value;
} contract[] = {
    CONTRACT(POLLEN_INTEREST_READ), CONTRACT(POLLEN_INTEREST_WRITE), CONTRACT(POLLEN_INTEREST_READ_CLOSED),
    CONTRACT(POLLEN_INTEREST_ONESHOT), CONTRACT(POLLEN_INTEREST_PRIORITY),
    CONTRACT(POLLEN_READY_READABLE), CONTRACT(POLLEN_READY_WRITABLE), CONTRACT(POLLEN_READY_READ_CLOSED),
    CONTRACT(POLLEN_READY_ERROR), CONTRACT(POLLEN_READY_PRIORITY),
    CONTRACT(POLLEN_CTL_ADD), CONTRACT(POLLEN_CTL_MOD), CONTRACT(POLLEN_CTL_DEL),
    CONTRACT(POLLEN_CAP_LEVEL), CONTRACT(POLLEN_CAP_ONESHOT), CONTRACT(POLLEN_CAP_READ_CLOSED),
    CONTRACT(POLLEN_CAP_NANO_TIMEOUT), CONTRACT(POLLEN_CAP_CLOSE_REMOVES), CONTRACT(POLLEN_CAP_PRIORITY),
    CONTRACT(POLLEN_CAP_IO_BATCH), CONTRACT(POLLEN_CAP_IO_BATCH_POLL),
    { "sizeof(pollen_event)", (int) sizeof(pollen_event) },
    { "offsetof(pollen_event, token)", (int) offsetof(pollen_event, token) },
    { "offsetof(pollen_event, ready)", (int) offsetof(pollen_event, ready) },
    { "sizeof(pollen_io)", (int) sizeof(pollen_io) },
    { "offsetof(pollen_io, fd)", (int) offsetof(pollen_io, fd) },
    { "offsetof(pollen_io, result)", (int) offsetof(pollen_io, result) },
    { "offsetof(pollen_io, iovcnt)", (int) offsetof(pollen_io, iovcnt) },
    { "offsetof(pollen_io, op)", (int) offsetof(pollen_io, op) },
    CONTRACT(POLLEN_IO_SEND), CONTRACT(POLLEN_IO_RECV), CONTRACT(POLLEN_IO_POLL),
    CONTRACT(POLLEN_IO_CTL_ADD), CONTRACT(POLLEN_IO_CTL_MOD), CONTRACT(POLLEN_IO_CTL_DEL),
    CONTRACT(POLLEN_ADDR_SIZE),
    CONTRACT(POLLEN_SO_KEEPALIVE), CONTRACT(POLLEN_SO_REUSEADDR), CONTRACT(POLLEN_SO_REUSEPORT),
    CONTRACT(POLLEN_SO_RCVBUF), CONTRACT(POLLEN_SO_SNDBUF), CONTRACT(POLLEN_SO_LINGER),
    CONTRACT(POLLEN_SO_BROADCAST), CONTRACT(POLLEN_TCP_NODELAY), CONTRACT(POLLEN_IP_TOS),
    CONTRACT(POLLEN_TCP_KEEPIDLE), CONTRACT(POLLEN_TCP_KEEPINTVL), CONTRACT(POLLEN_TCP_KEEPCNT),
    CONTRACT(POLLEN_TCP_USER_TIMEOUT), CONTRACT(POLLEN_IPV6_V6ONLY), CONTRACT(POLLEN_TCP_CORK),
    CONTRACT(POLLEN_TCP_QUICKACK), CONTRACT(POLLEN_TCP_NOTSENT_LOWAT), CONTRACT(POLLEN_TCP_DEFER_ACCEPT),
    CONTRACT(POLLEN_TCP_FASTOPEN), CONTRACT(POLLEN_TCP_FASTOPEN_CONNECT), CONTRACT(POLLEN_IP_BIND_ADDRESS_NO_PORT),
    CONTRACT(POLLEN_SO_BUSY_POLL), CONTRACT(POLLEN_IP_FREEBIND), CONTRACT(POLLEN_IP_TRANSPARENT),
    CONTRACT(POLLEN_TCP_NOPUSH), CONTRACT(POLLEN_SO_SNDLOWAT), CONTRACT(POLLEN_SO_EXCLUSIVEADDRUSE),
    CONTRACT(POLLEN_OPTION_MAX),
    CONTRACT(POLLEN_UNIX_STREAM), CONTRACT(POLLEN_UNIX_DGRAM),
    CONTRACT(POLLEN_DGRAM_CAP_GSO), CONTRACT(POLLEN_DGRAM_CAP_GRO), CONTRACT(POLLEN_DGRAM_CAP_MMSG),
    CONTRACT(POLLEN_DGRAM_F_TRUNCATED), CONTRACT(POLLEN_DGRAM_F_NO_CONTROL), CONTRACT(POLLEN_UNIX_FDS_LOST),
};
#undef CONTRACT

static jstring s_contractConstants(JNIEnv *env, jclass clazz) {
    char text[4096];
    size_t used = 0;
    for (size_t i = 0; i < sizeof(contract) / sizeof(contract[0]); i++) {
        int n = snprintf(text + used, sizeof(text) - used, "%s=%d\n", contract[i].name, contract[i].value);
        if (n < 0 || (size_t) n >= sizeof(text) - used) {
            return NULL; /* cannot happen with this table; Java reports a missing table */
        }
        used += (size_t) n;
    }
    return (*env)->NewStringUTF(env, text);
}

static const JNINativeMethod socket_methods[] = {
    { "ipv6Supported", "()Z", (void *) s_ipv6Supported },
    { "newStream", "(Z)I", (void *) s_newStream },
    { "bind", "(IZ[B)I", (void *) s_bind },
    { "listen", "(II)I", (void *) s_listen },
    { "connect", "(IZ[B)I", (void *) s_connect },
    { "finishConnect", "(I)I", (void *) s_finishConnect },
    { "accept", "(I[B)I", (void *) s_accept },
    { "localAddress", "(I[B)I", (void *) s_localAddress },
    { "remoteAddress", "(I[B)I", (void *) s_remoteAddress },
    { "recv", "(IJI)I", (void *) s_recv },
    { "send", "(IJI)I", (void *) s_send },
    { "writev", "(IJI)J", (void *) s_writev },
    { "shutdown", "(IZZ)I", (void *) s_shutdown },
    { "close", "(I)I", (void *) s_close },
    { "setOption", "(III)I", (void *) s_setOption },
    { "getOption", "(II[I)I", (void *) s_getOption },
    { "iovMax", "()I", (void *) s_iovMax },
    { "setRawOption", "(III[B)I", (void *) s_setRawOption },
    { "getRawOption", "(III[B)I", (void *) s_getRawOption },
    { "setMd5Sig", "(IZ[B[B)I", (void *) s_setMd5Sig },
    { "strerror", "(I)Ljava/lang/String;", (void *) s_strerror },
    { "errnoConstants", "()[I", (void *) s_errnoConstants },
    { "contractConstants", "()Ljava/lang/String;", (void *) s_contractConstants },
    { "allocateMemory", "(I)Ljava/nio/ByteBuffer;", (void *) s_allocateMemory },
    { "freeMemory", "(Ljava/nio/ByteBuffer;)V", (void *) s_freeMemory },
    { "bufferAddress", "(Ljava/nio/ByteBuffer;)J", (void *) s_bufferAddress },
    { "addressSize", "()I", (void *) s_addressSize },
    { "descriptorOf", "(Ljava/lang/Object;)I", (void *) s_descriptorOf },
};

/* Poller natives: a pointer to the backend's poller travels to Java as a long. */
#define POLLER(p) ((pollen_poller *) (intptr_t) (p))

static jlong p_create(JNIEnv *env, jclass clazz, jint capacity) {
    pollen_poller *p = NULL;
    if (capacity <= 0) {
        return -EINVAL;
    }
    int rc = pollen_poller_create(&p, capacity);
    return rc < 0 ? rc : (jlong) (intptr_t) p;
}

static jint p_ctl(JNIEnv *env, jclass clazz, jlong p, jint op, jint fd, jint interest, jlong token) {
    return pollen_poller_ctl(POLLER(p), op, FD(fd), (uint32_t) interest, (uint64_t) token);
}

static jint p_io_batch(JNIEnv *env, jclass clazz, jlong p, jlong ops, jint count) {
    return pollen_poller_io_batch(POLLER(p), (pollen_io *) (intptr_t) ops, count);
}

static jint p_wait(JNIEnv *env, jclass clazz, jlong p, jlong events, jint max, jlong timeout_ns) {
    return pollen_poller_wait(POLLER(p), (pollen_event *) (intptr_t) events, max, timeout_ns);
}

static jint p_wake(JNIEnv *env, jclass clazz, jlong p) {
    return pollen_poller_wake(POLLER(p));
}

static jint p_close(JNIEnv *env, jclass clazz, jlong p) {
    return pollen_poller_close(POLLER(p));
}

static jint p_capabilities(JNIEnv *env, jclass clazz) {
    return (jint) pollen_poller_capabilities();
}

static const JNINativeMethod poller_methods[] = {
    { "pollerCreate", "(I)J", (void *) p_create },
    { "pollerCtl", "(JIIIJ)I", (void *) p_ctl },
    { "pollerWait", "(JJIJ)I", (void *) p_wait },
    { "pollerIoBatch", "(JJI)I", (void *) p_io_batch },
    { "pollerWake", "(J)I", (void *) p_wake },
    { "pollerClose", "(J)I", (void *) p_close },
    { "pollerCapabilities", "()I", (void *) p_capabilities },
};

#define COUNT(a) ((jint) (sizeof(a) / sizeof((a)[0])))

/* sendFile's signature names DefaultFileRegion, whose package moves when Netty is shaded. */
static jint register_send_file(JNIEnv *env, const char *prefix) {
    char *region = netty_jni_util_prepend(prefix, "io/netty/channel/DefaultFileRegion;JJJ)J");
    if (region == NULL) {
        return JNI_ERR;
    }
    char *signature = netty_jni_util_prepend("(IL", region);
    free(region);
    if (signature == NULL) {
        return JNI_ERR;
    }
    JNINativeMethod method = { "sendFile", signature, (void *) s_sendFile };
    find_file_fields(env, prefix);
    jint rc = netty_jni_util_register_natives(env, prefix, SOCKET_CLASS, &method, 1);
    free(signature);
    return rc;
}

static char *package_prefix;

/*
 * Unbinds the natives of every class this library registers (a class that cannot be found, as
 * after a failed load, leaves an exception that is cleared before the next call).
 */
static void unregister_all(JNIEnv *env, const char *prefix) {
    const char *classes[] = { SOCKET_CLASS, poller_class_name, POLLEN_DGRAM_CLASS,
#ifndef _WIN32
                              POLLEN_UNIX_CLASS,
#endif
                              extra_class_name };
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        if (classes[i] != NULL) {
            netty_jni_util_unregister_natives(env, prefix, classes[i]);
            if ((*env)->ExceptionCheck(env)) {
                (*env)->ExceptionClear(env);
            }
        }
    }
}

/*
 * Undoes the registrations after a failed load. The failure usually left an exception pending
 * (NoClassDefFoundError), and JNI allows no call while one is: it is set aside and thrown again
 * for the JVM to report.
 */
static jint fail_load(JNIEnv *env, const char *prefix) {
    jthrowable pending = (*env)->ExceptionOccurred(env);
    if (pending != NULL) {
        (*env)->ExceptionClear(env);
    }
    unregister_all(env, prefix);
    if (pending != NULL) {
        if ((*env)->ExceptionCheck(env)) {
            (*env)->ExceptionClear(env);
        }
        (*env)->Throw(env, pending);
    }
    return JNI_ERR;
}

static jint on_load(JNIEnv *env, const char *prefix) {
    if (netty_jni_util_register_natives(env, prefix, SOCKET_CLASS, socket_methods, COUNT(socket_methods)) != 0) {
        return JNI_ERR;
    }
    if (register_send_file(env, prefix) != 0) {
        return fail_load(env, prefix);
    }
    if (netty_jni_util_register_natives(env, prefix, poller_class_name, poller_methods, COUNT(poller_methods)) != 0
            || pollen_dgram_jni_register(env, prefix) != 0
#ifndef _WIN32
            /* No Unix-domain natives on Windows. */
            || pollen_unix_jni_register(env, prefix) != 0
#endif
            || (extra_register != NULL && extra_register(env, prefix) != 0)) {
        return fail_load(env, prefix);
    }
    if (prefix != NULL) {
        package_prefix = strdup(prefix);
    }
    return NETTY_JNI_UTIL_JNI_VERSION;
}

static void on_unload(JNIEnv *env) {
    unregister_all(env, package_prefix);
    free(package_prefix);
    package_prefix = NULL;
}

jint pollen_jni_onload(JavaVM *vm, void *reserved, const char *libname, const char *poller_class,
                       const char *extra_class, pollen_jni_register_fn extra) {
    poller_class_name = (char *) poller_class;
    extra_class_name = extra_class;
    extra_register = extra;
    return netty_jni_util_JNI_OnLoad(vm, reserved, libname, on_load);
}

void pollen_jni_onunload(JavaVM *vm, void *reserved) {
    netty_jni_util_JNI_OnUnload(vm, reserved, on_unload);
}
