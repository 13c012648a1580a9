#!/bin/sh
#
# make check-sanitized: the whole test suite once more, on binaries built
# with AddressSanitizer and UndefinedBehaviorSanitizer, in build-sanitize/
# (a copy of the tree, so the normal build is left alone). Any sanitizer
# report aborts the binary, which fails the test that ran it.

cd "$(dirname "$0")/.." || exit 111
top=$(pwd)
out=$top/build-sanitize
rm -rf "$out" && ./tools/copy-tree.sh "$out" && cd "$out" || exit 111
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-g $san" LDFLAGS="$san" ./configure >/dev/null || exit 111
make -j2 >/dev/null && make tests >/dev/null || { echo "check-sanitized.sh: fatal: the sanitized build failed" 1>&2 ; exit 111 ; }
# Leak checks stay on; abort on the first report so that it fails a test.
PTYSPLIT_SANITIZED=1 \
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  exec ./tools/run-tests.sh
