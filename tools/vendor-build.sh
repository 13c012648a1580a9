#!/bin/sh
#
# vendor-build.sh glibc|musl OUTDIR [SUITE...]: ptysplit against the
# current upstream skarnet.org stack (../shared/vendor/skarnet: skalibs,
# execline, s6, s6-rc), as Alpine, s6-overlay, Debian trixie and source
# builds have it.
#  1. builds the stack with its build-stack.sh into OUTDIR/stack (static;
#     CC=musl-gcc for musl), unless OUTDIR/stack already holds one;
#  2. builds ptysplit in a copy of the tree, OUTDIR/src, against it:
#     glibc with the C library linked dynamically, musl fully static
#     (checked with file(1));
#  3. runs the test suite there (SUITE... if given, else all of it) with
#     the stack's bin first in PATH, so s6-svscan, s6-supervise,
#     s6-fdholder-daemon, s6-log, execlineb and s6-rc are s6 2.15's; a
#     watcher records the executables the suite's s6 processes really
#     ran, and the closing PASS/FAIL line says whether all were the stack's.
# Ends with run-tests.sh's "N passed, N failed, N skipped" line.
# PTYSPLIT_VENDOR=DIR elsewhere: where the skarnet tarballs are.
# PTYSPLIT_STACK_ONLY=1: step 1 only (make bench uses it).

test $# -ge 2 || { echo "usage: vendor-build.sh glibc|musl OUTDIR [SUITE...]" 1>&2 ; exit 100 ; }
libc=$1 out=$2
shift 2
case $libc in
  glibc) cc=${CC:-cc} ; link=--disable-static-libc ; want="dynamically linked" ;;
  musl) cc=musl-gcc ; link=--enable-static-libc ; want="statically linked" ;;
  *) echo "vendor-build.sh: fatal: unknown libc: $libc (glibc or musl)" 1>&2 ; exit 100 ;;
esac
cd "$(dirname "$0")/.." || exit 111
top=$(pwd)
vendor=${PTYSPLIT_VENDOR:-$top/../shared/vendor/skarnet}
test -x "$vendor/build-stack.sh" || { echo "vendor-build.sh: fatal: no $vendor/build-stack.sh" 1>&2 ; exit 111 ; }
command -v "$cc" >/dev/null 2>&1 || { echo "vendor-build.sh: fatal: $cc not found (musl: apt-get install musl-tools)" 1>&2 ; exit 111 ; }
mkdir -p "$out" || exit 111
out=$(cd "$out" && pwd)
stack=$out/stack

if test -x "$stack/bin/s6-rc-compile" && test -f "$stack/lib/skalibs/sysdeps/sysdeps" ; then
  echo "vendor-build.sh: reusing the $libc stack in $stack"
else
  echo "vendor-build.sh: building the $libc stack in $stack"
  rm -rf "$stack"
  CC=$cc "$vendor/build-stack.sh" "$stack" || { echo "vendor-build.sh: fatal: build-stack.sh failed" 1>&2 ; exit 111 ; }
fi

stack=$(cd "$stack" && pwd -P) || exit 111
test "${PTYSPLIT_STACK_ONLY:-0}" = 1 && exit 0

rm -rf "$out/src" && ./tools/copy-tree.sh "$out/src" && cd "$out/src" || exit 111
echo "vendor-build.sh: building ptysplit ($libc, $link) in $out/src"
CC=$cc ./configure --with-sysdeps="$stack/lib/skalibs/sysdeps" --with-include="$stack/include" \
  --with-lib="$stack/lib" $link > configure.log 2>&1 \
  && make -j2 > make.log 2>&1 && make tests > make-tests.log 2>&1 \
  || { tail -n 20 configure.log make.log make-tests.log 1>&2 ; echo "vendor-build.sh: fatal: the $libc build failed" 1>&2 ; exit 111 ; }
