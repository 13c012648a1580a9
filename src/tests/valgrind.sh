#!/bin/sh
#
# One whole session under valgrind memcheck: ptyhead in a tmux window
# serves a program that ptyexec started, keys go in, output comes out,
# the head is stopped with SIGTERM; then ptyexec's failure path. Zero
# memcheck errors (and no definite leak) in every log. ptyexec execs into
# its program, so memcheck never prints a summary for it: any error would
# show as a stack trace in its log, so that is what is looked for.
# Prints PASS/FAIL/SKIP lines. Run from the top of the tree.

. ./src/tests/lib/common.sh
. ./src/tests/lib/tmux.sh
poll_limit=300  # 30 s: valgrind is slow

top=$(pwd)
workdir valgrind
tmux_init
sock=$dir/head.sock

if test -n "${PTYSPLIT_SANITIZED:-}" ; then
  skip "valgrind session" "this is the sanitizer run: memcheck and AddressSanitizer do not mix, and the plain make check runs the valgrind session"
  exit 0
fi
for need in valgrind tmux ; do
  command -v $need >/dev/null 2>&1 || { skip "valgrind session" "$need is not installed" ; exit 0 ; }
done

# memcheck needs the dynamic libc (it replaces malloc there, and static
# glibc's start-up trips it): the binaries checked are a default build
# (libc dynamic) of their own, whatever flags the tree was configured with.
bin=$dir/build
"$top/tools/copy-tree.sh" "$bin" && (cd "$bin" && ./configure >/dev/null && make ptyhead ptyexec >/dev/null 2>&1) \
  || { fail "valgrind session" "could not build a copy" ; exit 1 ; }

vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
# The pane's shell records the head's exit code; the head is its child.
$tmux new-session -d -s main -x 80 -y 24 "$vg --log-file=$dir/head.log $bin/ptyhead $sock ; echo \$? > $dir/head.rc ; exec sleep 100"
until_true test -S "$sock" || { fail "valgrind session" "the head did not start under valgrind" ; exit 1 ; }
headpid=$(pgrep -P "$(pane_pid main)")
register_pid $headpid
$vg --log-file="$dir/exec.log" "$bin/ptyexec" -t 20000 "$sock" \
  sh -c 'echo vg-started ; read line ; echo "vg-got $line"' </dev/null >/dev/null 2>"$dir/exec.err" &
register_pid $!
until_true shows main vg-started || fail "valgrind session" "the program did not start: $(cat "$dir/exec.err")"
$tmux send-keys -t main "typed" Enter
until_true shows main "vg-got typed" || fail "valgrind session" "the key did not reach the program"
wait $!
rc=$?
test $rc = 0 || fail "valgrind session" "ptyexec's program exited $rc"
sleep 0.5
kill -TERM "$headpid"
until_true test -s "$dir/head.rc"
headrc=$(cat "$dir/head.rc" 2>/dev/null)

if test "$headrc" = 0 && ! test -s "$dir/head.log" ; then
  pass "valgrind: ptyhead served a session and exited 0 with zero memcheck errors"
else
  fail "valgrind: ptyhead" "exit $headrc; memcheck said: $(head -n 20 "$dir/head.log")"
fi
if test -f "$dir/exec.log" && ! grep -q ' at 0x' "$dir/exec.log" ; then
  pass "valgrind: ptyexec attached and executed with zero memcheck errors"
else
  fail "valgrind: ptyexec" "memcheck said: $(head -n 20 "$dir/exec.log")"
fi

$vg --log-file="$dir/fail.log" "$bin/ptyexec" "$dir/nothing.sock" true 2>/dev/null
rc=$?
if test $rc = 111 && ! test -s "$dir/fail.log" ; then
  pass "valgrind: ptyexec's failure path (111) has zero memcheck errors"
else
  fail "valgrind: ptyexec failure path" "exit $rc; memcheck said: $(head -n 20 "$dir/fail.log")"
fi
exit $failed
