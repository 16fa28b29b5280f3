/*
 * Entry points of pollen_transport_native_wepoll: the shared natives with WepollNative as the
 * poller class. The same file is built into the Windows DLL (over the AFD poller) and into the
 * Linux test library (over the epoll backend in its wepoll profile).
 */
#include "pollen_jni.h"

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    return pollen_jni_onload(vm, reserved, "pollen_transport_native_wepoll", "dev/pollen/channel/wepoll/WepollNative",
                             NULL, NULL);
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
    pollen_jni_onunload(vm, reserved);
}
