#!/bin/sh
#
# ptyhead's socket and messages under pressure: two heads started at
# the same moment on one path, a socket born with its mode, and a
# stderr that nobody reads. Prints
# PASS/FAIL/SKIP lines. Run from the top of the tree.

. ./src/tests/lib/common.sh

top=$(pwd)
workdir head
sock=$dir/sock
on_cleanup 'exec 7>&- 2>/dev/null'

alive () { running "$1" ; }

# 1. Two heads at the same moment on one path, 10 times: exactly one
#    survives, and it is the one clients reach (the lock on SOCKET.lock;
#    issue 14, defect 4).
i=0 ; bad=
while test $i -lt 10 && test -z "$bad" ; do
  i=$((i + 1))
  "$top/ptyhead" "$sock" </dev/null >/dev/null 2>>"$dir/a.err" & a=$!
  "$top/ptyhead" "$sock" </dev/null >/dev/null 2>>"$dir/b.err" & b=$!
  register_pid $a $b
  until_true sh -c "! kill -0 $a 2>/dev/null || ! kill -0 $b 2>/dev/null"
  sleep 0.1
  n=0 ; alive $a && n=$((n + 1)) ; alive $b && n=$((n + 1))
  if test $n != 1 ; then
    bad="round $i: $n heads alive"
  elif ! timeout 10 "$top/ptyexec" "$sock" true </dev/null >/dev/null 2>"$dir/x.err" ; then
    bad="round $i: the surviving head does not serve: $(cat "$dir/x.err")"
  fi
  kill $a $b 2>/dev/null ; wait $a $b 2>/dev/null
  until_true test ! -e "$sock"
done
if test -z "$bad" && grep -q "another head is listening on $sock" "$dir/a.err" "$dir/b.err" ; then
  pass "two heads started at once on one path, 10 times: one survives and serves, the other says another head is listening"
else
  fail "two heads at once" "${bad:-no message}: $(cat "$dir/a.err" "$dir/b.err" | sort | uniq -c | head -5)"
fi

# 1b. The race, made deterministic: a second head that finds no socket
#     at the path (the first one's was unlinked, as the loser of the
#     race used to do between its probe and its bind) still finds the
#     first head's lock, and leaves.
"$top/ptyhead" "$sock" </dev/null >/dev/null 2>/dev/null & a=$!
register_pid $a
until_true test -S "$sock"
rm -f "$sock"
out=$("$top/ptyhead" "$sock" </dev/null 2>&1 >/dev/null) ; code=$?
if test $code = 111 && echo "$out" | grep -q "another head is listening on $sock" && alive $a ; then
  pass "a second head on a path whose socket went finds the first head's lock: 111"
else
  fail "lock" "exit $code: $out"
fi
kill $a 2>/dev/null ; wait $a 2>/dev/null

# 1c. The socket is born with its final mode: no chmod, fchmod or
#     fchmodat by path after bind(), which a symbolic link swapped in
#     between would redirect (issue 14, defect 3).
if command -v strace >/dev/null 2>&1 ; then
   # -1: one session, then the head leaves by itself, and strace with it.
  strace -f -qq -e trace=chmod,fchmod,fchmodat -o "$dir/strace.out" "$top/ptyhead" -1 -m 0666 "$sock" </dev/null >/dev/null 2>&1 & a=$!
  register_pid $a
  until_true test -S "$sock"
  mode=$(stat -c %a "$sock" 2>/dev/null)
  timeout 10 "$top/ptyexec" -t 5000 "$sock" true </dev/null >/dev/null 2>&1
  until_true gone $a
  if test "$mode" = 666 && test -e "$dir/strace.out" && ! grep -q chmod "$dir/strace.out" ; then
    pass "ptyhead -m 0666: the socket is born 0666, with no chmod by path"
  else
    fail "socket mode" "mode $mode; $(grep chmod "$dir/strace.out" | head -3)"
  fi
  until_true test ! -e "$sock"
else
  skip "socket mode" "strace is not installed"
fi

# 1d. A stat of the socket that fails right after the bind (a directory
#     changed under the head; strace injects the failure into the second
#     stat of the path, the first being the check for a stale socket):
#     the head dies saying so and leaves no socket behind (issue 14,
#     defect 14).
if command -v strace >/dev/null 2>&1 ; then
  timeout 10 strace -f -qq -o /dev/null -P "$sock" -e trace=lstat,newfstatat,statx -e inject=lstat,newfstatat,statx:error=EACCES:when=2 \
    "$top/ptyhead" -H "$sock" </dev/null >/dev/null 2>"$dir/stat.err"
  rc=$?
  if test $rc = 111 && grep -q "^ptyhead: fatal: unable to stat $sock: Permission denied" "$dir/stat.err" && ! test -e "$sock" ; then
    pass "a failing stat of the socket after bind: exit 111 with the reason, no socket left behind"
  else
    fail "a failing stat after bind" "exit $rc; $(tr '\n' ' ' < "$dir/stat.err"); left: $(ls "$sock" 2>&1)"
  fi
  rm -f "$sock"
else
  skip "a failing stat after bind" "strace is not installed"
fi

# 2. A stderr nobody reads (a stopped logger's full pipe): every message
#    is dropped rather than waited for, and the head serves as usual
#    (issue 14, defect 15). -v 2 says "listening" and two session lines.
mkfifo "$dir/err" || exit 111
exec 7<>"$dir/err"
head -c 65536 /dev/zero >&7
"$top/ptyhead" -1 -v 2 "$sock" </dev/null >/dev/null 2>&7 & h=$!
register_pid $h
until_true test -S "$sock"
if timeout 10 "$top/ptyexec" -t 5000 "$sock" sh -c 'echo served' </dev/null >/dev/null 2>"$dir/x.err" \
  && until_true gone $h && wait $h ; then
  pass "a head whose stderr pipe is full drops its messages and serves"
else
  fail "stalled stderr" "ptyexec: $(cat "$dir/x.err"); head alive: $(alive $h && echo yes)"
fi
exec 7>&-

# 2b. The same FIFO, full, for a head running as nobody: it cannot reopen
#     root's FIFO through /proc, and a FIFO takes no RWF_NOWAIT, so the
#     head writes it only when the whole message fits (a message is at
#     most PIPE_BUF, which a FIFO takes whole or waits for): it still
#     serves, and says nothing rather than wait.
nobody=$(id -u nobody 2>/dev/null)
if test -n "$nobody" && test "$(id -u)" = 0 && command -v s6-setuidgid >/dev/null 2>&1 ; then
  mkdir "$dir/nb" && chown nobody "$dir/nb" && chmod 0755 "$dir" || exit 111
  exec 7<>"$dir/err"
  head -c 65536 /dev/zero >&7
  s6-setuidgid nobody "$top/ptyhead" -1 -v 2 "$dir/nb/sock" </dev/null >/dev/null 2>&7 & h=$!
  register_pid $h
  until_true test -S "$dir/nb/sock"
  if timeout 10 "$top/ptyexec" -u "$nobody" -t 5000 "$dir/nb/sock" sh -c 'echo served' </dev/null >/dev/null 2>"$dir/x.err" \
    && until_true gone $h && wait $h ; then
    pass "a head as nobody whose stderr is root's full FIFO drops its messages and serves"
  else
    fail "stalled FIFO stderr, head as nobody" "ptyexec: $(cat "$dir/x.err"); head alive: $(alive $h && echo yes), in $(cat /proc/$h/wchan 2>/dev/null)"
  fi
  exec 7>&-
else
  skip "stalled FIFO stderr, head as nobody" "needs root, a nobody user and s6-setuidgid"
fi

exit $failed
