#!/bin/sh
#
# ptyhead -F with a real s6-fdholder-daemon: the program outlives its
# head, a new head adopts it, entries follow the sessions, and the holder
# being absent or dying is handled. Heads run in a real tmux server.
# Prints PASS/FAIL/SKIP lines. Run from the top of the tree.

. ./src/tests/lib/common.sh
. ./src/tests/lib/tmux.sh

top=$(pwd)
workdir fdholder
tmux_init
holder="$dir/holder.sock"
sock="$dir/head.sock"

entries () { s6-fdholder-list "$holder" 2>/dev/null | grep -c . ; }
holder_empty () { test "$(entries)" = 0 ; }
holder_has () { s6-fdholder-list "$holder" 2>/dev/null | grep -qx "ptyhead:$sock" ; }

for need in s6-fdholder-daemon s6-fdholder-list tmux bash ; do
  command -v $need >/dev/null 2>&1 || { skip "fd holder" "$need is not installed" ; exit 0 ; }
done
if ! ./ptyhead -F /nonexistent "$dir/probe.sock" 2>&1 | grep -q "connect to the fd holder" ; then
  skip "fd holder" "this ptyhead was built without -F (libs6-dev missing at configure time)"
  exit 0
fi

# A holder that lets root store, retrieve, delete and list ptyhead: ids.
rules=$dir/rules
mkdir -p "$rules/uid/0/env" && touch "$rules/uid/0/allow" || exit 111
echo '^ptyhead:' > "$rules/uid/0/env/S6_FDHOLDER_STORE_REGEX"
echo '^ptyhead:' > "$rules/uid/0/env/S6_FDHOLDER_RETRIEVE_REGEX"
echo 1 > "$rules/uid/0/env/S6_FDHOLDER_LIST"
start_holder () {
  s6-fdholder-daemon -i "$rules" "$holder" 2>>"$dir/holder.err" &
  holderpid=$!
  register_pid "$holderpid"
  until_true s6-fdholder-list "$holder"
}

# start_head NAME [OPTIONS...]: a head with -F in its own tmux window.
start_head () {
  name=$1 ; shift
  if $tmux has-session 2>/dev/null ; then
    $tmux new-window -d -n "$name" "exec $top/ptyhead -F $holder $* $sock 2>>$dir/$name.err"
  else
    $tmux new-session -d -s main -n "$name" -x 80 -y 24 "exec $top/ptyhead -F $holder $* $sock 2>>$dir/$name.err"
  fi
  $tmux set-option -t "main:$name" remain-on-exit on >/dev/null
  until_true test -S "$sock"
}
headpid () { pane_pid "main:$1" ; }

# The counter: a line every 0.1 s, WINCH with the size on SIGWINCH, GOT
# for every line typed. (Not a bash loop around read -t: bash 5.2 drops
# a trapped SIGWINCH that arrives during read -t, which made the
# adoption's WINCH go missing in one run out of three.)
counter="$top/ptysplit-probe count"

# prog ARGS...: ptyexec in the background, as a supervisor would start it.
prog () {
  setsid "$top/ptyexec" -t 5000 "$sock" "$@" </dev/null >>"$dir/ptyexec.out" 2>&1 &
  progpid=$!
  register_pid "$progpid"
}

numbers () { screen_of "main:$1" -S - | sed -n 's/^count \([0-9]*\)$/\1/p' ; }
consecutive () {
  awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }'
}

# 1. Holder absent at start-up: 111, saying so.
out=$("$top/ptyhead" -F "$dir/no-holder.sock" "$sock" 2>&1) ; code=$?
if test $code = 111 && echo "$out" | grep -q "unable to connect to the fd holder at $dir/no-holder.sock" ; then
  pass "fd holder absent at start-up: 111 with a clear message"
else
  fail "fd holder absent at start-up" "exit $code, said: $out"
fi
test -e "$sock" && fail "fd holder absent at start-up" "the socket was left behind"

