# Linux on 64-bit ARM (linux-aarch_64), cross-compiled on x86_64 with Debian's gcc-aarch64-linux-gnu:
# the flags of toolchain-linux-gcc.mk, another compiler. The C tests run under qemu-aarch64-static (no
# binfmt needed) against the arm64 libc of Debian's multiarch packages (libc6:arm64), with AddressSanitizer
# and UBSan. Only the sanitizer runtimes are taken from the cross toolchain: with its whole library
# directory (qemu -L) thread creation hangs. LeakSanitizer cannot run under qemu-user.
include $(dir $(lastword $(MAKEFILE_LIST)))toolchain-linux-gcc.mk

CC := aarch64-linux-gnu-gcc
AARCH64_CROSS_LIB ?= /usr/aarch64-linux-gnu/lib
SANITIZER_LIBS := $(WORK_DIR)/sanitizer-libs
TEST_WRAPPER := env ASAN_OPTIONS=detect_leaks=0 POLLEN_TEST_QEMU=1 qemu-aarch64-static -E LD_LIBRARY_PATH=$(SANITIZER_LIBS)

.DEFAULT_GOAL := all
test: $(SANITIZER_LIBS)
$(SANITIZER_LIBS):
	@mkdir -p $@
	ln -sf $(AARCH64_CROSS_LIB)/libasan.so.8 $(AARCH64_CROSS_LIB)/libubsan.so.1 $@/
