#!/bin/sh
#
# make fuzz: builds every libFuzzer target (src/tests/ptysplit-fuzz-*.c)
# with clang -fsanitize=fuzzer,address,undefined against the library's
# sources, and runs each for its share of SECONDS (default 60 for the
# protocol decoder, half that for the others), starting from its seed
# corpus in src/tests/corpus/NAME. Installs clang when it may.
# Ends with the usual "N passed, N failed" line; a crash is a failure and
# its reproducer is left in build-fuzz/.

cd "$(dirname "$0")/.." || exit 111
. ./tools/packages.sh
seconds=${1:-60}
command -v clang >/dev/null 2>&1 || need_packages clang
test -f config.mak || ./configure >/dev/null || exit 111

libdir=$(sed -n 's/^vpath lib%\.a *//p' config.mak | awk '{ print $1 }')
skarnet=${libdir:-/usr/lib/$(cc -dumpmachine)}/libskarnet.a
test -f "$skarnet" || { echo "fuzz.sh: fatal: libskarnet.a not found (install skalibs-dev)" 1>&2 ; exit 111 ; }

out=build-fuzz
mkdir -p "$out" || exit 111
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -Isrc/include -Isrc/include-local"
lib=$(ls src/libptysplit/ptysplit_*.c)
passed=0
failed=0

for target in src/tests/ptysplit-fuzz-*.c ; do
  name=${target#src/tests/ptysplit-fuzz-}
  name=${name%.c}
  case $name in
    target) name=protocol ; time=$seconds ;;
    *) time=$((seconds / 2)) ;;
  esac
  test "$time" -gt 0 || time=1
  echo "== fuzz $name: $time s"
  if ! clang $flags -o "$out/fuzz-$name" "$target" $lib "$skarnet" ; then
    echo "FAIL: fuzz $name: does not build with clang -fsanitize=fuzzer"
    failed=$((failed + 1))
    continue
  fi
  corpus=$out/corpus-$name
  mkdir -p "$corpus"
  seeds=src/tests/corpus/$name
  test -d "$seeds" || seeds=
  if (cd "$out" && timeout -k 5 $((time + 60)) "./fuzz-$name" -max_total_time="$time" -timeout=10 -rss_limit_mb=1024 "corpus-$name" ${seeds:+"../$seeds"} > "fuzz-$name.log" 2>&1) ; then
    echo "PASS: fuzz $name: $(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$out/fuzz-$name.log") inputs in $time s, no crash"
    passed=$((passed + 1))
  else
    echo "FAIL: fuzz $name: see $out/fuzz-$name.log:"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$out/fuzz-$name.log" | head -n 5
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
test "$failed" -eq 0
