/* Entry points of libpollen_transport_native_epoll. */
#include "pollen_jni.h"

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    return pollen_jni_onload(vm, reserved, "pollen_transport_native_epoll", "dev/pollen/channel/epoll/EpollNative");
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
    pollen_jni_onunload(vm, reserved);
}
