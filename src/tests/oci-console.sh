#!/bin/sh
#
# ptyhead as the console of real OCI runtimes: runc (and crun where it
# runs) start a busybox container with --console-socket pointed at a
# ptyhead in a tmux window. Prints PASS/FAIL/SKIP lines like the C suites.
# Run from the top of the tree, as root.

. ./src/tests/lib/common.sh
. ./src/tests/lib/tmux.sh

top=$(pwd)
workdir oci
tmux_init

make_bundle () {
  mkdir -p "$dir/bundle/rootfs/bin" || return 1
  cp /bin/busybox "$dir/bundle/rootfs/bin/busybox" || return 1
  for c in sh stty echo true ; do ln -s busybox "$dir/bundle/rootfs/bin/$c" ; done
  (cd "$dir/bundle" && runc spec) || return 1
}

# set_process TERMINAL ARGS...: the container's process in config.json.
set_process () {
  python3 - "$dir/bundle/config.json" "$@" <<'EOF'
import json, sys
path, terminal, args = sys.argv[1], sys.argv[2] == "true", sys.argv[3:]
c = json.load(open(path))
c["process"]["terminal"] = terminal
c["process"]["args"] = args
json.dump(c, open(path, "w"))
EOF
}

# The container: prints its size, then answers lines typed on the head.
SCRIPT='stty size ; echo READY ; while read l ; do case "$l" in size) stty size ;; quit) exit 0 ;; *) echo "GOT:$l" ;; esac ; done'

# try_runtime NAME: the whole console scenario with that runtime.
try_runtime () {
  rt=$1
  id="ptysplit-test-$rt-$$"
  sock="$dir/$rt.sock"
  $tmux kill-server >/dev/null 2>&1
  $tmux new-session -d -s oci -x 91 -y 31 "$top/ptyhead -1 $sock" || { fail "$rt: start head" "tmux failed" ; return ; }
  until_within 50 test -S "$sock" || { fail "$rt: head listening" "no socket after 5 s" ; return ; }
  on_cleanup "timeout 10 $rt delete -f $id >/dev/null 2>&1"
  if ! (cd "$dir/bundle" && timeout 30 $rt run -d --console-socket "$sock" "$id") > "$dir/$rt.out" 2>&1 ; then
    fail "$rt: run -d --console-socket" "$(cat "$dir/$rt.out")"
    return
  fi
  if until_true shows oci READY ; then pass "$rt: container output appears on the head" ; else fail "$rt: container output appears on the head" "screen: $(screen_line oci)" ; return ; fi
  if shows oci '^31 91' ; then pass "$rt: stty size in the container is the head's size" ; else fail "$rt: stty size in the container is the head's size" "screen: $(screen_line oci)" ; fi
  $tmux send-keys -t oci "typed-on-head" Enter
  if until_true shows oci 'GOT:typed-on-head' ; then pass "$rt: keys typed on the head reach the container" ; else fail "$rt: keys typed on the head reach the container" "screen: $(screen_line oci)" ; fi
  $tmux resize-window -t oci -x 100 -y 40
  sleep 0.3
  $tmux send-keys -t oci "size" Enter
  if until_true shows oci '^40 100' ; then pass "$rt: a resize of the head reaches the container" ; else fail "$rt: a resize of the head reaches the container" "screen: $(screen_line oci)" ; fi
  $tmux send-keys -t oci "quit" Enter
  until_true test ! -S "$sock"
  if test -S "$sock" ; then fail "$rt: head -1 exits when the container ends" "socket still there" ; else pass "$rt: head -1 exits when the container ends" ; fi
  timeout 10 $rt delete -f "$id" >/dev/null 2>&1
  if timeout 10 $rt state "$id" >/dev/null 2>&1 ; then fail "$rt: delete -f cleans up" "container $id still known" ; else pass "$rt: delete -f cleans up" ; fi
}

for need in runc busybox tmux python3 ; do
  command -v $need >/dev/null 2>&1 || { skip "oci console" "$need is not installed" ; exit 0 ; }
done
if test "$(id -u)" -ne 0 ; then
  skip "oci console" "runc needs root here"
  exit 0
fi
make_bundle || { fail "oci console: bundle" "cannot build the busybox bundle" ; exit 1 ; }

# Can this machine run a container at all? Try, rather than guess.
set_process false true
if ! (cd "$dir/bundle" && timeout 30 runc run "ptysplit-probe-$$") > "$dir/probe.out" 2>&1 ; then
  skip "oci console (runc)" "this machine cannot run a container: $(tr '\n' ' ' < "$dir/probe.out")"
  exit 0
fi
timeout 10 runc delete -f "ptysplit-probe-$$" >/dev/null 2>&1

set_process true sh -c "$SCRIPT"
try_runtime runc

if command -v crun >/dev/null 2>&1 ; then
  set_process false true
  if (cd "$dir/bundle" && timeout 30 crun run "ptysplit-probe-crun-$$") > "$dir/probe-crun.out" 2>&1 ; then
    timeout 10 crun delete -f "ptysplit-probe-crun-$$" >/dev/null 2>&1
    set_process true sh -c "$SCRIPT"
    try_runtime crun
  else
    skip "oci console (crun)" "crun cannot run a container on this machine: $(tr '\n' ' ' < "$dir/probe-crun.out")"
  fi
else
  skip "oci console (crun)" "crun is not installed"
fi
exit $failed
