# What every toolchain shares, included by each toolchain-*.mk.
# Warnings are errors everywhere.
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
# POSIX libraries: position-independent, only the JNI entry points visible, hardened.
POSIX_CFLAGS := -std=gnu11 -O2 -g -fPIC -fvisibility=hidden -fstack-protector-strong -D_FORTIFY_SOURCE=2 $(WARN)
# C tests on POSIX: AddressSanitizer and UBSan, the first finding fatal.
SANITIZED_TEST_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                         -fno-sanitize-recover=all $(WARN)