# 1b. A socket whose identifier ("ptyhead:" + absolute path) would pass
#     the holder's 255 bytes: 100, before any socket exists.
deep=$dir/$(printf '%0100d' 0)/$(printf '%0100d' 1)/$(printf '%0100d' 2)
mkdir -p "$deep" || exit 111
out=$(cd "$deep" && "$top/ptyhead" -F "$holder" head.sock 2>&1) ; code=$?
if test $code = 100 && echo "$out" | grep -q "too long to name it in the fd holder" && ! test -e "$deep/head.sock" ; then
  pass "-F: a socket path too long for the holder's identifier: 100, no socket left"
else
  fail "-F identifier too long" "exit $code, said: $out; socket: $(ls "$deep/head.sock" 2>&1)"
fi

# 1c. A holder whose rules do not know our uid hangs up on us: 111,
#     and the message says the rules are the likely cause.
mkdir -p "$dir/rules-other/uid/12345" && touch "$dir/rules-other/uid/12345/allow" || exit 111
s6-fdholder-daemon -i "$dir/rules-other" "$dir/other.sock" 2>>"$dir/holder.err" &
otherpid=$!
register_pid "$otherpid"
if until_true test -S "$dir/other.sock" ; then
  out=$("$top/ptyhead" -F "$dir/other.sock" "$sock" 2>&1) ; code=$?
  if test $code = 111 && echo "$out" | grep -q "do its rules, s6-fdholder-daemon -i or -x, allow uid $(id -u)" ; then
    pass "-F: a holder whose rules refuse the head's uid: 111, saying so"
  else
    fail "-F holder refusing the uid" "exit $code, said: $out"
  fi
else
  fail "-F holder refusing the uid" "the second s6-fdholder-daemon did not start"
fi
kill "$otherpid" 2>/dev/null ; wait "$otherpid" 2>/dev/null

start_holder || { fail "fd holder" "s6-fdholder-daemon did not start" ; exit 1 ; }

# 2. The program survives the head; a new head adopts it.
start_head h1
prog $counter
if until_true shows main:h1 "count 5" -S - && until_true holder_has ; then
  pass "-F: the session's master is stored as ptyhead:$sock"
else
  fail "-F store" "screen: $(screen_of main:h1 -S - | tail -3) holder: $(s6-fdholder-list "$holder" 2>&1)"
fi
kill -9 "$(headpid h1)"
sleep 2
last=$(numbers h1 | tail -n 1)
if kill -0 "$progpid" 2>/dev/null ; then
  pass "-F: the program is alive 2 s after kill -9 of its head"
else
  fail "-F survival" "the program died with its head"
fi
start_head h2
# The repaint is a shrink, then the size back on a later turn: two
# SIGWINCHs the program sees apart (back to back, they merge and a
# curses program sees no change).
if until_true shows main:h2 "WINCH 24 79" -S - && until_true shows main:h2 "WINCH 24 80" -S - ; then
  pass "-F: the new head adopts the program, which gets a SIGWINCH to repaint"
else
  fail "-F adoption" "no WINCH 24 79 then WINCH 24 80 on the new head: $(screen_of main:h2 -S - | tail -5)"
fi
until_true shows main:h2 "count $((last + 30))" -S -
first=$(numbers h2 | head -n 1)
if test -n "$last" && test "$first" = $((last + 1)) && numbers h2 | consecutive ; then
  pass "-F: the counter goes on with no gap (old head's last $last, new head's first $first)"
else
  fail "-F continuity" "old head's last: $last, new head's first: $first; new screen: $(screen_of main:h2 -S - | head -5 | tr "\n" "|")"
fi
$tmux send-keys -t main:h2 "typed-after-adoption" Enter
if until_true shows main:h2 "GOT typed-after-adoption" -S - ; then
  pass "-F: keys typed on the new head reach the adopted program"
else
  fail "-F keys" "$(screen_of main:h2 -S - | tail -5)"
fi

