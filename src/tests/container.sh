#!/bin/sh
#
# A container as s6-overlay users run one: a runc bundle with a
# busybox-static rootfs, the static s6 stack and static ptysplit,
# s6-svscan as pid 1 supervising doc/examples/s6/rtorrent (the program
# under ptyexec, with its s6-log) and doc/examples/s6/rtorrent-headless
# (its headless head). The viewer runs outside, in a tmux window: runc
# exec -t starts ptyattach inside the container. Checks that it types,
# resizes and detaches with ^\ (the program lives on, a new viewer takes
# it back), and that s6-svc -k inside restarts the program with the
# viewer following. Prints PASS/FAIL/SKIP lines. Run from the top of the tree,
# as root.
#
# It needs static binaries: tools/vendor-build.sh musl runs it with the
# musl stack (PTYSPLIT_VENDOR_STACK) and a fully static ptysplit;
# elsewhere it skips unless PTYSPLIT_CONTAINER_STACK names such a stack.

. ./src/tests/lib/common.sh

top=$(pwd)
name=container
stack=${PTYSPLIT_CONTAINER_STACK:-${PTYSPLIT_VENDOR_STACK:-}}

static () { file -L "$1" 2>/dev/null | grep -q 'statically linked' ; }
for need in runc busybox tmux python3 file ; do
  command -v $need >/dev/null 2>&1 || { skip "$name" "$need is not installed" ; exit 0 ; }
done
test "$(id -u)" -eq 0 || { skip "$name" "runc needs root here" ; exit 0 ; }
if test -z "$stack" || ! static "$stack/bin/s6-svscan" ; then
  skip "$name" "no static s6 stack (run tools/vendor-build.sh musl DIR, or set PTYSPLIT_CONTAINER_STACK)"
  exit 0
fi
if ! static ./ptyexec || ! static ./ptyhead ; then
  skip "$name" "ptyexec and ptyhead are not static (./configure --enable-static-libc)"
  exit 0
fi

dir=$(mktemp -d /tmp/ptysplit-ctr.XXXXXX) || exit 111
id=ptysplit-ctr-$$
runc="runc --root $dir/state"
tmux="tmux -S $dir/tmux.sock"
started=

