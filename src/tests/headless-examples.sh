#!/bin/sh
#
# The headless examples of doc/examples, run for real: the s6 set
# (s6/rtorrent with its logger + s6/rtorrent-headless) under s6-svscan,
# the runit set (runit/rtorrent with its logger + runit/rtorrent-headless)
# under runsvdir, and the systemd unit's ExecStart as its User=. Only
# the site's names change: /run and /var/log go to a temporary
# directory, the rtorrent users are nobody, and "rtorrent" is a small
# program that prints a line and echoes what it reads.
# Prints PASS/FAIL/SKIP lines. Run from the top of the tree, as root.

. ./src/tests/lib/common.sh

top=$(pwd)
if test "$(id -u)" -ne 0 || ! nobody=$(id -u nobody 2>/dev/null) ; then
  skip "headless examples" "needs root and a nobody user"
  exit 0
fi
test -x ./ptyattach || { skip "headless examples" "ptyattach is not built" ; exit 0 ; }

. ./src/tests/lib/s6.sh
workdir headless
chmod 0755 "$dir"

# runsvdir goes on SIGHUP, sending its runsv processes TERM; runsv then
# stops its service and its logger.
runit_stop () {
  kill -HUP "$runsvdir" 2>/dev/null
  until_within 50 gone "$runsvdir"
  for _sv in "$dir"/sv/*/ "$dir"/sv/*/log/ ; do
    _p=$(cat "$_sv/supervise/pid" 2>/dev/null) && test -n "$_p" && stop_pids "$_p"
  done
}

mkdir -p "$dir/bin" "$dir/run" "$dir/log" "$dir/home" || exit 111
cp "$top/ptyexec" "$top/ptyhead" "$top/ptyattach" "$dir/bin/" || exit 111
cat > "$dir/bin/rtorrent" <<'EOF'
#!/bin/sh
echo "rtorrent stand-in $$ as $(id -un)"
echo "rtorrent stand-in started" 1>&2
while IFS= read -r l ; do echo "got:$l" ; done
EOF
chmod 0755 "$dir/bin" "$dir/bin/"*
PATH=$dir/bin:$PATH
export PATH

# site EXAMPLE DEST: the example, with this site's names.
site () {
  mkdir -p "$2" && cp -R "$top/doc/examples/$1/." "$2/" || return 1
  find "$2" -type f -name run | while read -r f ; do
    sed -i -e "s|/run/|$dir/run/|g" -e "s|/var/log/|$dir/log/|g" -e "s|/home/rtorrent|$dir/home|g" \
      -e "s|rtorrentlog|nobody|g" -e "s|-o rtorrent |-o nobody |" \
      -e "s|-u rtorrent |-u nobody |" -e "s|s6-setuidgid rtorrent\$|s6-setuidgid nobody|" "$f" || return 1
  done
}
pty=$dir/run/rtorrent/pty
# The head runs as nobody: ptyattach runs as nobody too (root's would
# refuse a head of another uid without -u).
attached () { timeout 10 s6-setuidgid nobody ptyattach -p "$1" 2>/dev/null | grep -q -- "$2" ; }

# check NAME SOCKET LOGFILE: the set runs, a viewer types, the log has it.
check () {
  if until_true attached "$2" "rtorrent stand-in .* as nobody" ; then
    pass "$1: the program runs as nobody on the headless head, no screen, no tmux"
  else
    fail "$1: the program runs as nobody on the headless head, no screen, no tmux" "$(timeout 10 s6-setuidgid nobody ptyattach -p "$2" 2>&1 | tail -n 2)"
    return
  fi
  status=$(timeout 10 s6-setuidgid nobody ptyattach -s "$2")
  if printf '%s\n' "$status" | grep -q "^up (pid [0-9]*) [0-9]* seconds, program " ; then
    pass "$1: ptyattach -s says it is up"
  else
    fail "$1: ptyattach -s says it is up" "$status"
  fi
  printf 'typed-%s\n' "$1" | timeout 10 s6-setuidgid nobody ptyattach -E "$2" > /dev/null 2>&1 &
  if until_true attached "$2" "got:typed-$1" ; then
    pass "$1: a viewer with no terminal types into the program"
  else
    fail "$1: a viewer with no terminal types into the program" "$(timeout 10 s6-setuidgid nobody ptyattach -p "$2" 2>&1 | tail -n 2)"
  fi
  if test -n "$3" ; then
    if until_true grep -q "rtorrent stand-in started" "$3" ; then
      pass "$1: the logger has the program's stderr"
    else
      fail "$1: the logger has the program's stderr" "$(tail -n 2 "$3" 2>&1)"
    fi
  fi
}

