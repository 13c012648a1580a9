#!/bin/sh
#
# doc/examples/s6-rc/ under the real s6-rc, with the commands
# doc/portability.html gives (taken from the page): the definitions, with paths
# moved into a temporary directory, the program replaced by a shell that
# says who it is and the uids by root's, are compiled by s6-rc-compile,
# brought up by s6-rc-init and s6-rc -u change under a real s6-svscan,
# and checked: the program is s6-supervise's direct child, its text
# reaches s6-log, s6-rc -d change takes the set down cleanly, and s6-svc
# -r on the head brings a new head that the program finds.
#
# s6-rc is not in Debian bookworm: this uses the s6-rc (and s6, execline)
# first in PATH if it is there (tools/vendor-build.sh puts the upstream
# stack's there), else the glibc stack of build-vendor/glibc/stack,
# building it from ../shared/vendor/skarnet if absent (about 35 s, once).
# Prints PASS/FAIL/SKIP lines. Run from the top of the tree, as root.

. ./src/tests/lib/common.sh
. ./src/tests/lib/s6.sh

top=$(pwd)
name="s6-rc"

if ! command -v s6-rc-compile >/dev/null 2>&1 ; then
  vendor=${PTYSPLIT_VENDOR:-$top/../shared/vendor/skarnet}
  if ! test -x "$vendor/build-stack.sh" ; then
    skip "$name" "s6-rc is not installed (not in Debian bookworm) and there is no $vendor/build-stack.sh to build it: run tools/vendor-build.sh glibc DIR"
    exit 0
  fi
   # Built in place: the stack's programs find their helpers by absolute path.
  if ! PTYSPLIT_STACK_ONLY=1 ./tools/vendor-build.sh glibc "$top/build-vendor/glibc" > /dev/null 2>&1 ; then
    fail "$name" "tools/vendor-build.sh could not build the stack into build-vendor/glibc/stack"
    exit 1
  fi
  PATH=$top/build-vendor/glibc/stack/bin:$PATH
  export PATH
fi
for need in s6-rc s6-rc-init s6-svscan s6-log execlineb ; do
  command -v $need >/dev/null 2>&1 || { skip "$name" "$need is not installed" ; exit 0 ; }
done
test "$(id -u)" -eq 0 || { skip "$name" "needs root (the examples set owners)" ; exit 0 ; }

dir=$(mktemp -d /tmp/ptysplit-s6rc.XXXXXX) || exit 111
chmod 0755 "$dir"
scan=$dir/scan live=$dir/live
svscan=

