#!/bin/sh
#
# copy-tree.sh DEST: copies the source tree (without .git, build-* and
# whatever a build made) to DEST, ready for ./configure, for the tests
# and checks that need a build of their own (another configuration).

test $# -eq 1 || { echo "usage: copy-tree.sh DEST" 1>&2 ; exit 100 ; }
dest=$1
cd "$(dirname "$0")/.." || exit 111
mkdir -p "$dest" || exit 111
tar cf - --exclude=./.git --exclude='./build-*' . | (cd "$dest" && tar xf -) || exit 111
cd "$dest" && make distclean >/dev/null 2>&1
exit 0
