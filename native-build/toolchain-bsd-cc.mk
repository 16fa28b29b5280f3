# macOS and FreeBSD with the system cc (clang): the kqueue transport's real library.
# Not exercised on this project's Linux CI; kept in step with toolchain-linux-gcc.mk.
CC ?= cc
UNAME_S := $(shell uname -s)
LIB_PREFIX := lib
# The Winsock variants of the shared C layer are for the mingw-w64 toolchain only.
PLATFORM_EXCLUDE := %_win.c
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
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
CFLAGS := -std=gnu11 -O2 -g -fPIC -fvisibility=hidden -fstack-protector-strong -D_FORTIFY_SOURCE=2 $(WARN)
TEST_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all $(WARN)
TEST_LIBS := -lpthread