# 3. The program's normal exit removes the entry.
kill "$progpid"
if until_true holder_empty ; then
  pass "-F: the program's exit deletes the holder entry"
else
  fail "-F delete on exit" "holder: $(s6-fdholder-list "$holder" 2>&1)"
fi
kill "$(headpid h2)" 2>/dev/null
until_true test ! -e "$sock"

# 3b. A curses program adopted by a new head repaints its whole screen.
#     Curses sends only what changed, and like many programs this one
#     redraws only when the size it reads has changed: two SIGWINCHs that
#     merge (a change and back, sent back to back) show it no change, and
#     the new head would show the changing digits and nothing else.
cat > "$dir/repaintme.py" <<'EOF'
import curses, time
def main(s):
    s.timeout(200)
    def draw():
        s.clear()
        s.addstr(0, 0, "STATIC-LINE")
    draw()
    size = s.getmaxyx()
    while True:
        s.addstr(2, 0, str(time.time()))
        s.refresh()
        if s.getch() == curses.KEY_RESIZE and s.getmaxyx() != size:
            size = s.getmaxyx()
            draw()
curses.wrapper(main)
EOF
if python3 -c 'import curses' 2>/dev/null ; then
  start_head c1
  prog python3 "$dir/repaintme.py"
  until_true shows main:c1 STATIC-LINE -S -
  kill -9 "$(headpid c1)"
  sleep 1
  start_head c2
  if until_true shows main:c2 STATIC-LINE -S - ; then
    pass "-F: an adopted curses program (python curses, KEY_RESIZE) repaints its whole screen on the new head"
  else
    fail "-F curses repaint" "the new head shows only: $(screen_of main:c2 | grep . | head -3 | tr '\n' '|')"
  fi
  kill "$progpid"
  until_true holder_empty
  kill "$(headpid c2)" 2>/dev/null
  until_true test ! -e "$sock"
else
  skip "-F curses repaint" "python3 with curses is not installed"
fi

# 4. -r moves the entry to the new master.
rm -f "$dir/ptyexec.out"
start_head h3 -r
prog sh -c 'echo first-program ; exec sleep 101'
first=$progpid
until_true shows main:h3 first-program -S -
prog sh -c 'echo second-program ; exec sleep 102'
second=$progpid
until_true shows main:h3 second-program -S -
n=$(entries)
kill -9 "$(headpid h3)"
start_head h4
if test "$n" = 1 && until_true holder_has && until_true gone "$first" && ! gone "$second" ; then
  pass "-r: one entry, moved to the new program's master (the old one hung up, the new one survived its head)"
else
  fail "-r" "$n entries: $(s6-fdholder-list "$holder" 2>&1); first program gone: $(gone "$first" && echo yes), second: $(gone "$second" && echo yes)"
fi
kill "$second"
until_true holder_empty
kill "$(headpid h4)" 2>/dev/null
until_true test ! -e "$sock"

# 5. 100 sessions: nothing left in the holder, no fd growth in the head.
start_head h5
hp=$(headpid h5)
before=$(nfds "$hp")
i=0 ; bad=0
while test $i -lt 100 ; do
  "$top/ptyexec" -t 5000 "$sock" true </dev/null >/dev/null 2>&1 || bad=$((bad + 1))
  i=$((i + 1))
done
until_true holder_empty
after=$(nfds "$hp")
if test $bad = 0 && holder_empty && test "$before" = "$after" ; then
  pass "-F: 100 sessions leave nothing in the holder and the head's fds at $after"
else
  fail "-F 100 sessions" "$bad failed, holder: $(entries) entries, head fds $before -> $after"
fi

