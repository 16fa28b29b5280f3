/* Entry points of libpollen_transport_native_epoll. */
#include "pollen_jni.h"

/* Linux-only natives (dev/pollen/channel/epoll/LinuxNative). */
static jint register_linux(JNIEnv *env, const char *prefix) {
    return 0;
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    return pollen_jni_onload(vm, reserved, "pollen_transport_native_epoll", "dev/pollen/channel/epoll/EpollNative",
                             register_linux);
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
    pollen_jni_onunload(vm, reserved);
}
