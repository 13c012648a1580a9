#!/bin/sh
#
# Soak: PTYSPLIT_SOAK sessions in a row (100 by default; make soak runs
# 1000) on one head: every one served, the head's fd count unchanged and
# its resident memory grown by less than 64 kB. Prints PASS/FAIL lines.
# Run from the top of the tree.

. ./src/tests/lib/common.sh

count=${PTYSPLIT_SOAK:-100}
top=$(pwd)
workdir soak
sock=$dir/head.sock

rss () { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" ; }

"$top/ptyhead" "$sock" </dev/null >"$dir/screen" 2>"$dir/stderr" &
headpid=$!
register_pid "$headpid"
until_true test -S "$sock" || { fail "soak" "the head did not start: $(cat "$dir/stderr")" ; exit 1 ; }

# session N: one program that says its number, then hangs up.
session () { "$top/ptyexec" -t 5000 "$sock" sh -c "echo soak-$1" </dev/null >/dev/null 2>>"$dir/ptyexec.err" ; }

# Warm up first: the first sessions fault in pages the rest reuse.
for n in 1 2 3 4 5 6 7 8 9 10 ; do session "warm$n" ; done
fds0=$(nfds $headpid)
rss0=$(rss $headpid)
n=0 ; bad=0
while test $n -lt "$count" ; do
  n=$((n + 1))
  session $n || bad=$((bad + 1))
done
# The last session's end is seen by the head a moment after its program exits.
until_true test "$(nfds $headpid)" = "$fds0"
fds1=$(nfds $headpid)
rss1=$(rss $headpid)
served=$(grep -c '^soak-[0-9]' "$dir/screen")

if test $bad = 0 && test "$served" = "$count" ; then
  pass "soak: $count sessions in a row, all served"
else
  fail "soak" "$bad of $count ptyexec failed, $served shown: $(tail -n 3 "$dir/ptyexec.err")"
fi
if test "$fds0" = "$fds1" ; then
  pass "soak: the head's fd count stayed at $fds1 over $count sessions"
else
  fail "soak" "the head's fd count went from $fds0 to $fds1 over $count sessions"
fi
if test -z "$rss0" || test -z "$rss1" ; then
  fail "soak" "could not read the head's VmRSS"
elif test $((rss1 - rss0)) -lt 64 ; then
  pass "soak: the head's RSS went from $rss0 kB to $rss1 kB over $count sessions (under 64 kB of growth)"
else
  fail "soak" "the head's RSS grew from $rss0 kB to $rss1 kB over $count sessions"
fi
kill "$headpid"
wait "$headpid"
rc=$?
if test $rc = 0 && ! test -e "$sock" ; then
  pass "soak: the head exits 0 on SIGTERM after the soak and removes its socket"
else
  fail "soak" "the head exited $rc after the soak, socket left: $(ls "$sock" 2>&1)"
fi
exit $failed
