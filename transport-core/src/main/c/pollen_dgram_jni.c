/* JNI bindings of datagram (UDP) sockets: dev/pollen/channel/core/NativeDatagram. */
#include "pollen_jni.h"

jint pollen_dgram_jni_register(JNIEnv *env, const char *prefix) {
    return 0;
}
