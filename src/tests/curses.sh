#!/bin/sh
#
# Curses programs see no difference: in one tmux server, window "direct"
# runs a program on tmux's own terminal, window "head" runs ptyhead and
# the same program arrives through ptyexec; both windows have one size
# and one TERM, get the same keys, and their screens (colours included,
# capture-pane -e) must be identical. Also top starts and quits with q
# through the head. Prints PASS/FAIL/SKIP lines. Run from the top of the tree.

. ./src/tests/lib/common.sh
. ./src/tests/lib/tmux.sh

top=$(pwd)
workdir curses
tmux_init
sock=$dir/head.sock

# settle WINDOW FILE: waits until two captures 200 ms apart agree, 10 s at most.
settle () {
  i=0
  screen_of "$1" -e > "$2.a"
  while : ; do
    sleep 0.2
    screen_of "$1" -e > "$2"
    cmp -s "$2" "$2.a" && return 0
    mv "$2" "$2.a"
    i=$((i + 1)) ; test $i -gt 50 && return 1
  done
}

# keys K...: the same keys to both windows, each key then a pause.
keys () {
  for k ; do
    $tmux send-keys -t direct "$k"
    $tmux send-keys -t head "$k"
    sleep 0.15
  done
}

# compare NAME TEXT: the two screens, now; TEXT must be on them.
compare () {
  settle direct "$dir/direct.txt" ; settle head "$dir/head.txt"
  if ! grep -q -- "$2" "$dir/head.txt" ; then
    fail "curses: $1: identical screens, colours included" "'$2' is not on the head's screen"
  elif cmp -s "$dir/direct.txt" "$dir/head.txt" ; then
    pass "curses: $1: identical screens, colours included"
  else
    fail "curses: $1: identical screens, colours included" "the screens differ:"
    diff -u "$dir/direct.txt" "$dir/head.txt" | head -n 40 | sed 's/^/# /'
  fi
}

# start CMD...: CMD directly in "direct", through ptyexec in "head".
start () {
  $tmux send-keys -t direct "clear ; $*" Enter
  timeout 60 "$top/ptyexec" "$sock" "$@" > "$dir/ptyexec.out" 2>&1 &
  register_pid $!
}

for need in tmux less vim top ; do
  command -v $need >/dev/null 2>&1 || { skip "curses" "$need is not installed" ; exit 0 ; }
done

# A file with long lines, a pattern, and some structure.
i=1
while test $i -le 120 ; do
  echo "line $i: the quick brown fox jumps over the lazy dog, again and again and again, to make this line wrap on a 100-column screen $i"
  i=$((i + 1))
done > "$dir/file.txt"
echo "needle here" >> "$dir/file.txt"

# lesskey and vim state are kept out: both windows run with the same empty HOME.
mkdir "$dir/home"
$tmux -f /dev/null new-session -d -s cmp -n direct -x 100 -y 30 "env -i HOME=$dir/home PATH=$PATH TERM=tmux-256color LESSHISTFILE=- sh" || exit 111
$tmux set-option -g default-size 100x30 >/dev/null 2>&1
$tmux new-window -d -t cmp -n head "exec env -i HOME=$dir/home PATH=$PATH TERM=tmux-256color LESSHISTFILE=- $top/ptyhead $sock"
until_true test -S "$sock" || { fail "curses: head starts" "no socket" ; exit 1 ; }
sleep 0.3

# less
start env -i HOME="$dir/home" PATH="$PATH" TERM=tmux-256color LESSHISTFILE=- less "$dir/file.txt"
until_true shows direct "line 1:" && until_true shows head "line 1:" || fail "curses: less starts" "direct: $(screen_of direct -e | head -n 3) head: $(screen_of head -e | head -n 3)"
compare "less, first page" "line 1:"
keys G
compare "less after G" "needle here"
keys g / needle Enter
compare "less after a search" "needle"
keys q
wait

# vim, with colours
start env -i HOME="$dir/home" PATH="$PATH" TERM=tmux-256color vim -u NONE -n "$dir/file.txt"
until_true shows direct "line 1:" && until_true shows head "line 1:" || fail "curses: vim starts" "head: $(screen_of head -e | head -n 3)"
keys ":set number" Enter ":hi LineNr ctermfg=red ctermbg=blue" Enter ":syntax on" Enter 40G o "typed through the head" Escape
compare "vim with colours, after moving and inserting" "typed through the head"
grep -q "$(printf '\033')\\[" "$dir/head.txt" || fail "curses: vim's screen has colours" "no escape sequence in capture-pane -e"
keys ":q!" Enter
wait

# top through the head
timeout 20 "$top/ptyexec" "$sock" top -d 1 > "$dir/top.out" 2>&1 &
toppid=$!
register_pid "$toppid"
if until_true shows head "load average" ; then
  $tmux send-keys -t head q
  until_true gone "$toppid"
  if ! gone "$toppid" ; then
    fail "curses: top starts and quits with q through the head" "top still running after q"
  elif test "$($tmux display -p -t head '#{pane_dead}')" = 1 ; then
    fail "curses: top starts and quits with q through the head" "the head died"
  else
    pass "curses: top starts and quits with q through the head"
  fi
else
  fail "curses: top starts and quits with q through the head" "no load average on the head: $(screen_of head -e | head -n 3)"
fi
exit $failed
