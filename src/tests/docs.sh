#!/bin/sh
#
# The docs say what the programs do: every option a program's usage line
# accepts is in its man page and its HTML page, the HTML usage line is
# the program's own, the man pages are clean for groff, and make install
# puts binaries and man pages where configure said.
# Prints PASS/FAIL/SKIP lines like the C suites. Run from the top of the tree.

. ./src/tests/lib/common.sh

dir=$(mktemp -d /tmp/ptysplit-docs.XXXXXX) || exit 111
trap 'rm -rf "$dir"' EXIT INT TERM HUP

# usage_of PROG: the usage line the program prints on a usage error.
usage_of () {
  ./$1 2>&1 >/dev/null | sed -n "s/^$1: usage: //p"
}

for prog in ptyexec ptyhead ptyattach ; do
  usage=$(usage_of $prog)
  if test -z "$usage" ; then
    fail "$prog: usage line" "./$prog with no argument printed no usage line"
    continue
  fi
  options=$(printf '%s\n' "$usage" | grep -o '\[ -[A-Za-z0-9]' | sed 's/\[ //')
  missing_man= missing_html=
  for o in $options ; do
    grep -q -- "^\.B[I]* *\\\\$o\\b\|\\\\$o\\b" "doc/man/$prog.1" 2>/dev/null || missing_man="$missing_man $o"
    grep -q -- "<tt>$o</tt>" "doc/$prog.html" 2>/dev/null || missing_html="$missing_html $o"
  done
  if test -z "$missing_man" ; then pass "$prog: every option of the usage line is in doc/man/$prog.1" ; else fail "$prog: every option of the usage line is in doc/man/$prog.1" "missing:$missing_man" ; fi
  if test -z "$missing_html" ; then pass "$prog: every option of the usage line is in doc/$prog.html" ; else fail "$prog: every option of the usage line is in doc/$prog.html" "missing:$missing_html" ; fi
  html_usage=$(sed -n '/<pre>/,/<\/pre>/p' "doc/$prog.html" 2>/dev/null | sed -e 's/<[^>]*>//g' -e 's/&nbsp;/ /g' | grep "^ *$prog " | head -n 1 | sed 's/^ *//')
  if test "$html_usage" = "$usage" ; then pass "$prog: doc/$prog.html shows the program's own usage line" ; else fail "$prog: doc/$prog.html shows the program's own usage line" "program: [$usage] html: [$html_usage]" ; fi
done

if command -v groff >/dev/null 2>&1 ; then
  for page in doc/man/*.[17] ; do
    out=$(LC_ALL=C groff -man -ww -z "$page" 2>&1)
    if test -z "$out" ; then pass "groff -man -ww -z $page prints no warning" ; else fail "groff -man -ww -z $page prints no warning" "$(printf '%s' "$out" | tr '\n' ' ')" ; fi
  done
else
  skip "man pages lint" "groff is not installed"
fi

stage=$dir/stage
if make install DESTDIR="$stage" > "$dir/install.log" 2>&1 ; then
  bindir=$(sed -n 's/^bindir := //p' config.mak)
  mandir=$(sed -n 's/^mandir := //p' config.mak)
  missing=
  for f in "$bindir/ptyexec" "$bindir/ptyhead" "$bindir/ptyattach" "$mandir/man1/ptyexec.1" "$mandir/man1/ptyhead.1" "$mandir/man1/ptyattach.1" "$mandir/man7/ptysplit.7" ; do
    test -f "$stage$f" || missing="$missing $f"
  done
  if test -z "$missing" ; then pass "make install DESTDIR puts binaries and man pages in place" ; else fail "make install DESTDIR puts binaries and man pages in place" "missing:$missing" ; fi
  if command -v man >/dev/null 2>&1 ; then
    for page in ptyexec.1 ptyhead.1 ptyattach.1 ; do
      name=${page%.1}
      if MANWIDTH=80 man -l "$stage$mandir/man1/$page" 2>/dev/null | grep -q "$name" ; then pass "man -l $page renders" ; else fail "man -l $page renders" "no output naming $name" ; fi
    done
  else
    skip "man -l" "man is not installed"
  fi
  make uninstall DESTDIR="$stage" > /dev/null 2>&1
  left=$(find "$stage" -type f | tr '\n' ' ')
  if test -z "$left" ; then pass "make uninstall removes what make install put" ; else fail "make uninstall removes what make install put" "left: $left" ; fi
else
  fail "make install DESTDIR" "$(tail -n 3 "$dir/install.log" | tr '\n' ' ')"
fi
exit $failed
