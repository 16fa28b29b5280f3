# macOS and FreeBSD with the system cc (clang): the kqueue transport's real library.
# Not exercised on this project's Linux CI; its flags are toolchain-common.mk's, as Linux's are.
include $(dir $(lastword $(MAKEFILE_LIST)))toolchain-common.mk
CC ?= cc
UNAME_S := $(shell uname -s)
LIB_PREFIX := lib
# The Winsock variants of the shared C layer are for the mingw-w64 toolchain only.
PLATFORM_EXCLUDE := %_win.c
ifeq ($(UNAME_S),Darwin)
LIB_SUFFIX := .dylib
JNI_INCLUDES := -I$(JAVA_HOME)/include -I$(JAVA_HOME)/include/darwin
LDFLAGS := -dynamiclib -Wl,-undefined,error
LIBS :=
else
LIB_SUFFIX := .so
JNI_INCLUDES := -I$(JAVA_HOME)/include -I$(JAVA_HOME)/include/freebsd
LDFLAGS := -shared -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--no-undefined
LIBS :=
endif
CFLAGS := $(POSIX_CFLAGS)
TEST_CFLAGS := $(SANITIZED_TEST_CFLAGS)
TEST_LIBS := -lpthread
