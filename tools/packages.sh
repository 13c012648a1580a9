# Sourced by the set-up scripts: need_packages PKG... installs, from
# Debian's archive, whichever of the packages is not installed yet.

need_packages () {
  missing=
  for p ; do
    dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
  done
  test -z "$missing" && return 0
  echo "Installing:$missing"
  if test "$(id -u)" -eq 0 ; then
    as_root=
  elif command -v sudo >/dev/null 2>&1 ; then
    as_root=sudo
  else
    echo "$0: fatal: need root (or sudo) to install:$missing" 1>&2
    exit 111
  fi
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || exit 111
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing || exit 111
}

# What building ptysplit needs.
BUILD_PACKAGES="gcc make libc6-dev skalibs-dev libs6-dev"
# What the demo (tools/demo.sh) runs: s6, execline, tmux, and top.
DEMO_PACKAGES="execline s6 tmux procps"
# What the test suite runs.
TEST_PACKAGES="execline s6 procps coreutils passwd tmux ncurses-base python3 runc crun busybox-static groff-base man-db less vim valgrind bash screen runit daemontools util-linux strace"
# The peers make bench compares ptysplit with.
BENCH_PACKAGES="dtach bsdutils tmux screen"
# What CI adds: make fuzz builds with clang and libFuzzer; the builds
# against the upstream skarnet stack use musl-gcc and check with file(1).
CI_PACKAGES="clang musl-tools file"

build_ptysplit () {
  test -f config.mak || ./configure || exit 111
  make || exit 111
}
