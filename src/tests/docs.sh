#!/bin/sh
#
# The docs say what the programs do: every option a program's usage line
# accepts is in its man page and its HTML page, the HTML usage line is
# the program's own, the man pages are clean for groff, INSTALL lists
# every configure option, make strip works, the demo installs only what
# it needs and runs, and make install puts binaries, man pages and the
# HTML (which the man pages name) where configure said.
# Prints PASS/FAIL/SKIP lines like the C suites. Run from the top of the tree.

. ./src/tests/lib/common.sh

workdir docs

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
    if test -z "$out" ; then pass "groff -man -ww -z $page is silent" ; else fail "groff -man -ww -z $page is silent" "$(printf '%s' "$out" | tr '\n' ' ')" ; fi
  done
else
  skip "man pages lint" "groff is not installed"
fi

# INSTALL documents every option ./configure --help lists.
missing=
for o in $(./configure --help | grep -o -- '^ *--[a-z-]*' | sed 's/^ *//') ; do
  test "$o" = --help || grep -q -- "$o" INSTALL || missing="$missing $o"
done
if test -z "$missing" ; then pass "INSTALL documents every option of ./configure --help" ; else fail "INSTALL documents every option of ./configure --help" "missing:$missing" ; fi

# make strip runs skarnet's strip command (here on copies of the binaries).
cp ptyexec ptyhead "$dir/" || exit 111
if make strip ALL_BINS="$dir/ptyexec $dir/ptyhead" > "$dir/strip.log" 2>&1 \
  && ! readelf -S "$dir/ptyexec" "$dir/ptyhead" | grep -q '\.comment' \
  && "$dir/ptyexec" 2>&1 | grep -q "^ptyexec: usage: " ; then
  pass "make strip strips the binaries, which still run"
else
  fail "make strip strips the binaries, which still run" "$(tail -n 3 "$dir/strip.log" | tr '\n' ' ')"
fi

# The README's first command, the demo: it needs only the build's and
# the demo's packages (not the suite's runc, crun, valgrind...), and runs.
. ./tools/packages.sh
extra=
for p in $DEMO_PACKAGES ; do
  case " $TEST_PACKAGES " in *" $p "*) ;; *) extra="$extra $p" ;; esac
done
if grep -q '^need_packages \$BUILD_PACKAGES \$DEMO_PACKAGES$' tools/demo.sh && test -z "$extra" \
  && ! printf ' %s ' $DEMO_PACKAGES | grep -q -e ' runc ' -e ' crun ' -e ' valgrind ' ; then
  pass "tools/demo.sh installs BUILD_PACKAGES and DEMO_PACKAGES only ($DEMO_PACKAGES)"
else
  fail "tools/demo.sh installs BUILD_PACKAGES and DEMO_PACKAGES only" "$(grep need_packages tools/demo.sh); DEMO_PACKAGES: $DEMO_PACKAGES; not in TEST_PACKAGES:$extra"
fi
if timeout 60 ./tools/demo.sh < /dev/null > "$dir/demo.out" 2>&1 && grep -q '^== s6-svstat: up' "$dir/demo.out" && grep -q 'load average' "$dir/demo.out" ; then
  pass "tools/demo.sh shows top under s6 on its head"
else
  fail "tools/demo.sh shows top under s6 on its head" "$(head -n 5 "$dir/demo.out" | tr '\n' '|')"
fi

stage=$dir/stage
if make install DESTDIR="$stage" > "$dir/install.log" 2>&1 ; then
  bindir=$(sed -n 's/^bindir := //p' config.mak)
  mandir=$(sed -n 's/^mandir := //p' config.mak)
  docdir=$(sed -n 's/^docdir := //p' config.mak)
  missing=
  for f in "$bindir/ptyexec" "$bindir/ptyhead" "$bindir/ptyattach" "$mandir/man1/ptyexec.1" "$mandir/man1/ptyhead.1" "$mandir/man1/ptyattach.1" "$mandir/man7/ptysplit.7" ; do
    test -f "$stage$f" || missing="$missing $f"
  done
  if test -z "$missing" ; then pass "make install DESTDIR puts binaries and man pages in place" ; else fail "make install DESTDIR puts binaries and man pages in place" "missing:$missing" ; fi
  missing=
  for f in doc/*.html ; do
    test -f "$stage$docdir/${f#doc/}" || missing="$missing ${f#doc/}"
  done
  if test -n "$docdir" && test -z "$missing" ; then pass "make install DESTDIR puts the HTML in docdir ($docdir)" ; else fail "make install DESTDIR puts the HTML in docdir ($docdir)" "missing:$missing" ; fi
  # The man pages send readers to the HTML: to where it is installed.
  unnamed=
  for page in doc/man/*.[17] ; do
    grep -q "/usr/share/doc/ptysplit" "$page" || unnamed="$unnamed $page"
  done
  if test -z "$unnamed" ; then pass "the man pages name where make install puts the HTML" ; else fail "the man pages name where make install puts the HTML" "not in:$unnamed" ; fi
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
# Every make target the docs give as a command (in <tt> or <pre>, or an
# indented line of README or INSTALL, alone, after && or after VAR=value)
# is one of the Makefile's.
targets=$({ perl -0ne 'while (/<tt>(.*?)<\/tt>/gs) { print "$1\n" } while (/<pre>(.*?)<\/pre>/gs) { print "$1\n" }' doc/*.html ; grep -hE '^ {2,}' README INSTALL ; } \
  | sed -e 's/^ *//' -e 's/&amp;/\&/g' | grep -oE '(^|&& |[A-Z_]+=[^ ]* )make [a-z][a-z-]*' | sed 's/.*make //' | sort -u)
missing=
for t in $targets ; do grep -q "^$t:" Makefile || missing="$missing $t" ; done
if test -n "$targets" && test -z "$missing" ; then
  pass "the make targets the docs give ($(echo $targets)) are the Makefile's"
else
  fail "make targets in the docs" "not in the Makefile:$missing (found: $(echo $targets))"
fi

exit $failed
