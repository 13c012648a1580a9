# Sourced by the integration scripts src/tests/*.sh, which run from the
# top of the tree: the PASS/FAIL/SKIP lines tools/run-tests.sh counts,
# and polling with a deadline, so that a hang is a failure.

failed=0
pass () { echo "PASS: $1" ; }
fail () { echo "FAIL: $1: $2" ; failed=1 ; }
skip () { echo "SKIP: $1: $2" ; }

# until_true COMMAND...: runs COMMAND every 0.1 s until it succeeds, for
# poll_limit tenths of a second at most (default 100: 10 s).
until_true () {
  _tries=0
  until "$@" >/dev/null 2>&1 ; do
    _tries=$((_tries + 1)) ; test $_tries -gt "${poll_limit:-100}" && return 1
    sleep 0.1
  done
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
