# Shared native build for every Pollen transport library, driven by Maven (see pom.xml).
#
# Inputs (set by the transport module's pom through native-build's plugin configuration):
#   LIB_NAME       library base name, e.g. pollen_transport_native_epoll
#   ARCH           normalised CPU name (x86_64, aarch_64, ...)
#   SRC_DIRS       directories whose *.c files make up the library
#   SRC_FILES      single files from other directories that join them (optional)
#   EXTRA_CFLAGS   added to every compile (optional)
#   TEST_DIRS      directories whose *.c files are each one C test program
#   JNI_UTIL_DIR   unpacked netty-jni-util sources
#   JAVA_HOME      JDK whose include/ provides jni.h
#   OUT_DIR        where the library goes (inside the jar: META-INF/native)
#   WORK_DIR       scratch directory for objects and test binaries
#   TOOLCHAIN      linux-gcc (default), linux-aarch64, linux-kqueue-emulation, bsd-cc, windows-mingw:
#                  toolchain-<name>.mk, each over toolchain-common.mk
#   TEST_WRAPPER   optional command prefix for running C tests (e.g. valgrind)

TOOLCHAIN ?= linux-gcc
include $(dir $(lastword $(MAKEFILE_LIST)))toolchain-$(TOOLCHAIN).mk

LIB_FILE := $(OUT_DIR)/$(LIB_PREFIX)$(LIB_NAME)_$(ARCH)$(LIB_SUFFIX)

# A toolchain leaves out the other platforms' variants (PLATFORM_EXCLUDE, e.g. %_win.c).
SRCS := $(filter-out $(PLATFORM_EXCLUDE),$(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)) $(SRC_FILES))
# C tests link the library's code without its JNI glue.
CORE_SRCS := $(filter-out %jni.c,$(SRCS))
TEST_SRCS := $(foreach d,$(TEST_DIRS),$(wildcard $(d)/*.c))
INCLUDES := $(foreach d,$(SRC_DIRS),-I$(d)) -I$(JNI_UTIL_DIR) $(JNI_INCLUDES)

OBJS := $(patsubst %.c,$(WORK_DIR)/obj/%.o,$(notdir $(SRCS))) $(WORK_DIR)/obj/netty_jni_util.o
TEST_OBJS := $(patsubst %.c,$(WORK_DIR)/test-obj/%.o,$(notdir $(CORE_SRCS)))
TEST_BINS := $(patsubst %.c,$(WORK_DIR)/tests/%,$(notdir $(TEST_SRCS)))

vpath %.c $(SRC_DIRS) $(dir $(SRC_FILES)) $(TEST_DIRS) $(JNI_UTIL_DIR)

.PHONY: all test clean
# Keep test objects between runs.
.SECONDARY:
all: $(LIB_FILE)

$(WORK_DIR)/obj/%.o: %.c $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.h))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(INCLUDES) -c $< -o $@

$(LIB_FILE): $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# C tests: built with sanitizers and run one program per behaviour.
$(WORK_DIR)/test-obj/%.o: %.c $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.h))
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(EXTRA_CFLAGS) $(INCLUDES) -c $< -o $@

$(WORK_DIR)/tests/%: %.c $(TEST_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(EXTRA_CFLAGS) $(INCLUDES) $(foreach d,$(TEST_DIRS),-I$(d)) -o $@ $< $(TEST_OBJS) $(TEST_LIBS)

test: $(TEST_BINS)
	@set -e; passed=0; for t in $(TEST_BINS); do \
	  echo "C test $$(basename $$t)"; $(TEST_WRAPPER) $$t; passed=$$((passed + 1)); done; \
	echo "C tests: $$passed programs passed"

clean:
	rm -rf $(WORK_DIR) $(LIB_FILE)
