# Sourced by the integration scripts src/tests/*.sh, which run from the
# top of the tree. One way of doing each thing every suite needs:
#
#   pass NAME / fail NAME WHY / skip NAME WHY
#       print the PASS:/FAIL:/SKIP: lines tools/run-tests.sh counts; fail
#       sets $failed to 1, so a suite ends with `exit $failed`.
#   until_true COMMAND...
#       runs COMMAND every 0.1 s until it succeeds; gives up (returns 1)
#       after $poll_limit tenths of a second (default 100: 10 s). A suite
#       with slow waits sets poll_limit once, at the top.
#   until_within TENTHS COMMAND...
#       the same with its own deadline, for the one wait that differs.
#   running PID / gone PID
#       whether PID still runs; a zombie (a child not reaped yet) has
#       gone. Neither blocks: wait with `until_true gone PID`.
#   nfds PID
#       how many fds PID has open (from /proc).
#   workdir NAME
#       makes the suite's work directory /tmp/ptysplit-NAME.XXXXXX in $dir
#       (exit 111 if it cannot) and sets the traps: on exit, and on
#       INT/TERM/HUP (then exit 1), cleanup runs once. Call it first.
#   register_pid PID...
#       the suite started PID: cleanup stops it if it still runs. Register
#       every process started in the background that may outlive the suite.
#   on_cleanup COMMAND
#       a shell command (a string, eval'd) for cleanup to run; for what
#       has no pid of its own: a tmux server, a container, a scan directory.
#   stop_pids PID...
#       SIGTERM to those still running, SIGKILL 2 s later to those that
#       still are. It waits at most 2 s plus a moment.
#   cleanup
#       runs the on_cleanup commands, newest first, then stop_pids on the
#       registered pids, then removes $dir. It kills nothing else: never a
#       process found by name. A signal during cleanup does not cut it short.
#
# src/tests/lib/tmux.sh (a private tmux server and its screens) and
# src/tests/lib/s6.sh (an s6-svscan that is brought down) build on these.
#
# A new suite, src/tests/NAME.sh (run-tests.sh picks it up):
#   . ./src/tests/lib/common.sh
#   . ./src/tests/lib/tmux.sh
#   top=$(pwd)
#   workdir NAME
#   tmux_init
#   $tmux new-session -d -s main -x 80 -y 24 "exec $top/ptyhead $dir/head.sock"
#   until_true test -S "$dir/head.sock" || { fail "NAME: head" "no socket" ; exit 1 ; }
#   "$top/ptyexec" "$dir/head.sock" sh -c 'echo hi ; exec sleep 100' </dev/null >/dev/null 2>&1 &
#   register_pid $!
#   if until_true shows main hi ; then pass "NAME: hi" ; else fail "NAME: hi" "$(screen_line main)" ; fi
#   exit $failed

failed=0
pass () { echo "PASS: $1" ; }
fail () { echo "FAIL: $1: $2" ; failed=1 ; }
skip () { echo "SKIP: $1: $2" ; }

until_within () {
  _limit=$1 ; shift
  _tries=0
  until "$@" >/dev/null 2>&1 ; do
    _tries=$((_tries + 1)) ; test $_tries -gt "$_limit" && return 1
    sleep 0.1
  done
}
until_true () { until_within "${poll_limit:-100}" "$@" ; }

nfds () { ls "/proc/$1/fd" 2>/dev/null | wc -l ; }

dir=
_pids=
_hooks=

workdir () {
  dir=$(mktemp -d "/tmp/ptysplit-$1.XXXXXX") || exit 111
  trap cleanup EXIT
  trap 'exit 1' INT TERM HUP
}

register_pid () { _pids="$_pids $*" ; }

on_cleanup () {
  _hooks="$1
$_hooks"
}

running () {
  _state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c 1)
  test -n "$_state" && test "$_state" != Z
}
gone () { ! running "$1" ; }

stop_pids () {
  _left=
  for _p ; do running "$_p" && _left="$_left $_p" ; done
  test -z "$_left" && return 0
  kill -TERM $_left 2>/dev/null
  _tries=0
  while test $_tries -lt 20 ; do
    _still=
    for _p in $_left ; do running "$_p" && _still="$_still $_p" ; done
    test -z "$_still" && return 0
    sleep 0.1 ; _tries=$((_tries + 1))
  done
  kill -KILL $_still 2>/dev/null
  return 0
}

cleanup () {
  trap - EXIT
  trap '' INT TERM HUP
  eval "$_hooks"
  stop_pids $_pids
  test -n "$dir" && rm -rf "$dir"
}

# child_of_supervise NAME PID COMM: PASS NAME if PID runs COMM and its
# parent is s6-supervise (the program is the supervisor's direct child).
child_of_supervise () {
  _comm=$(cat "/proc/$2/comm" 2>/dev/null)
  _ppid=$(ps -o ppid= -p "$2" | tr -d ' ')
  _parent=$(cat "/proc/$_ppid/comm" 2>/dev/null)
  if test "$_comm" = "$3" && test "$_parent" = s6-supervise ; then
    pass "$1"
  else
    fail "$1" "pid $2 is '$_comm', its parent is '$_parent'"
  fi
}