# 5b. A stopped holder (SIGSTOP) answers nothing. The -F requests are
#     queued and read by the loop, so the head never waits for it: the
#     session is served at once, and after 1 s the head gives up on the
#     holder with a warning. Seen from /proc: a head waiting for the
#     holder alone would sit in ppoll (271) on one fd (its third
#     argument 0x1), as it did for a second per operation before; it is
#     sampled every 10 ms for 1.5 s.
blocked_on_one_fd () {
  _pid=$1 ; _n=0 ; _i=0
  while test $_i -lt 150 ; do
    set -- $(cat "/proc/$_pid/syscall" 2>/dev/null)
    test "$1" = 271 && test "$3" = 0x1 && _n=$((_n + 1))
    sleep 0.01 ; _i=$((_i + 1))
  done
  echo $_n
}
kill -STOP "$holderpid"
: > "$dir/h5.err"
prog "$top/ptysplit-probe" echo stoppedholder
blocked=$(blocked_on_one_fd "$hp")
ok=1
until_true shows main:h5 "REPORT tag=stoppedholder" -S - || ok=0
$tmux send-keys -t main:h5 "while-stopped" Enter
until_true shows main:h5 "GOT while-stopped" -S - || ok=0
until_true grep -q "giving up on the fd holder at $holder: it did not answer within 1 second" "$dir/h5.err" || ok=0
kill "$progpid"
kill -CONT "$holderpid"
if test $ok = 1 && test "$blocked" = 0 && ! gone "$hp" ; then
  pass "-F: a stopped holder never makes the head wait: the session is served, the head gives up on it after 1 s with a warning"
else
  fail "-F stopped holder" "samples in a one-fd ppoll: $blocked of 150; stderr: $(tr '\n' ' ' < "$dir/h5.err"); screen: $(screen_of main:h5 -S - | tail -3)"
fi
until_true holder_empty

# 5c. A holder that answers late, within the second: the queued store
#     lands, and the status says the master is parked.
kill -STOP "$holderpid"
prog "$top/ptysplit-probe" echo lateholder
sleep 0.2
kill -CONT "$holderpid"
if until_true holder_has && until_true sh -c "timeout 5 $top/ptyattach -s $sock | grep -q ', parked\$'" ; then
  pass "-F: a holder that answers late still gets the master, and ptyattach -s says parked"
else
  fail "-F late holder" "$(entries) entries; status: $(timeout 5 "$top/ptyattach" -s "$sock" 2>&1); stderr: $(tr '\n' ' ' < "$dir/h5.err")"
fi
kill "$progpid"
until_true holder_empty

# 6. The holder dies mid-session: a warning, the session goes on, and
#    the next session is still served.
prog $counter
until_true shows main:h5 "count 3" -S -
kill "$holderpid" ; wait "$holderpid" 2>/dev/null ; holderpid=
$tmux send-keys -t main:h5 "after-holder-death" Enter
ok=1
until_true shows main:h5 "GOT after-holder-death" -S - || ok=0
kill "$progpid"
until_true grep -q "unable to connect to the fd holder" "$dir/h5.err" || ok=0
prog sh -c 'echo served-without-holder ; exec sleep 1'
until_true shows main:h5 served-without-holder -S - || ok=0
if test $ok = 1 && ! gone "$hp" ; then
  pass "-F: the holder dying mid-session costs a line on stderr, never the session"
else
  fail "-F holder death" "screen: $(screen_of main:h5 -S - | tail -3) stderr: $(cat "$dir/h5.err")"
fi

# 7. Built without libs6: -F dies 100 saying so.
build=$dir/build
if "$top/tools/copy-tree.sh" "$build" && (cd "$build" && ./configure --disable-fdholder >/dev/null && make ptyhead >/dev/null 2>&1) ; then
  out=$("$build/ptyhead" -F "$holder" "$dir/nolib.sock" 2>&1) ; code=$?
  if test $code = 100 && echo "$out" | grep -q "built without s6-fdholder support" && ! test -e "$dir/nolib.sock" ; then
    pass "built without libs6: ptyhead -F dies 100 saying so, and creates no socket"
  else
    fail "built without libs6" "exit $code: $out; socket: $(ls "$dir/nolib.sock" 2>&1)"
  fi
else
  fail "built without libs6" "could not configure and build a copy with --disable-fdholder"
fi

exit $failed
