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
dir=$(mktemp -d /tmp/ptysplit-headless.XXXXXX) || exit 111
chmod 0755 "$dir"
svscan= runsvdir= unitpid=

cleanup () {
  trap - EXIT INT TERM HUP
  if test -n "$svscan" ; then
    s6-svscanctl -t "$dir/scan" 2>/dev/null
    i=0
    while kill -0 "$svscan" 2>/dev/null && test $i -lt 50 ; do sleep 0.1 ; i=$((i + 1)) ; done
    kill -9 "$svscan" 2>/dev/null
  fi
  if test -n "$runsvdir" ; then
    kill -HUP "$runsvdir" 2>/dev/null
    i=0
    while kill -0 "$runsvdir" 2>/dev/null && test $i -lt 50 ; do sleep 0.1 ; i=$((i + 1)) ; done
    # runsv stops each service (TERM, then CONT) as runsvdir goes
    for sv in "$dir"/sv/*/ "$dir"/sv/*/log/ ; do
      p=$(cat "$sv/supervise/pid" 2>/dev/null) && test -n "$p" && kill "$p" 2>/dev/null
    done
  fi
  test -n "$unitpid" && kill "$unitpid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if test "$(id -u)" -ne 0 || ! nobody=$(id -u nobody 2>/dev/null) ; then
  skip "headless examples" "needs root and a nobody user"
  exit 0
fi
test -x ./ptyattach || { skip "headless examples" "ptyattach is not built" ; exit 0 ; }
nogroup=$(id -gn nobody)

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

# s6
if command -v s6-svscan >/dev/null 2>&1 && command -v execlineb >/dev/null 2>&1 ; then
  mkdir -p "$dir/scan" "$dir/log/rtorrent" && chown nobody "$dir/log/rtorrent"
  site s6/rtorrent "$dir/scan/rtorrent" && site s6/rtorrent-headless "$dir/scan/rtorrent-headless" || exit 111
  s6-svscan "$dir/scan" > "$dir/svscan.log" 2>&1 < /dev/null &
  svscan=$!
  if until_true s6-svok "$dir/scan/rtorrent-headless" && s6-svwait -U -t 10000 "$dir/scan/rtorrent-headless" ; then
    pass "s6 example: the headless head is ready (notification-fd)"
  else
    fail "s6 example: the headless head is ready (notification-fd)" "$(cat "$dir/svscan.log")"
  fi
  check "s6 example" "$pty" "$dir/log/rtorrent/current"
  s6-svscanctl -t "$dir/scan"
  poll_limit=100 until_true eval '! kill -0 $svscan'
  svscan=
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
  until_true test -S "$dir/run/$inst/pty"
  s6-setuidgid nobody ptyexec -t 5000 "$dir/run/$inst/pty" rtorrent > /dev/null 2>&1 < /dev/null &
  progpid=$!
  check "systemd example" "$dir/run/$inst/pty" ""
  kill "$unitpid" 2>/dev/null
  wait "$progpid" 2>/dev/null
  unitpid=
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