grep -q '^FDHOLDER_LIB := .*-ls6' config.mak || echo "vendor-build.sh: warning: ptyhead built without -F" 1>&2
for b in ptyexec ptyhead ; do
  f=$(file -L "$b")
  echo "$f"
  case $f in *"$want"*) ;; *) echo "vendor-build.sh: fatal: $b is not $want" 1>&2 ; exit 111 ;; esac
done

# The watcher: every 0.2 s, the executable of every s6/execline process
# that carries this run's mark in its environment: an s6-* or execlineb
# anywhere, any program of the stack, any of the host's execline (Debian
# keeps it in /usr/lib/execline/bin). Told by the executable, not by the
# name, which a process keeps from its exec only until its next one.
mark=ptysplit-vendor-$$
seen=$out/exes
: > "$seen"
rm -f "$seen.stop"
(
  until test -f "$seen.stop" ; do
    for e in $(grep -lsxz "PTYSPLIT_VENDOR_MARK=$mark" /proc/[0-9]*/environ) ; do
      x=$(readlink "${e%/environ}/exe") || continue
      case $x in */s6-*|*/execlineb|*/execline/bin/*|"$stack"/*) echo "$x" ;; esac
    done | sort -u > "$seen.new"
    sort -u "$seen" "$seen.new" -o "$seen"
    sleep 0.2
  done
) &
watcher=$!

# A static glibc cannot look users up through a host's dynamic NSS
# modules: the stack's s6-envuidgid (behind s6-setuidgid) dies of
# SIGSEGV in libnss_systemd.so.2 on Debian ("passwd: files systemd").
# That is glibc's, not ptysplit's: the glibc run takes the host's
# s6-envuidgid, and says so; musl's reads /etc/passwd itself.
shim=
if test "$libc" = glibc && ! "$stack/bin/s6-envuidgid" nobody /bin/true 2>/dev/null ; then
  host=$(command -v s6-envuidgid)
  if test -n "$host" ; then
    shim=$out/nss-shim && rm -rf "$shim" && mkdir "$shim" && ln -s "$host" "$shim/s6-envuidgid" || exit 111
    echo "vendor-build.sh: the stack's static-glibc s6-envuidgid crashes looking up nobody: using $host"
    shim=$shim:
  fi
fi

test $# -gt 0 && PTYSPLIT_SUITES="$*" && export PTYSPLIT_SUITES
PATH=$shim$stack/bin:$PATH PTYSPLIT_VENDOR_MARK=$mark PTYSPLIT_VENDOR_STACK=$stack \
  ./tools/run-tests.sh > tests.log 2>&1
rc=$?
: > "$seen.stop"
wait "$watcher"
rm -f "$seen.stop" "$seen.new"
summary=$(tail -n 1 tests.log)
sed '$d' tests.log

# Which s6 programs the suite ran, and from where.
name="vendor $libc: the suites' s6 programs were s6 2.15's ($stack/bin)"
others=$(grep -v -e "^$stack/bin/" -e "^$stack/libexec/" -e "/s6-envuidgid\$" "$seen" | tr '\n' ' ')
missing=
for p in s6-svscan s6-supervise s6-fdholderd s6-log ; do
  grep -qx "$stack/bin/$p" "$seen" || missing="$missing $p"
done
echo "ran: $(sed "s|^$stack/bin/||" "$seen" | tr '\n' ' ')"
if test -n "$others" ; then
  echo "FAIL: $name: also ran $others"
  extra_failed=1
elif test -n "$missing" && test -z "$PTYSPLIT_SUITES" ; then
  echo "FAIL: $name: never saw$missing running"
  extra_failed=1
else
  echo "PASS: $name"
  extra_failed=0
fi
# The closing line, counting the check above.
set -- $summary
case $summary in
  *passed,*failed,*skipped) ;;
  *) echo "FAIL: vendor $libc: the suite printed no summary" ; echo "0 passed, 1 failed, 0 skipped" ; exit 1 ;;
esac
p=$(( $1 + 1 - extra_failed )) f=$(( $3 + extra_failed ))
echo "$p passed, $f failed, $5 skipped"
test "$rc" -eq 0 && test "$f" -eq 0