cleanup () {
  trap - EXIT INT TERM HUP
  if test -n "$svscan" ; then
    s6-rc -l "$live" -bda change >/dev/null 2>&1
    s6-svscanctl -t "$scan" 2>/dev/null
    i=0
    while kill -0 "$svscan" 2>/dev/null && test $i -lt 50 ; do sleep 0.1 ; i=$((i + 1)) ; done
    kill -9 "$svscan" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The binaries and the source definitions, moved into $dir.
mkdir -p "$dir/bin" "$scan" && cp "$top/ptyexec" "$top/ptyhead" "$top/ptyattach" "$dir/bin/" || exit 111
cp -R "$top/doc/examples/s6-rc" "$dir/src" || exit 111
for f in "$dir"/src/*/run ; do
  sed -e "/^s6-setuidgid /d" -e "s/-o rtorrent[a-z]* -g rtorrent[a-z]*/-o root -g root/" -e "s/-o rtorrent /-o root /" \
      -e "s|/run/rtorrent|$dir/run|g" -e "s|/var/log/rtorrent|$dir/log|g" \
      -e "s|ptyexec |$dir/bin/ptyexec |" -e "s|ptyhead |$dir/bin/ptyhead |" \
      -e 's|^rtorrent$|sh -c "echo instance \\$\\$ on \\$(tty) ; exec sleep 1000"|' "$f" > "$f.new" \
    && mv "$f.new" "$f" && chmod 0755 "$f" || exit 111
done

svpid () { s6-svstat -o pid "$scan/$1" 2>/dev/null ; }
is_up_with_pid () { p=$(svpid "$1") && test -n "$p" && test "$p" != -1 && test "$p" != "$2" ; }
is_gone () { ! kill -0 "$1" 2>/dev/null ; }
# The program's screen, as a viewer sees it: the headless head's replay.
screen_of () { timeout 10 "$dir/bin/ptyattach" -p "$dir/run/pty" 2>&1 ; }
shows () { screen_of | grep -q -- "$1" ; }
logged () { cat "$dir/log/current" 2>/dev/null | grep -q -- "$1" ; }

# The commands doc/portability.html gives, from the page, with this
# test's directories: /etc/s6-rc/* and /run/service in $dir, and the live
# directory (/run/s6-rc by default) given with -l.
commands=$(sed -n '/examples\/s6-rc\/">doc\/examples\/s6-rc\/<\/a> holds/,/^<\/pre>/p' doc/portability.html | sed -n '/^<pre>$/,/^<\/pre>$/p' | sed '/^<\/*pre>$/d')
cmd () {
  printf '%s\n' "$commands" | grep -- "^$1" | sed -e 's/  *(.*)$//' -e "s|/etc/s6-rc/compiled|$dir/compiled|g" \
    -e "s|/etc/s6-rc/source|$dir/src|g" -e "s|/run/service|$scan|g" -e "s|^s6-rc-init |s6-rc-init -l $live |" -e "s|^s6-rc |s6-rc -l $live |"
}
test "$(printf '%s\n' "$commands" | wc -l)" = 4 && test -n "$(cmd 's6-rc-compile ')" && test -n "$(cmd 's6-rc-init ')" \
  && test -n "$(cmd 's6-rc -u ')" && test -n "$(cmd 's6-rc -d ')" || { fail "$name: the commands of doc/portability.html" "not found: $commands" ; exit 1 ; }

execline_scripts "$dir/src"
if $(cmd 's6-rc-compile ') > "$dir/compile.log" 2>&1 ; then
  pass "$name: s6-rc-compile compiles doc/examples/s6-rc"
else
  fail "$name: s6-rc-compile compiles doc/examples/s6-rc" "$(tr '\n' ' ' < "$dir/compile.log")"
  exit 1
fi

s6-svscan "$scan" > "$dir/svscan.log" 2>&1 < /dev/null &
svscan=$!
until_true s6-svscanctl -z "$scan" || { fail "$name: s6-svscan starts" "$(cat "$dir/svscan.log")" ; exit 1 ; }
if ! timeout 20 $(cmd 's6-rc-init ') > "$dir/init.log" 2>&1 ; then
  fail "$name: s6-rc-init" "$(tr '\n' ' ' < "$dir/init.log")"
  exit 1
fi
if timeout 30 $(cmd 's6-rc -u ') > "$dir/up.log" 2>&1 \
   && until_true is_up_with_pid rtorrent "" && until_true shows "instance $(svpid rtorrent) on" ; then
  pass "$name: s6-rc -u change brings up the head, the program on it and its logger"
else
  fail "$name: s6-rc -u change brings up the head, the program on it and its logger" "$(tr '\n' ' ' < "$dir/up.log") screen: $(screen_of | tr -s '\n' '|')"
  exit 1
fi

pid=$(svpid rtorrent)
child_of_supervise "$name: the program is s6-supervise's direct child" "$pid" sleep

if until_true logged "instance $pid on" ; then
  pass "$name: the program's text reaches s6-log through the pipeline"
else
  fail "$name: the program's text reaches s6-log through the pipeline" "log: $(cat "$dir/log/current" 2>&1 | tr '\n' '|')"
fi

# s6-svc -r on the head: the old program hangs up, s6-supervise starts a
# new one, and it comes up on the new head.
headpid=$(svpid rtorrent-head)
s6-svc -r "$scan/rtorrent-head"
if until_true is_up_with_pid rtorrent-head "$headpid" && until_true is_up_with_pid rtorrent "$pid" \
   && until_true shows "instance $(svpid rtorrent) on" ; then
  pass "$name: s6-svc -r on the head brings a new head that the program finds"
else
  fail "$name: s6-svc -r on the head brings a new head that the program finds" "head $headpid -> $(svpid rtorrent-head), program $pid -> $(svpid rtorrent); screen: $(screen_of | tr -s '\n' '|')"
fi

pids="$(svpid rtorrent) $(svpid rtorrent-head) $(svpid rtorrent-log)"
if timeout 30 $(cmd 's6-rc -d ') > "$dir/down.log" 2>&1 ; then
  left=
  for p in $pids ; do test "$p" = -1 && continue ; until_true is_gone "$p" || left="$left $p" ; done
  active=$(s6-rc -l "$live" -a list 2>/dev/null | grep '^rtorrent' | tr '\n' ' ')
  if test -z "$left" && test -z "$active" && ! test -e "$dir/run/pty" ; then
    pass "$name: s6-rc -d change takes the whole set down cleanly"
  else
    fail "$name: s6-rc -d change takes the whole set down cleanly" "still alive:$left; still up: $active; socket: $(ls "$dir/run" 2>&1)"
  fi
else
  fail "$name: s6-rc -d change takes the whole set down cleanly" "$(tr '\n' ' ' < "$dir/down.log")"
fi
exit $failed
