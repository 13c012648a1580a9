#!/bin/sh
#
# ptysplit under a real s6-svscan, with execline run scripts, heads in a
# real tmux server: the supervised process is the program itself, kills
# and restarts hit it and come back on the same head, the head can be
# an s6 service with readiness, and s6-setuidgid programs meet the uid
# checks. Prints PASS/FAIL/SKIP lines. Run from the top of the tree, as root.

. ./src/tests/lib/common.sh
. ./src/tests/lib/tmux.sh
. ./src/tests/lib/s6.sh

top=$(pwd)
workdir s6
chmod 0755 "$dir"
tmux_init
scan=$dir/scan

svpid () { s6-svstat -o pid "$scan/$1" 2>/dev/null ; }
is_down () { test "$(s6-svstat -o up "$scan/$1" 2>/dev/null)" = false ; }
is_up_with_pid () { p=$(svpid "$1") && test -n "$p" && test "$p" != -1 && test "$p" != "$2" ; }

for need in s6-svscan execlineb tmux ; do
  command -v $need >/dev/null 2>&1 || { skip "s6 supervision" "$need is not installed" ; exit 0 ; }
done

# The binaries, where nobody can run them too.
mkdir -p "$dir/bin" && cp "$top/ptyexec" "$top/ptyhead" "$dir/bin/" && chmod 0755 "$dir/bin" "$dir/bin/"* || exit 111
bin=$dir/bin

# head: the operator's head in a tmux window.
$tmux new-session -d -s head -x 100 -y 30 "exec $bin/ptyhead $dir/head.sock" || exit 111
until_true test -S "$dir/head.sock" || { fail "s6: head starts" "no socket" ; exit 1 ; }
headpid=$(pane_pid head)

mkdir -p "$scan"
# prog: a program that says who it is, under ptyexec.
mkdir "$scan/prog"
cat > "$scan/prog/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
$bin/ptyexec -E -t 5000 $dir/head.sock
sh -c "echo instance \$\$ on \$(tty) ; exec sleep 1000"
EOF
# headsvc: a head as an s6 service, with readiness on fd 3.
mkdir "$scan/headsvc"
echo 3 > "$scan/headsvc/notification-fd"
cat > "$scan/headsvc/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
redirfd -r 0 /dev/null
$bin/ptyhead -d 3 -s 24x80 $dir/svc.sock
EOF
chmod 0755 "$scan/prog/run" "$scan/headsvc/run"

svscan_start "$scan" "$dir/svscan.log"

# 1. The supervised process is the program itself.
if ! until_true is_up_with_pid prog "" || ! until_true shows head "instance $(svpid prog) on" ; then
  fail "s6: the program comes up on the head" "s6-svstat: $(s6-svstat "$scan/prog" 2>&1); screen: $(screen_line head)"
  exit 1
fi
pid=$(svpid prog)
pass "s6: the program comes up on the head"
child_of_supervise "s6: s6-svstat's pid is the program itself, a child of s6-supervise" "$pid" sleep
sid=$(ps -o sid= -p "$pid" | tr -d ' ')
ctty=$(ps -o tty= -p "$pid" | tr -d ' ')
shown=$(screen_of head | sed -n "s|^instance $pid on /dev/||p" | head -n 1)
if test "$sid" = "$pid" && test -n "$shown" && test "$ctty" = "$shown" ; then
  pass "s6: the program leads its session with the PTY as controlling terminal"
else
  fail "s6: the program leads its session with the PTY as controlling terminal" "sid $sid, controlling tty '$ctty', tty on screen '$shown'"
fi

# 2. Kills and restarts hit the program and come back on the same head.
s6-svc -k "$scan/prog"
if until_true is_up_with_pid prog "$pid" && until_true shows head "instance $(svpid prog) on" ; then
  if ! until_true gone "$pid" ; then
    fail "s6: s6-svc -k kills the program and the same head shows the new one" "old pid $pid still alive"
  else
    pass "s6: s6-svc -k kills the program and the same head shows the new one"
  fi
