#!/bin/sh
#
# ptyexec -L under a real s6-svscan with real s6-log loggers, heads in a
# real tmux server: the head shows the colours, the log gets plain text;
# less through the head leaves no escape byte in the log; a logger that
# stops reading never blocks the program, and says what it lost once it
# reads again. Prints PASS/FAIL/SKIP lines. Run from the top of the tree.

. ./src/tests/lib/common.sh
. ./src/tests/lib/tmux.sh
. ./src/tests/lib/s6.sh
poll_limit=200  # 20 s: a 1 MB stream goes through tmux

top=$(pwd)
workdir logging
tmux_init
scan=$dir/scan
esc=$(printf '\033')

# Stopped services and loggers go on first, so that they can be brought down.
resume_all () { for s in "$scan"/*/log "$scan"/* ; do s6-svc -c "$s" 2>/dev/null ; done ; }
logged () { grep -q -- "$2" "$dir/log-$1/current" 2>/dev/null ; }
is_up () { test "$(s6-svstat -o up "$scan/$1" 2>/dev/null)" = true ; }

for need in s6-svscan s6-log execlineb tmux less ; do
  command -v $need >/dev/null 2>&1 || { skip "logging" "$need is not installed" ; exit 0 ; }
done

# One head per service, each in its own tmux window.
for name in colors pager flood ; do
  if test "$name" = colors ; then
    $tmux new-session -d -s main -n $name -x 80 -y 24 "exec $top/ptyhead $dir/$name.sock" || exit 111
  else
    $tmux new-window -d -t main -n $name "exec $top/ptyhead $dir/$name.sock" || exit 111
  fi
done
for name in colors pager flood ; do
  until_true test -S "$dir/$name.sock" || { fail "logging: heads start" "no socket for $name" ; exit 1 ; }
done

i=1
while test $i -le 60 ; do echo "pager-line-$i" ; i=$((i + 1)) ; done > "$dir/file.txt"

# service NAME PROGRAM: an execline run script with ptyexec -L, an s6-log
# logger writing to $dir/log-NAME, and a down file: started by the test.
service () {
  mkdir -p "$scan/$1/log" || exit 111
  touch "$scan/$1/down"
  cat > "$scan/$1/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
$top/ptyexec -L -E -t 5000 $dir/$1.sock
$2
EOF
  cat > "$scan/$1/log/run" <<EOF
#!/bin/execlineb -P
s6-log n5 s1000000 $dir/log-$1
EOF
  chmod 0755 "$scan/$1/run" "$scan/$1/log/run"
}
service colors "sh -c \"printf '\\\\033[1;31mred line\\\\033[0m\\\\r\\\\n\\\\033[32mgreen line\\\\033[0m\\\\n' ; exec sleep 1000\""
service pager "less $dir/file.txt"
service flood "sh -c \"i=0 ; while test \\\$i -lt 20000 ; do echo flood line \\\$i of twenty thousand, long enough to fill pipes ; i=\\\$((i + 1)) ; done ; echo FLOOD-DONE ; read x ; echo after-resume \\\$x ; exec sleep 1000\""

svscan_start "$scan"
on_cleanup resume_all
for name in colors pager flood ; do
  until_true is_up $name/log || { fail "logging: loggers start" "$name's s6-log is not up" ; exit 1 ; }
done

# 1. Colours on the head, plain text in the log.
s6-svc -u "$scan/colors"
if until_true logged colors "^green line$" ; then
  if screen_of main:colors -e | grep "red line" | grep -q "$esc" ; then
    pass "-L: the head shows the coloured lines in colour"
  else
    fail "-L colours on the head" "$(screen_of main:colors -e | head -3)"
  fi
  if grep -qx "red line" "$dir/log-colors/current" && grep -qx "green line" "$dir/log-colors/current" \
    && ! grep -q "$esc" "$dir/log-colors/current" && ! grep -q "$(printf '\r')" "$dir/log-colors/current" ; then
    pass "-L: s6-log's current has the same lines as plain text, no escape, no CR"
  else
    fail "-L plain log" "$(od -c "$dir/log-colors/current" | head -5)"
  fi
else
  fail "-L log" "nothing in s6-log's current: $(cat "$dir/log-colors/current" 2>&1)"
fi

# 2. less through the head: the file on screen, no escape byte in the log.
s6-svc -u "$scan/pager"
until_true shows main:pager "pager-line-20" -e
$tmux send-keys -t main:pager q
s6-svc -d "$scan/pager"
if until_true logged pager "pager-line-20" && ! grep -q "$esc" "$dir/log-pager/current" ; then
  pass "-L: less of a file through the head leaves its text and no escape byte in the log"
else
  fail "-L less" "log: $(od -c "$dir/log-pager/current" 2>&1 | head -8)"
fi

# 3. A logger that stops reading: the program is never blocked, the head
#    gets everything, and the log says how much it lost once it resumes.
s6-svc -p "$scan/flood/log"
s6-svc -u "$scan/flood"
if until_true shows main:flood FLOOD-DONE -e ; then
  pass "-L: a stopped logger never blocks the program: all of its output reached the head"
else
  fail "-L stopped logger" "the program did not finish while its logger was stopped: $(screen_of main:flood -e | tail -2)"
fi
s6-svc -c "$scan/flood/log"
if until_true logged flood "^ptyhead: dropped [0-9]* bytes of log text: the logger was not reading$" ; then
  pass "-L: once the logger reads again, the log says how many bytes it lost"
else
  fail "-L drop line" "$(tail -n 3 "$dir/log-flood/current" 2>&1)"
fi
$tmux send-keys -t main:flood "typed" Enter
if logged flood "^flood line 0 of" && until_true logged flood "^after-resume typed$" ; then
  pass "-L: the log keeps what fitted before the stall and what comes after it"
else
  fail "-L log around the stall" "$(head -n 2 "$dir/log-flood/current" 2>&1) ... $(tail -n 2 "$dir/log-flood/current" 2>&1)"
fi

# 4. The documented set-up (issue 14, defect 1): the head and the program
#    run as a user (nobody), so the head cannot reopen s6-svscan's root-owned log
#    pipe through /proc and writes the pipe it was given, shared with the
#    program's stderr (-E), which floods it too. Its logger stops and
#    starts ten times a second, then stays stopped: a head that wrote the
#    pipe with a write that can block, after poll said "writable" and the
#    program's stderr took the room, would hang there for good. It must
#    still answer a status request, exit on SIGTERM, and say in the log
#    what it dropped once the logger reads again.
nobody=$(id -u nobody 2>/dev/null)
if test -n "$nobody" && test "$(id -u)" = 0 && command -v s6-setuidgid >/dev/null 2>&1 ; then
  mkdir -p "$dir/op" && chown nobody "$dir/op" && chmod 0755 "$dir" || exit 111
  $tmux new-window -d -t main -n operator "exec s6-setuidgid nobody $top/ptyhead $dir/op/sock"
  until_true test -S "$dir/op/sock" || { fail "-L operator head" "no socket" ; exit 1 ; }
  oppid=$(pane_pid main:operator)
  register_pid "$oppid"
  service operator "sh -c \"yes stderr-line-from-the-program 1>&2 & exec yes stdout-line-from-the-program\""
  sed -i -e "s|$dir/operator.sock|$dir/op/sock|" -e "s|^$top/ptyexec |s6-setuidgid nobody $top/ptyexec |" "$scan/operator/run"
  svscan_add "$scan"
  until_true is_up operator/log
  s6-svc -u "$scan/operator"
  until_true logged operator "^stdout-line-from-the-program$"
  i=0
  while test $i -lt 20 ; do s6-svc -p "$scan/operator/log" ; sleep 0.05 ; s6-svc -c "$scan/operator/log" ; sleep 0.05 ; i=$((i + 1)) ; done
  s6-svc -p "$scan/operator/log"
  sleep 1
  if timeout 5 s6-setuidgid nobody "$top/ptyattach" -s "$dir/op/sock" > "$dir/op.status" 2>&1 ; then
    pass "-L, head as nobody on root's log pipe, stderr flooding it, logger stalling: the head still answers"
  else
    fail "-L, head as nobody on root's log pipe" "no status within 5 s: $(cat "$dir/op.status"); head in: $(cat /proc/$oppid/wchan 2>/dev/null)"
  fi
  s6-svc -c "$scan/operator/log"
  if until_true logged operator "^ptyhead: dropped [0-9]* bytes of log text: the logger was not reading$" ; then
    pass "-L, head as nobody: the log says what it dropped once the logger reads again"
  else
    fail "-L, head as nobody: drop line" "$(tail -n 2 "$dir/log-operator/current" 2>&1)"
  fi
  # Stalled again, and the program still flooding: SIGTERM.
  s6-svc -p "$scan/operator/log"
  sleep 1
  kill "$oppid"
  if until_within 50 gone "$oppid" ; then
    pass "-L, head as nobody on root's log pipe: SIGTERM ends it at once"
  else
    fail "-L, head as nobody: SIGTERM" "still running 5 s later, in $(cat /proc/$oppid/wchan 2>/dev/null)"
  fi
  s6-svc -d "$scan/operator"
  s6-svc -c "$scan/operator/log"
else
  skip "-L, head as nobody on root's log pipe" "needs root, a nobody user and s6-setuidgid"
fi
exit $failed
