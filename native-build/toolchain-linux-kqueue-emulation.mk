# Linux TEST build of the kqueue transport: gcc as for epoll, with <sys/event.h> and kqueue()/kevent()
# taken from the test-only emulation (over epoll) whose directory the kqueue module puts in SRC_DIRS.
# The result is never shipped: the module writes it to target/test-classes.
include $(dir $(lastword $(MAKEFILE_LIST)))toolchain-linux-gcc.mk

KQUEUE_EMULATION_DIRS := $(filter %/src/emulation/c,$(SRC_DIRS))
ifeq ($(KQUEUE_EMULATION_DIRS),)
$(error toolchain linux-kqueue-emulation: no .../src/emulation/c directory in SRC_DIRS)
endif
# Searched before the system directories, so <sys/event.h> is the emulation's.
CFLAGS += $(foreach d,$(KQUEUE_EMULATION_DIRS),-I$(d))
TEST_CFLAGS += $(foreach d,$(KQUEUE_EMULATION_DIRS),-I$(d))
