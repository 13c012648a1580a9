#!/bin/sh
#
# Runs the test suites (the C binaries, then the integration scripts
# src/tests/*.sh, which drive real runtimes and supervisors), each under
# a hard time limit, and sums up their
# "PASS: name", "FAIL: name: why" and "SKIP: name: why" lines into the
# closing "N passed, N failed, N skipped" line. A suite that dies or
# overruns counts as one more failure. Exits 1 if anything failed.

cd "$(dirname "$0")/.." || exit 111
limit=${PTYSPLIT_TEST_LIMIT:-1200}
suites=${PTYSPLIT_SUITES:-"./ptysplit-unit ./ptysplit-tests $(ls src/tests/*.sh 2>/dev/null)"}
all=$(mktemp) || exit 111
one=$(mktemp) || exit 111
trap 'rm -f "$all" "$one"' EXIT INT TERM HUP

for suite in $suites ; do
  echo "== $suite"
  case "$suite" in
    *.sh) set -- sh "$suite" ;;
    *) set -- "$suite" ;;
  esac
  timeout -k 5 "$limit" "$@" < /dev/null > "$one" 2>&1
  rc=$?
  if test "$rc" -eq 124 || test "$rc" -eq 137 ; then
    echo "FAIL: $suite: killed after $limit seconds" >> "$one"
  elif test "$rc" -ne 0 && ! grep -q '^FAIL: ' "$one" ; then
    echo "FAIL: $suite: exited $rc without reporting a failure" >> "$one"
  elif test "$rc" -eq 0 && ! grep -q -e '^PASS: ' -e '^SKIP: ' "$one" ; then
    echo "FAIL: $suite: ran no test" >> "$one"
  fi
  cat "$one"
  cat "$one" >> "$all"
done

passed=$(grep -c '^PASS: ' "$all")
failed=$(grep -c '^FAIL: ' "$all")
skipped=$(grep -c '^SKIP: ' "$all")
if test "$failed" -ne 0 ; then
  echo
  echo "Failures:"
  grep '^FAIL: ' "$all"
fi
echo "$passed passed, $failed failed, $skipped skipped"
test "$failed" -eq 0
