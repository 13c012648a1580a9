#!/bin/sh
#
# The quick start's main job: a live demo. A temporary s6 scan directory
# runs two services from execline run scripts: top(1) under ptyexec, and
# its headless head, ptyhead -H (with readiness), which drains top
# whether or not anyone watches. A viewer, ptyattach, shows top in a
# tmux window. From a terminal, you are attached to that window (^\
# detaches the viewer, C-b d leaves tmux: either ends the demo); without
# one (CI), the viewer's screen, the head's status and the supervision
# tree are printed. Everything it started or created is gone when it
# returns.

cd "$(dirname "$0")/.." || exit 111
top=$(pwd)
. ./tools/packages.sh
need_packages $BUILD_PACKAGES $DEMO_PACKAGES
build_ptysplit

dir=$(mktemp -d /tmp/ptysplit-demo.XXXXXX) || exit 111
scan=$dir/scan
sock=$dir/head.sock
tmux="tmux -S $dir/tmux.sock"

cleanup () {
  trap - EXIT INT TERM HUP
  s6-svscanctl -t "$scan" 2>/dev/null
  i=0
  while test -n "$svscan" && kill -0 "$svscan" 2>/dev/null && test $i -lt 50 ; do
    sleep 0.1 ; i=$((i + 1))
  done
  test -n "$svscan" && kill -9 "$svscan" 2>/dev/null
  $tmux kill-server 2>/dev/null
  rm -rf "$dir"
}
svscan=
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

mkdir -p "$scan/top" "$scan/top-head"
cat > "$scan/top-head/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
$top/ptyhead -H -v 2 -d 3 $sock
EOF
echo 3 > "$scan/top-head/notification-fd"
chmod 0755 "$scan/top-head/run"
cat > "$scan/top/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
$top/ptyexec -E -t 5000 $sock
top -d 1
EOF
chmod 0755 "$scan/top/run"

s6-svscan "$scan" > "$dir/svscan.log" 2>&1 < /dev/null &
svscan=$!
# The viewer waits for the head (-t), then shows top, replay first.
$tmux new-session -d -s demo -x 100 -y 30 "$top/ptyattach -t 10000 $sock" || exit 111

# Wait until the program draws on the viewer.
i=0
until $tmux capture-pane -p -t demo | grep -q 'load average' ; do
  i=$((i + 1))
  if test $i -gt 100 ; then
    echo "demo: fatal: top did not appear on the viewer within 10 seconds" 1>&2
    $tmux capture-pane -p -t demo 1>&2
    cat "$dir/svscan.log" 1>&2
    exit 1
  fi
  sleep 0.1
done

if test -t 0 && test -t 1 ; then
  echo "Attaching to the viewer. top is a direct child of s6-supervise, and"
  echo "its head drains it with or without viewers: try 's6-svc -k $scan/top',"
  echo "or '$top/ptyattach $sock' from another terminal. ^\\ or C-b d ends the demo."
  sleep 2
  $tmux attach -t demo
else
  pid=$(s6-svstat -o pid "$scan/top")
  echo "== s6-svstat: $(s6-svstat "$scan/top")"
  echo "== the supervised process and its parent:"
  ps -o pid,ppid,sid,tty,comm -p "$pid" -p "$(ps -o ppid= -p "$pid" | tr -d " ")"
  echo "== the head's status (ptyattach -s):"
  "$top/ptyattach" -s "$sock"
  echo "== the viewer's screen (tmux window running ptyattach):"
  $tmux capture-pane -p -t demo
fi
exit 0
