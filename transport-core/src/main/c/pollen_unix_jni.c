/* JNI bindings of Unix domain sockets: dev/pollen/channel/core/NativeUnix. */
#include "pollen_jni.h"

jint pollen_unix_jni_register(JNIEnv *env, const char *prefix) {
    return 0;
}
