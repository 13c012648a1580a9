#!/bin/sh
#
# install.sh [ -D ] [ -l ] [ -m mode ] src dst
# Installs atomically: writes dst.tmp.PID, sets its mode, renames it.
# -D makes the parent directories, -l makes dst a symlink to src.

usage () {
  echo 'usage: tools/install.sh [ -D ] [ -l ] [ -m mode ] src dst' 1>&2
  exit 1
}

mkdirp=false
symlink=false
mode=0755

while getopts Dlm: name ; do
  case "$name" in
    D) mkdirp=true ;;
    l) symlink=true ;;
    m) mode=$OPTARG ;;
    ?) usage ;;
  esac
done
shift $(($OPTIND - 1))
test "$#" -eq 2 || usage
src=$1
dst=$2
tmp="$dst.tmp.$$"

if test -d "$dst" ; then
  echo "tools/install.sh: $dst is a directory" 1>&2
  exit 1
fi

set -e
trap 'rm -f "$tmp"' EXIT INT QUIT TERM HUP

if $mkdirp ; then
  umask 022
  mkdir -p "${dst%/*}"
fi

umask 077

if $symlink ; then
  ln -s "$src" "$tmp"
else
  cat < "$src" > "$tmp"
  chmod "$mode" "$tmp"
fi

mv -f "$tmp" "$dst"
trap - EXIT
