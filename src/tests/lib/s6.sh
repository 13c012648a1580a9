# Sourced after src/tests/lib/common.sh (and after workdir) by the suites
# that run a real s6-svscan.
#
#   svscan_start SCANDIR [LOGFILE]
#       s6-svscan on SCANDIR in the background (stdin /dev/null, stdout and
#       stderr to LOGFILE, default /dev/null), its pid in $svscan. cleanup
#       brings it down as an administrator would: s6-svscanctl -t, 5 s for
#       it to take its supervisors down and exit, then SIGTERM and SIGKILL.
#       A suite that must do something first (resume a stopped service)
#       registers that with on_cleanup after svscan_start: newest first.
#   svscan_add SCANDIR
#       s6-svscanctl -a SCANDIR, after execline_scripts SCANDIR: for
#       service directories moved into a running scan directory.
#   execline_scripts PATH...
#       in a run of tools/vendor-build.sh (PTYSPLIT_VENDOR_STACK set),
#       points the '#!/bin/execlineb' line of every run and finish script
#       under PATH at the execlineb first in PATH, the stack's: a shebang
#       is an absolute path, so the scripts would run the host's execline
#       otherwise. Elsewhere it changes nothing.

svscan_start () {
  execline_scripts "$1"
  s6-svscan "$1" > "${2:-/dev/null}" 2>&1 < /dev/null &
  svscan=$!
  _scandir=$1
  register_pid "$svscan"
  on_cleanup svscan_stop
}

svscan_stop () {
  s6-svscanctl -t "$_scandir" 2>/dev/null
  until_within 50 gone "$svscan"
}

svscan_add () {
  execline_scripts "$1"
  s6-svscanctl -a "$1"
}

execline_scripts () {
  test -n "$PTYSPLIT_VENDOR_STACK" || return 0
  _execlineb=$(command -v execlineb) || return 1
  find "$@" -type f \( -name run -o -name finish \) | while read -r _script ; do
    sed -i "1s|^#!/bin/execlineb|#!$_execlineb|" "$_script"
  done
}
