# Linux with gcc: hardened, warnings are errors, only JNI entry points exported.
CC ?= gcc
LIB_PREFIX := lib
# The Winsock variants of the shared C layer are for the mingw-w64 toolchain only.
PLATFORM_EXCLUDE := %_win.c
LIB_SUFFIX := .so
JNI_INCLUDES := -I$(JAVA_HOME)/include -I$(JAVA_HOME)/include/linux
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS := -std=gnu11 -O2 -g -fPIC -fvisibility=hidden -fstack-protector-strong -D_FORTIFY_SOURCE=2 $(WARN)
LDFLAGS := -shared -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--no-undefined -Wl,--as-needed
LIBS := -ldl
TEST_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all $(WARN)
TEST_LIBS := -lpthread
