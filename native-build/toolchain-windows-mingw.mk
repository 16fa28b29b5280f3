# Windows x64, cross-compiled on Linux with mingw-w64: the wepoll transport's DLL.
# Warnings are errors; only JNI_OnLoad/JNI_OnUnload are exported (the only dllexport symbols);
# the DLL imports nothing beyond KERNEL32, msvcrt, ws2_32 and ntdll (-static-libgcc).
# C tests are not run through this file: they run under Wine (transport-native-wepoll/src/test/build.sh).
include $(dir $(lastword $(MAKEFILE_LIST)))toolchain-common.mk
CC := x86_64-w64-mingw32-gcc
LIB_PREFIX :=
LIB_SUFFIX := .dll
# POSIX variants and Unix-domain sockets (no AF_UNIX natives on Windows) stay out.
PLATFORM_EXCLUDE := %_posix.c %pollen_unix_jni.c
# The project's own Windows jni_md.h comes before the JDK's include dir; include/linux never.
WINDOWS_JNI_MD_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))include/windows)
JNI_INCLUDES := -I$(WINDOWS_JNI_MD_DIR) -I$(JAVA_HOME)/include
CFLAGS := -std=gnu11 -O2 -g $(WARN)
LDFLAGS := -shared -static-libgcc -Wl,--no-undefined
LIBS := -lws2_32 -lntdll
TEST_CFLAGS := -std=gnu11 -O1 -g $(WARN)
TEST_LIBS := -static -lws2_32 -lntdll -lpthread
TEST_WRAPPER := wine
# netty-jni-util's _WIN32 branches (not ours) compare a char with NULL and drop a const: gcc
# warns about both, so that one unpacked file is compiled without warnings.
$(WORK_DIR)/obj/netty_jni_util.o: CFLAGS += -w
