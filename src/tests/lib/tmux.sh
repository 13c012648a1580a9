# Sourced after src/tests/lib/common.sh (and after workdir) by the suites
# that run heads in a real tmux: a private server, and its screens.
#
#   tmux_init
#       sets $tmux to "tmux -S $dir/tmux.sock": a server of the suite's
#       own, which no other tmux user sees. Start it with
#       `$tmux new-session -d ...` as usual. cleanup kills it (kill-server,
#       then its pid if it lingers), never any other tmux server.
#   screen_of TARGET [OPTION...]
#       the pane's screen, `capture-pane -p OPTION... -t TARGET`: add -e
#       for the colours, -S - for the scrollback too. Nothing if no pane.
#   shows TARGET TEXT [OPTION...]
#       true if the screen (with those capture options) has TEXT (a grep
#       pattern) on it, now. Wait for it with `until_true shows ...`.
#   screen_line TARGET [OPTION...]
#       the screen on one line, rows separated by '|', for FAIL messages.
#   pane_pid TARGET
#       the pid of the process the pane runs.

tmux_init () {
  tmux="tmux -S $dir/tmux.sock"
  on_cleanup tmux_kill
}

tmux_kill () {
  _server=$($tmux display -p '#{pid}' 2>/dev/null)
  $tmux kill-server >/dev/null 2>&1
  test -n "$_server" && stop_pids "$_server"
}

screen_of () {
  _target=$1 ; shift
  $tmux capture-pane -p "$@" -t "$_target" 2>/dev/null
}

shows () {
  _target=$1 _text=$2 ; shift 2
  screen_of "$_target" "$@" | grep -q -- "$_text"
}

screen_line () { screen_of "$@" | tr -s '\n' '|' ; }

pane_pid () { $tmux display -p -t "$1" '#{pane_pid}' ; }
