#!/bin/sh
#
# ptyhead as the console of real OCI runtimes: runc (and crun where it
# runs) start a busybox container with --console-socket pointed at a
# ptyhead in a tmux window, as ptyhead.html's example has it (its lines
# taken from the page). Prints PASS/FAIL/SKIP lines like the C suites.
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
SCRIPT='stty size ; echo READY ; while read l ; do case "$l" in size) stty size ;; *) echo "GOT:$l" ;; esac ; done'

# The example of ptyhead.html ("As the console of a container"), as
# ptyhead(1) shows it too: the head, the runtime's line, and the
# "runc delete -f mycontainer" that ends the session. Run with the socket
# and the container's name of this test; crun takes runc's line.
example=$(sed -n '/<h3> As the console of a container/,/^<\/pre>/p' doc/ptyhead.html | sed -n '/^<pre>$/,/^<\/pre>$/p' | sed '/^<\/*pre>$/d')
deleteline=$(tr '\n' ' ' < doc/ptyhead.html | grep -o '<tt>runc delete -f [a-z]*</tt>' | sed 's/<\/*tt>//g')
manexample=$(sed -n '/^As the console of a runc container/,/^\.fi/p' doc/man/ptyhead.1 | grep -v '^\.' | sed -e 's/\\-/-/g' -e '1d')
# doc_line LINE RUNTIME SOCK ID: LINE with this test's names.
doc_line () { printf '%s\n' "$1" | sed -e "s|^ptyhead |$top/ptyhead |" -e "s|^runc |$2 |" -e "s|/run/ctr.sock|$3|g" -e "s| mycontainer\$| $4|" ; }

# try_runtime NAME: the whole console scenario with that runtime.
try_runtime () {
  rt=$1
  id="ptysplit-test-$rt-$$"
  sock="$dir/$rt.sock"
  $tmux kill-server >/dev/null 2>&1
  $tmux new-session -d -s oci -x 91 -y 31 "$(doc_line "$(printf '%s\n' "$example" | sed -n 1p)" "$rt" "$sock" "$id")" || { fail "$rt: start head" "tmux failed" ; return ; }
  until_within 50 test -S "$sock" || { fail "$rt: head listening" "no socket after 5 s" ; return ; }
  on_cleanup "timeout 10 $rt delete -f $id >/dev/null 2>&1"
  if ! (cd "$dir/bundle" && timeout 30 $(doc_line "$(printf '%s\n' "$example" | sed -n 2p)" "$rt" "$sock" "$id")) > "$dir/$rt.out" 2>&1 ; then
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
  # The page: delete -f ends the session as any program's end would;
  # the head waits for the next.
  waits () { $tmux capture-pane -p -t oci 2>/dev/null | grep -c "ptyhead: waiting for a program on $sock" ; }
  before=$(waits)
  timeout 10 $(doc_line "$deleteline" "$rt" "$sock" "$id") >/dev/null 2>&1
  if timeout 10 $rt state "$id" >/dev/null 2>&1 ; then fail "$rt: delete -f cleans up" "container $id still known" ; else pass "$rt: delete -f cleans up" ; fi
  if until_true test "$(waits)" -gt "$before" && test -S "$sock" ; then
    pass "$rt: delete -f ends the session; the head waits for the next program"
  else
    fail "$rt: delete -f ends the session; the head waits for the next program" "screen: $(screen_line oci)"
  fi
}

for need in runc busybox tmux python3 ; do
  command -v $need >/dev/null 2>&1 || { skip "oci console" "$need is not installed" ; exit 0 ; }
done
if test "$(id -u)" -ne 0 ; then
  skip "oci console" "runc needs root here"
  exit 0
fi
if test -n "$example" && test "$example" = "$manexample" && test "$(printf '%s\n' "$example" | wc -l)" = 2 && test -n "$deleteline" ; then
  pass "oci console: ptyhead(1) shows ptyhead.html's container example, which this test runs"
else
  fail "oci console: ptyhead(1) shows ptyhead.html's container example, which this test runs" "page: $(printf '%s' "$example" | tr '\n' '|'); man: $(printf '%s' "$manexample" | tr '\n' '|'); delete: $deleteline"
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
