# Linux with gcc: hardened, warnings are errors, only JNI entry points exported.
include $(dir $(lastword $(MAKEFILE_LIST)))toolchain-common.mk
CC ?= gcc
LIB_PREFIX := lib
# The Winsock variants of the shared C layer are for the mingw-w64 toolchain only.
PLATFORM_EXCLUDE := %_win.c
LIB_SUFFIX := .so
JNI_INCLUDES := -I$(JAVA_HOME)/include -I$(JAVA_HOME)/include/linux
CFLAGS := $(POSIX_CFLAGS)
LDFLAGS := -shared -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--no-undefined -Wl,--as-needed
LIBS := -ldl
TEST_CFLAGS := $(SANITIZED_TEST_CFLAGS)
TEST_LIBS := -lpthread
