#!/bin/sh
#
# ptyhead -H and ptyattach under a real s6-svscan: the program runs with
# no one watching, viewers in real tmux panes attach after the fact, see
# the same screen, misbehave (read-only, kill -9, SIGSTOP) without
# blocking anyone, follow the program across restarts and the head
# across an -F adoption, and scripts get the screen's text and a status.
# Prints PASS/FAIL/SKIP lines. Run from the top of the tree, as root.

. ./src/tests/lib/common.sh

top=$(pwd)
dir=$(mktemp -d /tmp/ptysplit-viewers.XXXXXX) || exit 111
chmod 0755 "$dir"
scan=$dir/scan
tmux="tmux -S $dir/tmux.sock"
svscan=
pids=

cleanup () {
  trap - EXIT INT TERM HUP
  for p in $pids ; do kill -CONT "$p" 2>/dev/null ; kill "$p" 2>/dev/null ; done
  if test -n "$svscan" ; then
    s6-svscanctl -t "$scan" 2>/dev/null
    i=0
    while kill -0 "$svscan" 2>/dev/null && test $i -lt 50 ; do sleep 0.1 ; i=$((i + 1)) ; done
    kill -9 "$svscan" 2>/dev/null
  fi
  $tmux kill-server >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

for need in s6-svscan s6-fdholder-daemon execlineb tmux python3 script ; do
  command -v $need >/dev/null 2>&1 || { skip "viewers" "$need is not installed" ; exit 0 ; }
done
test -x ./ptyattach || { skip "viewers" "ptyattach is not built" ; exit 0 ; }

mkdir -p "$dir/bin" && cp "$top/ptyexec" "$top/ptyhead" "$top/ptyattach" "$dir/bin/" && chmod 0755 "$dir/bin" "$dir/bin/"* || exit 111
bin=$dir/bin
sock=$dir/head.sock

screen_of () { $tmux capture-pane -p -t "$1" 2>/dev/null ; }
shows () { screen_of "$1" | grep -q -- "$2" ; }
oneline () { screen_of "$1" | tr -s '\n' '|' ; }
svpid () { s6-svstat -o pid "$scan/$1" 2>/dev/null ; }
is_gone () { ! kill -0 "$1" 2>/dev/null ; }
is_up_with_pid () { p=$(svpid "$1") && test -n "$p" && test "$p" != -1 && test "$p" != "$2" ; }
printed () { timeout 10 "$bin/ptyattach" -p "$sock" 2>/dev/null | grep -q -- "$1" ; }
progsize () { stty -F "$(cat "$dir/prog.tty")" size 2>/dev/null ; }
size_is () { test "$(progsize)" = "$1" ; }
in_log () { cat "$dir/log/current" 2>/dev/null | grep -q -- "$1" ; }
in_headlog () { grep -q -- "$1" "$dir/head.err" ; }
# attach NAME ROWS COLS [OPTIONS]: a viewer in its own tmux session.
attach () {
  n=$1 ; r=$2 ; c=$3 ; shift 3
  $tmux new-session -d -s "$n" -x "$c" -y "$r" "exec $bin/ptyattach $* $sock"
}
panepid () { $tmux display -p -t "$1" '#{pane_pid}' ; }

# The program: says where it is, prints 50 lines, answers each line it
# reads, floods on request, and says at once when its size changes.
cat > "$dir/prog.py" <<'EOF'
import os, sys, signal, fcntl, termios, struct
def put (s):
  b = s.encode()
  while b:
    b = b[os.write(1, b):]
def size ():
  return '%d %d' % struct.unpack('hhhh', fcntl.ioctl(0, termios.TIOCGWINSZ, bytes(8)))[:2]
signal.signal(signal.SIGWINCH, lambda s, f: put('winch %s\n' % size()))
with open(sys.argv[1] + '/prog.tty.new', 'w') as f:
  f.write(os.ttyname(0))
os.rename(sys.argv[1] + '/prog.tty.new', sys.argv[1] + '/prog.tty')
put('instance %d\n' % os.getpid())
for i in range(1, 51):
  put('early line %d\n' % i)
put('ready %d\n' % os.getpid())
for line in iter(sys.stdin.readline, ''):
  l = line.rstrip('\n')
  if l == 'flood':
    put(''.join('flood %d\n' % i for i in range(1, 400001)) + 'flood-done\n')
  else:
    put('got:%s\n' % l)
EOF
# The flood for the no-viewer case: 100 MB, then a mark.
cat > "$dir/big.sh" <<'EOF'
#!/bin/sh
head -c 100000000 /dev/zero | tr '\0' x
touch "$1"
EOF
chmod 0755 "$dir/big.sh"

mkdir -p "$scan" "$dir/fdh" "$dir/log"
# fdholder: the s6-fdholder-daemon the head parks the master in.
mkdir -p "$scan/fdholder/rules/uid/0/env"
touch "$scan/fdholder/rules/uid/0/allow"
echo '^ptyhead:' > "$scan/fdholder/rules/uid/0/env/S6_FDHOLDER_STORE_REGEX"
echo '^ptyhead:' > "$scan/fdholder/rules/uid/0/env/S6_FDHOLDER_RETRIEVE_REGEX"
echo 1 > "$scan/fdholder/notification-fd"
cat > "$scan/fdholder/run" <<EOF
#!/bin/execlineb -P
s6-fdholder-daemon -1 -i rules $dir/fdh/socket
EOF
# head: headless, ready on fd 3, parks in the holder, talks at -v 2.
mkdir "$scan/head"
echo 3 > "$scan/head/notification-fd"
cat > "$scan/head/run" <<EOF
#!/bin/execlineb -P
redirfd -a 2 $dir/head.err
redirfd -r 0 /dev/null
redirfd -w 1 /dev/null
$bin/ptyhead -H -d 3 -v 2 -s 24x80 -F $dir/fdh/socket $sock
EOF
# prog: the program under ptyexec -L, its log in s6-log.
mkdir -p "$scan/prog/log"
cat > "$scan/prog/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
$bin/ptyexec -L -E -t 5000 $sock
python3 $dir/prog.py $dir
EOF
cat > "$scan/prog/log/run" <<EOF
#!/bin/execlineb -P
s6-log -b n5 s10000000 $dir/log
EOF
# bighead + big: 100 MB with no viewer ever.
mkdir "$scan/bighead" "$scan/big"
echo 3 > "$scan/bighead/notification-fd"
cat > "$scan/bighead/run" <<EOF
#!/bin/execlineb -P
redirfd -r 0 /dev/null
redirfd -w 1 /dev/null
$bin/ptyhead -H -d 3 $dir/big.sock
EOF
cat > "$scan/big/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
$bin/ptyexec -t 5000 $dir/big.sock
if { $dir/big.sh $dir/big.done }
sleep 1000
EOF
chmod 0755 "$scan"/*/run "$scan/prog/log/run"

# A session that lives as long as the test, so the tmux server does too.
$tmux new-session -d -s keep "exec sleep 100000" || exit 111

# 1. No one watching: the drained-PTY time first, as a sanity bound.
t0=$(date +%s)
timeout 300 script -qfc "$dir/big.sh $dir/base.done" /dev/null > /dev/null 2>&1 < /dev/null
t1=$(date +%s)
base=$((t1 - t0))

s6-svscan "$scan" > "$dir/svscan.log" 2>&1 < /dev/null &
svscan=$!
t0=$(date +%s)

if ! until_true test -S "$sock" || ! until_true is_up_with_pid prog "" || ! until_true test -s "$dir/prog.tty" ; then
  fail "viewers: the program comes up on a headless head" "$(s6-svstat "$scan/prog" 2>&1); $(cat "$dir/head.err")"
  exit 1
fi
pass "viewers: the program comes up on a headless head, with no viewer"

bound=$((base * 10 + 30))
if poll_limit=$((bound * 10)) until_true test -f "$dir/big.done" ; then
  t1=$(date +%s)
  pass "viewers 1: 100 MB with no one watching completes ($((t1 - t0)) s; $base s on a drained PTY)"
else
  fail "viewers 1: 100 MB with no one watching completes" "not done after $bound s ($base s on a drained PTY)"
fi

# 2. Attach after the fact: the last lines at once, keys, ^\ detaches,
# the terminal byte-exact afterwards.
$tmux new-session -d -s v1 -x 80 -y 24 "stty -g > $dir/v1.before ; $bin/ptyattach $sock ; echo rc=\$? ; stty -g > $dir/v1.after ; exec sleep 1000"
if until_true shows v1 "early line 50" ; then
  pass "viewers 2: a viewer attaching later sees the program's last lines at once"
else
  fail "viewers 2: a viewer attaching later sees the program's last lines at once" "$(oneline v1)"
fi
$tmux send-keys -t v1 "hello" Enter
if until_true shows v1 "got:hello" ; then
  pass "viewers 2: the viewer types into the program"
else
  fail "viewers 2: the viewer types into the program" "$(oneline v1)"
fi
progpid=$(svpid prog)
$tmux send-keys -t v1 'C-\'
if until_true shows v1 "rc=0" && until_true test -s "$dir/v1.after" && cmp -s "$dir/v1.before" "$dir/v1.after" ; then
  pass "viewers 2: ^\\ detaches, exit 0, stty -g identical before and after"
else
  fail "viewers 2: ^\\ detaches, exit 0, stty -g identical before and after" "$(oneline v1); before $(cat "$dir/v1.before" 2>/dev/null) after $(cat "$dir/v1.after" 2>/dev/null)"
fi
# A ^\ that reached the program would be a SIGQUIT: it would die.
if test "$(svpid prog)" = "$progpid" && printed "instance $progpid" ; then
  pass "viewers 2: the program sees nothing of the detach"
else
  fail "viewers 2: the program sees nothing of the detach" "the program was $progpid, is $(svpid prog)"
fi

# 3. Two viewers, one read-only; kill -9; SIGSTOP.
attach a 24 80
attach b 24 80
until_true shows a "got:hello" && until_true shows b "got:hello"
$tmux send-keys -t a "both" Enter
if until_true shows a "got:both" && until_true shows b "got:both" ; then
  pass "viewers 3: two viewers show the same screen"
else
  fail "viewers 3: two viewers show the same screen" "a: $(oneline a) b: $(oneline b)"
fi
until_true size_is "24 80"
attach ro 30 100 -r
until_true shows ro "got:both"
$tmux send-keys -t ro "rokeys" Enter
$tmux resize-window -t ro -x 90 -y 20
sleep 1
$tmux send-keys -t a "after-ro" Enter
until_true shows a "got:after-ro"
if ! printed "got:rokeys" && size_is "24 80" ; then
  pass "viewers 3: a -r viewer's keys and size never reach the program"
else
  fail "viewers 3: a -r viewer's keys and size never reach the program" "size $(progsize); $(timeout 10 "$bin/ptyattach" -p "$sock" 2>&1 | tail -n 5 | tr '\n' '|')"
fi
$tmux resize-window -t b -x 70 -y 20
$tmux send-keys -t b "from-b" Enter
if until_true shows a "got:from-b" && until_true size_is "20 70" ; then
  pass "viewers 3: the most recently active read-write viewer's size applies"
else
  fail "viewers 3: the most recently active read-write viewer's size applies" "size $(progsize)"
fi
$tmux send-keys -t a "from-a" Enter
if until_true size_is "24 80" ; then
  pass "viewers 3: typing in another viewer brings its size back"
else
  fail "viewers 3: typing in another viewer brings its size back" "size $(progsize)"
fi
kill -9 "$(panepid b)"
$tmux send-keys -t a "alive" Enter
headpid=$(svpid head)
if until_true shows a "got:alive" && until_true shows ro "got:alive" && test "$(svpid head)" = "$headpid" ; then
  pass "viewers 3: kill -9 of a viewer changes nothing for the program or the others"
else
  fail "viewers 3: kill -9 of a viewer changes nothing for the program or the others" "a: $(oneline a)"
fi
# tmux continues a pane's own process when it stops: the viewer is the
# pane shell's child.
$tmux new-session -d -s stopped -x 80 -y 24 "$bin/ptyattach $sock ; exec sleep 1000"
until_true shows stopped "got:alive"
stoppid=$(pgrep -P "$(panepid stopped)")
pids="$pids $stoppid"
kill -STOP "$stoppid"
$tmux send-keys -t a "flood" Enter
if poll_limit=300 until_true shows a "flood-done" ; then
  pass "viewers 3: a SIGSTOP'd viewer blocks neither the program nor the other viewers"
else
  fail "viewers 3: a SIGSTOP'd viewer blocks neither the program nor the other viewers" "a: $(oneline a)"
fi
# The others' drop lines (tmux panes lose some of a burst too) are
# rate-limited: 8 a second. Let that second pass.
until_true shows ro "flood-done"
sleep 1.5
winches=$(timeout 10 "$bin/ptyattach" -p "$sock" | grep -c '^winch')
kill -CONT "$stoppid"
if until_true in_headlog "dropped [0-9]* bytes of output for the viewer with pid $stoppid" && until_true shows stopped "flood-done" ; then
  pass "viewers 3: the stopped viewer's loss is counted at -v 2, it catches up on SIGCONT"
else
  fail "viewers 3: the stopped viewer's loss is counted at -v 2, it catches up on SIGCONT" "pid $stoppid: $(tail -n 3 "$dir/head.err" | tr '\n' '|'); $(oneline stopped)"
fi
more_winches () { test "$(timeout 10 "$bin/ptyattach" -p "$sock" | grep -c '^winch')" -gt "$winches" ; }
if until_true more_winches ; then
  pass "viewers 3: and is repainted (the program gets a size change)"
else
  fail "viewers 3: and is repainted (the program gets a size change)" "before: $winches; $(timeout 10 "$bin/ptyattach" -p "$sock" | tail -n 4 | tr "\n" "|")"
fi

# 5. Scripts: -p, -s.
out=$(timeout 10 "$bin/ptyattach" -p "$sock")
rc=$?
if test $rc -eq 0 && printf '%s\n' "$out" | grep -q "^flood-done$" && ! printf '%s' "$out" | grep -q "$(printf '\033')" ; then
  pass "viewers 5: ptyattach -p prints the screen's text, no escape sequences"
else
  fail "viewers 5: ptyattach -p prints the screen's text, no escape sequences" "exit $rc"
fi
out=$(timeout 10 "$bin/ptyattach" -s "$sock")
rc=$?
pid=$(svpid prog)
if test $rc -eq 0 && printf '%s\n' "$out" | grep -q "^up (pid $pid) [0-9]* seconds, program .*, 3 viewers (1 read-only), [0-9]* bytes dropped, parked$" ; then
  pass "viewers 5: ptyattach -s says up, pid, program, viewers, drops, parked"
else
  fail "viewers 5: ptyattach -s says up, pid, program, viewers, drops, parked" "exit $rc: $out"
fi

# 4. Restarts: the next instance on the attached viewers; the head
# killed with -F: a new head adopts, the log goes on, viewers reattach.
s6-svc -k "$scan/prog"
if until_true is_up_with_pid prog "$pid" && until_true shows a "ready $(svpid prog)" ; then
  pass "viewers 4: s6-svc -k of the program: the attached viewer shows the next instance"
else
  fail "viewers 4: s6-svc -k of the program: the attached viewer shows the next instance" "$(oneline a)"
fi
pid=$(svpid prog)
until_true printed "early line 50"
$tmux send-keys -t a "before-kill" Enter
until_true in_log "got:before-kill"
$tmux kill-session -t a
s6-svc -k "$scan/head"
if until_true is_up_with_pid head "$headpid" && until_true in_headlog "adopted" ; then
  attach c 24 80
  $tmux send-keys -t c "adopted" Enter
  if until_true shows c "got:adopted" && test "$(svpid prog)" = "$pid" ; then
    pass "viewers 4: the head killed with -F: a new head adopts, a viewer reattaches and types"
  else
    fail "viewers 4: the head killed with -F: a new head adopts, a viewer reattaches and types" "$(oneline c); prog $(svpid prog) was $pid"
  fi
  if until_true in_log "got:adopted" ; then
    pass "viewers 4: logging continues in s6-log after the adoption"
  else
    fail "viewers 4: logging continues in s6-log after the adoption" "$(tail -n 3 "$dir/log/current" | tr '\n' '|')"
  fi
else
  fail "viewers 4: the head killed with -F: a new head adopts" "$(tail -n 5 "$dir/head.err" | tr '\n' '|')"
fi

# 6. A head with a terminal (tmux) is one more viewer: both screens
# show the program, and the latest to type gives its size.
mkdir "$dir/t"
$tmux new-session -d -s thead -x 100 -y 30 "exec $bin/ptyhead $dir/t.sock"
until_true test -S "$dir/t.sock"
setsid "$bin/ptyexec" -t 5000 "$dir/t.sock" python3 "$dir/prog.py" "$dir/t" < /dev/null > /dev/null 2>&1 &
tprog=$!
pids="$pids $tprog"
tsize () { test "$(stty -F "$(cat "$dir/t/prog.tty")" size 2>/dev/null)" = "$1" ; }
if until_true shows thead "ready $tprog" && until_true tsize "30 100" ; then
  $tmux new-session -d -s tview -x 80 -y 24 "exec $bin/ptyattach $dir/t.sock"
  until_true shows tview "ready $tprog"
  $tmux send-keys -t tview "via-viewer" Enter
  if until_true shows thead "got:via-viewer" && until_true shows tview "got:via-viewer" && until_true tsize "24 80" ; then
    pass "viewers 6: a head in a terminal serves a viewer: both show the program, the viewer's keys and size apply"
  else
    fail "viewers 6: a head in a terminal serves a viewer: both show the program, the viewer's keys and size apply" "head: $(oneline thead); size $(stty -F "$(cat "$dir/t/prog.tty")" size)"
  fi
  $tmux send-keys -t thead "via-head" Enter
  if until_true shows tview "got:via-head" && until_true tsize "30 100" ; then
    pass "viewers 6: the head's own terminal counts as a viewer: typing there brings its size back"
  else
    fail "viewers 6: the head's own terminal counts as a viewer: typing there brings its size back" "size $(stty -F "$(cat "$dir/t/prog.tty")" size)"
  fi
else
  fail "viewers 6: a head in a terminal" "$(oneline thead)"
fi

# 7. A new viewer gets a real repaint: less, which redraws only when its
# size really changes, redraws for a read-only viewer that changes no
# size (the head shrinks it a column, then gives the size back later).
if command -v less >/dev/null 2>&1 ; then
  seq 1 1000 | sed 's/^/less line /' > "$dir/less.txt"
  $tmux new-window -d -t keep "exec $bin/ptyhead -H -s 24x80 $dir/l.sock"
  until_true test -S "$dir/l.sock"
  setsid "$bin/ptyexec" -t 5000 "$dir/l.sock" env TERM=xterm LESS= less "$dir/less.txt" < /dev/null > /dev/null 2>&1 &
  pids="$pids $!"
  drawn () { timeout 10 "$bin/ptyattach" -p "$dir/l.sock" | grep -c '^less line 5$' ; }
  more_drawn () { test "$(drawn)" -gt "$1" ; }
  if until_true more_drawn 0 ; then
    before=$(drawn)
    $tmux new-session -d -s lessro -x 80 -y 24 "exec $bin/ptyattach -r $dir/l.sock"
    if until_true more_drawn "$before" ; then
      pass "viewers 7: a new viewer makes a curses program (less) redraw, with no size change of its own"
    else
      fail "viewers 7: a new viewer makes a curses program (less) redraw, with no size change of its own" "drawn $before times before, $(drawn) after"
    fi
  else
    fail "viewers 7: less on a headless head" "its screen never showed: $(timeout 10 "$bin/ptyattach" -p "$dir/l.sock" 2>&1 | tail -n 3 | tr '\n' '|')"
  fi
else
  skip "viewers 7: a new viewer makes less redraw" "less is not installed"
fi

# 5. Refusals by uid, both ways.
if ! nobody=$(id -u nobody 2>/dev/null) || test "$(id -u)" -ne 0 ; then
  skip "viewers 5: refusals by uid" "needs root and a nobody user"
  exit $failed
fi
chmod 0666 "$sock"
out=$(timeout 10 s6-setuidgid nobody "$bin/ptyattach" -p "$sock" 2>&1)
rc=$?
if test $rc -eq 111 && printf '%s' "$out" | grep -q "not authorized" ; then
  pass "viewers 5: the head refuses a viewer of a uid it does not allow"
else
  fail "viewers 5: the head refuses a viewer of a uid it does not allow" "exit $rc: $out"
fi
mkdir "$dir/nb" && chown nobody "$dir/nb"
$tmux new-session -d -s nbhead "exec s6-setuidgid nobody $bin/ptyhead -H -m 0666 $dir/nb/sock"
until_true test -S "$dir/nb/sock"
out=$(timeout 10 "$bin/ptyattach" -p "$dir/nb/sock" 2>&1)
rc=$?
if test $rc -eq 111 && test -n "$out" ; then
  pass "viewers 5: ptyattach refuses a head of another uid"
else
  fail "viewers 5: ptyattach refuses a head of another uid" "exit $rc: $out"
fi
exit $failed