cleanup () {
  trap - EXIT INT TERM HUP
  $tmux kill-server >/dev/null 2>&1
  if test -n "$started" ; then
    timeout 10 $runc kill "$id" KILL >/dev/null 2>&1
    timeout 10 $runc delete -f "$id" >/dev/null 2>&1
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The commands doc/portability.html gives, taken from the page: pid 1,
# the viewer and the restart, "rtorrent" being the container's name.
page=$(tr '\n' ' ' < doc/portability.html)
pid1=$(printf '%s\n' "$page" | grep -o '<tt>s6-svscan /[a-z]*</tt>' | sed 's/<\/*tt>//g')
viewer=$(sed -n '/the viewer, outside, in a tmux window/,/^<\/pre>/p' doc/portability.html | sed -n 's/^runc exec -t rtorrent //p')
restart=$(printf '%s\n' "$page" | grep -o '<tt>runc exec rtorrent s6-svc -k [^<]*</tt>' | sed -e 's/<\/*tt>//g' -e 's/^runc exec rtorrent //' -e 's/  */ /g')
if test -z "$pid1" || test -z "$viewer" || test -z "$restart" ; then
  fail "$name: the commands of doc/portability.html" "pid 1 [$pid1], viewer [$viewer], restart [$restart]"
  exit 1
fi

# The bundle: busybox, the stack, ptysplit; the examples as /service.
root=$dir/bundle/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/run" "$root/tmp" "$root/var/log" "$root/service" "$root$stack" || exit 111
cp /bin/busybox "$root/bin/busybox" && static "$root/bin/busybox" || { skip "$name" "/bin/busybox is not static (busybox-static)" ; exit 0 ; }
for a in $("$root/bin/busybox" --list) ; do test -e "$root/bin/$a" || ln -s busybox "$root/bin/$a" ; done
cp "$stack"/bin/* "$root/bin/" && cp -R "$stack/libexec" "$root$stack/" && cp ./ptyexec ./ptyhead ./ptyattach "$root/bin/" || exit 111
printf 'root:x:0:0:root:/:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
cp -R "$top/doc/examples/s6/rtorrent" "$top/doc/examples/s6/rtorrent-headless" "$root/service/" || exit 111
# The program says who it is, then answers what is typed with the size
# on its terminal, and on its stderr, which -E leaves on the log.
# All runs as root in the container, and busybox has no install(1).
for f in "$root/service/rtorrent/run" "$root/service/rtorrent/log/run" "$root/service/rtorrent-headless/run" ; do
  sed -e '/^s6-setuidgid /d' \
      -e 's|^if { install -d -o [a-z]* \(-m [0-7]* \)\{0,1\}\(.*\) }$|if { mkdir -p \1\2 }|' \
      -e 's|^rtorrent$|sh -c "echo instance \\$\\$ on \\$(tty) ; while read -r l ; do echo got \\$l size \\$(stty size) ; echo got \\$l 1>\&2 ; done"|' \
      "$f" > "$f.new" && mv "$f.new" "$f" && chmod 0755 "$f" || exit 111
done
mkdir -p "$root/run/rtorrent" "$root/var/log/rtorrent"
(cd "$dir/bundle" && runc spec) || exit 111
python3 - "$dir/bundle/config.json" "$pid1" <<'EOF' || exit 111
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/" + sys.argv[2].split()[0]] + sys.argv[2].split()[1:]
c["process"]["env"] = ["PATH=/bin", "TERM=xterm"]
c["root"]["readonly"] = False
json.dump(c, open(sys.argv[1], "w"))
EOF

started=1
if ! (cd "$dir/bundle" && timeout 30 $runc run -d "$id") < /dev/null > "$dir/run.out" 2>&1 ; then
  skip "$name" "this machine cannot run a container: $(tr '\n' ' ' < "$dir/run.out")"
  exit 0
fi
inside () { timeout 10 $runc exec "$id" "$@" ; }
svpid () { inside s6-svstat -o pid /service/rtorrent 2>/dev/null ; }
is_up_with_pid () { p=$(svpid) && test -n "$p" && test "$p" != -1 && test "$p" != "$1" ; }
screen_of () { $tmux capture-pane -p -t view 2>/dev/null ; }
shows () { screen_of | grep -q -- "$1" ; }
oneline () { screen_of | tr -s '\n' '|' ; }
view () { $tmux new-session -d -s view -x "$1" -y "$2" "$runc exec -t $id $viewer" ; }

if until_true inside test -S /run/rtorrent/pty && test "$(inside cat /proc/1/comm)" = s6-svscan ; then
  pass "$name: s6-svscan is the container's pid 1, the headless head listens"
else
  fail "$name: s6-svscan is the container's pid 1, the headless head listens" "pid 1: $(inside cat /proc/1/comm 2>&1)"
  exit 1
fi

view 100 30
if until_true is_up_with_pid "" && until_true shows "instance $(svpid) on" ; then
  pass "$name: runc exec -t runs the viewer; the program shows on it"
else
  fail "$name: runc exec -t runs the viewer; the program shows on it" "svstat: $(inside s6-svstat /service/rtorrent 2>&1); screen: $(oneline)"
  exit 1
fi
pid=$(svpid)
$tmux send-keys -t view "typed-outside" Enter
if until_true shows "got typed-outside size 30 100" ; then
  pass "$name: keys typed in the viewer reach the program, at the viewer's size"
else
  fail "$name: keys typed in the viewer reach the program, at the viewer's size" "screen: $(oneline)"
fi
$tmux resize-window -t view -x 90 -y 25
sleep 0.5
$tmux send-keys -t view "resized" Enter
if until_true shows "got resized size 25 90" ; then
  pass "$name: resizing the viewer resizes the program's terminal"
else
  fail "$name: resizing the viewer resizes the program's terminal" "screen: $(oneline)"
fi

# Detach with ^\: the viewer exits; the program lives on, drained.
$tmux send-keys -t view 'C-\'
gone () { ! inside pidof ptyattach ; }
if until_true gone && sleep 1 && test "$(svpid)" = "$pid" ; then
  pass "$name: detaching (^\\ in the viewer) leaves the program running"
else
  fail "$name: detaching (^\\ in the viewer) leaves the program running" "program $pid -> $(svpid); viewers: $(inside pidof ptyattach)"
fi
$tmux kill-server >/dev/null 2>&1
type_again () { $tmux send-keys -t view "again" Enter ; sleep 0.3 ; shows "got again size 24 80" ; }
view 80 24
if until_true type_again && test "$(svpid)" = "$pid" ; then
  pass "$name: a new viewer takes the same program back"
else
  fail "$name: a new viewer takes the same program back" "program $pid -> $(svpid); screen: $(oneline)"
fi

inside $restart
if until_true is_up_with_pid "$pid" && until_true shows "instance $(svpid) on" ; then
  $tmux send-keys -t view "after-kill" Enter
  if until_true shows "got after-kill size 24 80" ; then
    pass "$name: s6-svc -k restarts the program and the viewer follows"
  else
    fail "$name: s6-svc -k restarts the program and the viewer follows" "no answer: $(oneline)"
  fi
else
  fail "$name: s6-svc -k restarts the program and the viewer follows" "program $pid -> $(svpid); screen: $(oneline)"
fi
if inside sh -c 'cat /var/log/rtorrent/current' 2>/dev/null | grep -q "got typed-outside" ; then
  pass "$name: the program's text reaches its s6-log in the container"
else
  fail "$name: the program's text reaches its s6-log in the container" "log: $(inside cat /var/log/rtorrent/current 2>&1 | tr '\n' '|')"
fi

$tmux kill-server >/dev/null 2>&1
timeout 10 $runc kill "$id" KILL >/dev/null 2>&1
timeout 10 $runc delete -f "$id" >/dev/null 2>&1
if timeout 10 $runc state "$id" >/dev/null 2>&1 ; then
  fail "$name: runc delete -f removes the container" "still known"
else
  pass "$name: runc delete -f removes the container"
  started=
fi
exit $failed