else
  fail "s6: s6-svc -k kills the program and the same head shows the new one" "s6-svstat: $(s6-svstat "$scan/prog" 2>&1); screen: $(screen_line head)"
fi
pid=$(svpid prog)
s6-svc -d "$scan/prog"
if until_true is_down prog && until_true gone "$pid" ; then
  s6-svc -u "$scan/prog"
  if until_true is_up_with_pid prog "$pid" && until_true shows head "instance $(svpid prog) on" ; then
    pass "s6: s6-svc -d then -u brings a new instance to the same head"
  else
    fail "s6: s6-svc -d then -u brings a new instance to the same head" "screen: $(screen_line head)"
  fi
else
  fail "s6: s6-svc -d then -u brings a new instance to the same head" "the program did not go down: $(s6-svstat "$scan/prog" 2>&1)"
fi
if kill -0 "$headpid" 2>/dev/null && test "$(cat /proc/$headpid/comm)" = ptyhead ; then
  pass "s6: the head lives through kills and restarts"
else
  fail "s6: the head lives through kills and restarts" "pane pid $headpid is gone or not ptyhead"
fi

# 3. The head as an s6 service: s6-svwait -U returns once the socket accepts.
if s6-svwait -U -t 10000 "$scan/headsvc" ; then
  if timeout 10 "$bin/ptyexec" "$dir/svc.sock" true > "$dir/svc.out" 2>&1 ; then
    pass "s6: with notification-fd, s6-svwait -U returns once the head accepts"
  else
    fail "s6: with notification-fd, s6-svwait -U returns once the head accepts" "ptyexec without -t right after: $(cat "$dir/svc.out")"
  fi
else
  fail "s6: with notification-fd, s6-svwait -U returns once the head accepts" "the head service never became ready: $(s6-svstat "$scan/headsvc" 2>&1)"
fi

# 4. s6-setuidgid programs and the uid checks.
if ! nobody=$(id -u nobody 2>/dev/null) || test "$(id -u)" -ne 0 ; then
  skip "s6: s6-setuidgid nobody" "needs root and a nobody user"
  exit $failed
fi
$tmux new-window -d -n allow "exec $bin/ptyhead -u $nobody -m 0666 $dir/allow.sock"
$tmux new-window -d -n strict "exec $bin/ptyhead -m 0666 $dir/strict.sock"
until_true test -S "$dir/allow.sock" && until_true test -S "$dir/strict.sock" || { fail "s6: heads for nobody start" "no sockets" ; exit 1 ; }
mkdir "$dir/asnobody"
cat > "$dir/asnobody/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
s6-setuidgid nobody
$bin/ptyexec -E -t 5000 $dir/allow.sock
sh -c "echo uid \$(id -u) ; exec sleep 1000"
EOF
chmod 0755 "$dir/asnobody/run"
mv "$dir/asnobody" "$scan/asnobody"
svscan_add "$scan"
if until_true is_up_with_pid asnobody "" && until_true shows allow "uid $nobody" ; then
  user=$(ps -o user= -p "$(svpid asnobody)")
  if test "$user" = nobody ; then
    pass "s6: s6-setuidgid nobody + ptyexec runs as nobody on a root head with -u"
  else
    fail "s6: s6-setuidgid nobody + ptyexec runs as nobody on a root head with -u" "the program runs as '$user'"
  fi
else
  fail "s6: s6-setuidgid nobody + ptyexec runs as nobody on a root head with -u" "screen: $(screen_line allow); $(s6-svstat "$scan/asnobody" 2>&1)"
fi
timeout 10 s6-setuidgid nobody "$bin/ptyexec" "$dir/strict.sock" true > "$dir/strict.out" 2>&1
rc=$?
if test $rc -eq 111 && grep -q "refused: not authorized" "$dir/strict.out" ; then
  pass "s6: without -u the head refuses nobody, ptyexec exits 111 with the reason"
else
  fail "s6: without -u the head refuses nobody, ptyexec exits 111 with the reason" "exit $rc: $(cat "$dir/strict.out")"
fi
exit $failed
