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

svscan_start () {
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