# The docs show the example as it is.
shown=$(sed -n '/<h3> Headless, as an s6 service/,/^<\/pre>$/p' doc/ptyhead.html | sed -n '/^<pre>$/,/^<\/pre>$/p' | sed '/^<\/*pre>$/d')
if test -n "$shown" && test "$shown" = "$(cat doc/examples/s6/rtorrent-headless/run)" ; then
  pass "ptyhead.html shows doc/examples/s6/rtorrent-headless/run as it is"
else
  fail "ptyhead.html shows doc/examples/s6/rtorrent-headless/run as it is" "shown: $(printf '%s' "$shown" | tr '\n' '|')"
fi

# s6
if command -v s6-svscan >/dev/null 2>&1 && command -v execlineb >/dev/null 2>&1 ; then
  mkdir -p "$dir/scan"
  site s6/rtorrent "$dir/scan/rtorrent" && site s6/rtorrent-headless "$dir/scan/rtorrent-headless" || exit 111
  svscan_start "$dir/scan" "$dir/svscan.log"
  if until_true s6-svok "$dir/scan/rtorrent-headless" && s6-svwait -U -t 10000 "$dir/scan/rtorrent-headless" ; then
    pass "s6 example: the headless head is ready (notification-fd)"
  else
    fail "s6 example: the headless head is ready (notification-fd)" "$(cat "$dir/svscan.log")"
  fi
  check "s6 example" "$pty" "$dir/log/rtorrent/current"
  svscan_stop
  rm -rf "$dir/run/rtorrent" "$dir/log/rtorrent"
else
  skip "s6 example" "s6 or execline is not installed"
fi

# runit
if command -v runsvdir >/dev/null 2>&1 ; then
  mkdir -p "$dir/sv"
  site runit/rtorrent "$dir/sv/rtorrent" && site runit/rtorrent-headless "$dir/sv/rtorrent-headless" || exit 111
  runsvdir "$dir/sv" > /dev/null 2>&1 < /dev/null &
  runsvdir=$!
  register_pid "$runsvdir"
  on_cleanup runit_stop
  check "runit example" "$pty" "$dir/log/rtorrent/current"
else
  skip "runit example" "runit is not installed"
fi

# systemd: the unit's ExecStart as its User=, in its RuntimeDirectory.
unit=doc/examples/systemd/ptyhead-headless@.service
inst=headlesstest
cmd=$(sed -n 's/^ExecStart=//p' "$unit" | sed -e "s|%i|$inst|g" -e "s|^/bin/ptyhead|$dir/bin/ptyhead|" -e "s|/run/|$dir/run/|g")
user=$(sed -n 's/^User=//p' "$unit" | sed "s|%i|$inst|g")
if test "$user" = "$inst" && test -n "$cmd" ; then
  install -d -m 0700 -o nobody "$dir/run/$inst"
  s6-setuidgid nobody $cmd > /dev/null 2> "$dir/unit.err" < /dev/null &
  unitpid=$!
  register_pid "$unitpid"
  until_true test -S "$dir/run/$inst/pty"
  s6-setuidgid nobody ptyexec -t 5000 "$dir/run/$inst/pty" rtorrent > /dev/null 2>&1 < /dev/null &
  progpid=$!
  register_pid "$progpid"
  check "systemd example" "$dir/run/$inst/pty" ""
  stop_pids "$unitpid"
  until_true gone "$progpid"
else
  fail "systemd example" "no User=%i or no ExecStart= in $unit"
fi
if command -v systemd-analyze >/dev/null 2>&1 ; then
  out=$(systemd-analyze verify "$top/$unit" 2>&1 | grep -v -e "/bin/ptyhead" -e "Failed to prepare filename" -e "not found" -e "Command .* is not executable")
  if test -z "$out" ; then pass "systemd example: systemd-analyze verify finds nothing else than the missing binary" ; else fail "systemd example: systemd-analyze verify" "$out" ; fi
else
  skip "systemd example: systemd-analyze verify" "systemd-analyze is not installed"
fi
exit $failed
