#!/bin/sh
#
# The quick start's main job: a live demo. A temporary s6 scan directory
# runs one service, top(1) under ptyexec, from an execline run script;
# its head, ptyhead, runs in a tmux window. From a terminal, you are
# attached to that window (detach with C-b d to end the demo); without
# one (CI), the head's screen and the supervision tree are printed.
# Everything it started or created is gone when it returns.

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

mkdir -p "$scan/top"
cat > "$scan/top/run" <<EOF
#!/bin/execlineb -P
fdmove -c 2 1
$top/ptyexec -E -t 5000 $sock
top -d 1
EOF
chmod 0755 "$scan/top/run"

$tmux new-session -d -s demo -x 100 -y 30 "$top/ptyhead -v 2 $sock" || exit 111
s6-svscan "$scan" > "$dir/svscan.log" 2>&1 < /dev/null &
svscan=$!

# Wait until the program draws on the head.
i=0
until $tmux capture-pane -p -t demo | grep -q 'load average' ; do
  i=$((i + 1))
  if test $i -gt 100 ; then
    echo "demo: fatal: top did not appear on the head within 10 seconds" 1>&2
    $tmux capture-pane -p -t demo 1>&2
    cat "$dir/svscan.log" 1>&2
    exit 1
  fi
  sleep 0.1
done

if test -t 0 && test -t 1 ; then
  echo "Attaching to the head. top is a direct child of s6-supervise:"
  echo "try 's6-svc -k $scan/top' from another terminal. Detach (C-b d) to end the demo."
  sleep 2
  $tmux attach -t demo
else
  pid=$(s6-svstat -o pid "$scan/top")
  echo "== s6-svstat: $(s6-svstat "$scan/top")"
  echo "== the supervised process and its parent:"
  ps -o pid,ppid,sid,tty,comm -p "$pid" -p "$(ps -o ppid= -p "$pid" | tr -d " ")"
  echo "== the head's screen (tmux window running ptyhead):"
  $tmux capture-pane -p -t demo
fi
exit 0
