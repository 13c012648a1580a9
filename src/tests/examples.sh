#!/bin/sh
#
# The examples run as written: doc/examples/* (s6, runit, daemontools,
# the systemd unit's command lines), the README's typical service and
# the ptysplit(7) example, each taken from its file and run under the
# real supervisor, with three substitutions only: the user rtorrent is
# nobody, the program rtorrent is a probe that prints its uid, HOME, pid and
# tty every second, and /run, /home/rtorrent and /var/log/rtorrent are
# temporary directories. Prints PASS/FAIL/SKIP lines. Run from the top
# of the tree, as root.

. ./src/tests/lib/common.sh
. ./src/tests/lib/s6.sh

top=$(pwd)
for need in s6-svscan execlineb tmux screen runuser ; do
  command -v $need >/dev/null 2>&1 || { skip "examples" "$need is not installed" ; exit 0 ; }
done
if ! nobody=$(id -u nobody 2>/dev/null) || test "$(id -u)" -ne 0 ; then
  skip "examples" "needs root and a nobody user"
  exit 0
fi

dir=$(mktemp -d /tmp/ptysplit-examples.XXXXXX) || exit 111
chmod 0755 "$dir"
scan=$dir/scan
tmux="tmux -S $dir/tmux.sock"
pids=

cleanup () {
  trap - EXIT INT TERM HUP
  for p in $pids ; do
    case $p in
      svscan:*) s6-svscanctl -t "$scan" 2>/dev/null ;;
      runsv:*) sv exit "$dir/runit" >/dev/null 2>&1 ;;
      supervise:*) svc -dx "$dir/daemontools" 2>/dev/null ;;
      *) kill "${p#*:}" 2>/dev/null ;;
    esac
  done
  for p in $pids ; do
    i=0
    while kill -0 "${p#*:}" 2>/dev/null && test $i -lt 50 ; do sleep 0.1 ; i=$((i + 1)) ; done
    kill -9 "${p#*:}" 2>/dev/null
  done
  for s in $dir/screens/* ; do
    test -e "$s" && runuser -u nobody -- screen -S "${s##*/}" -X quit >/dev/null 2>&1
  done
  $tmux kill-server >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The binaries and the probe, where nobody can run them.
bin=$dir/bin
mkdir -p "$bin" "$dir/screens" "$dir/home" "$dir/out" && cp "$top/ptyexec" "$top/ptyhead" "$top/ptyattach" "$bin/" || exit 111
cat > "$bin/prog" <<'EOF'
#!/bin/sh
echo "prog: started as uid $(id -u)" 1>&2
while : ; do echo "prog: uid $(id -u) HOME=$HOME on $(tty) pid $$" ; sleep 1 ; done
EOF
chmod 0755 "$bin" "$bin/"* && chown nobody "$dir/home" "$dir/out" || exit 111
want="prog: uid $nobody HOME=$dir/home on /dev/pts/"

# subst ROOT SCREEN: a doc's text (stdin) with the substitutions, its
# /run being ROOT and its screen session SCREEN.
subst () {
  sed -e "s|/run/|$1/|g" -e "s|/home/rtorrent|$dir/home|g" -e "s|/var/log/rtorrent|$dir/log|g" \
    -e "s|-S rtorrent|-S $2|g" -e "s|screen -r rtorrent|screen -r $2|g" \
    -e "s|^rtorrent\$|$bin/prog|" -e "s|/pty rtorrent\$|/pty $bin/prog|" \
    -e "s|^ptyexec |$bin/ptyexec |" -e "s| ptyexec | $bin/ptyexec |g" \
    -e "s|^ptyhead |$bin/ptyhead |" -e "s| ptyhead | $bin/ptyhead |g" -e "s|'ptyhead |'$bin/ptyhead |g" \
    -e "s|^ptyattach |$bin/ptyattach |" -e "s| ptyattach | $bin/ptyattach |g" \
    -e 's|\brtorrentlog\b|nobody|g' -e 's|\brtorrent\b|nobody|g'
}

# service SRC ROOT SCREEN NAME: doc/examples' service directory SRC as
# $scan/NAME (or $dir/NAME with no scan), substituted.
service () {
  d=$dir/$4
  mkdir -p "$d" "$3" 2>/dev/null
  (cd "$1" && find . -type d) | while read -r x ; do mkdir -p "$d/$x" ; done
  (cd "$1" && find . -type f) | while read -r f ; do
    if test "${f##*/}" = run ; then subst "$2" "$3" < "$1/$f" > "$d/$f" && chmod 0755 "$d/$f" ; else cp "$1/$f" "$d/$f" ; fi
  done
  mkdir -p "$2"
}

# pre_after FILE REGEX: the first <pre> block of an HTML page after the
# line matching REGEX, as text.
pre_after () {
  sed -n "/$2/,\$p" "$1" | sed -n '/^<pre>$/,/^<\/pre>$/{p;/^<\/pre>$/q;}' | sed -e '/^<\/*pre>$/d' -e 's/&gt;/>/g' -e 's/&lt;/</g' -e 's/&amp;/\&/g'
}
# tt_of FILE: the page's <tt> texts, one a line (joined across lines).
tt_of () { tr '\n' ' ' < "$1" | grep -o '<tt>[^<]*</tt>' | sed -e 's/<\/*tt>//g' -e 's/&gt;/>/g' -e 's/&lt;/</g' -e 's/&amp;/\&/g' -e 's/  */ /g' ; }
# man_examples PAGE: the text of a man page's EXAMPLES section.
man_examples () { sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$1" | grep -v '^\.' | sed 's/\\-/-/g' ; }
# same NAME SHOWN RUN: the docs show exactly the text a test runs.
same () {
  if test -n "$2" && test "$2" = "$3" ; then
    pass "examples: $1"
  else
    fail "examples: $1" "shown: [$(printf '%s' "$2" | tr '\n' '|')] run: [$(printf '%s' "$3" | tr '\n' '|')]"
  fi
}

screen_of () { $tmux capture-pane -p -J -t "$1" 2>/dev/null ; }
shows () { screen_of "$1" | grep -q -- "$2" ; }
hardcopy () { rm -f "$dir/out/$1" ; runuser -u nobody -- screen -S "$1" -X hardcopy "$dir/out/$1" && cat "$dir/out/$1" ; }
screen_shows () { hardcopy "$1" 2>/dev/null | grep -q -- "$2" ; }
svpid () { s6-svstat -o pid "$scan/$1" 2>/dev/null ; }
parent_of () { cat "/proc/$(ps -o ppid= -p "$1" | tr -d ' ')/comm" 2>/dev/null ; }
owner_mode () { stat -c '%U %a' "$1" 2>/dev/null ; }

# is_program PID SUPERVISOR: the supervised pid is the probe, as nobody, child of SUPERVISOR.
is_program () {
  test "$(cat /proc/$1/comm 2>/dev/null)" = prog && test "$(ps -o user= -p "$1")" = nobody && test "$(parent_of "$1")" = "$2"
}

mkdir -p "$scan"
s6-svscan "$scan" > "$dir/svscan.log" 2>&1 < /dev/null &
pids="svscan:$!"
$tmux new-session -d -s idle -x 100 -y 30 "exec sleep 1000" || exit 111

# attach_examples: ptyattach(1)'s EXAMPLES, each run as written (with
# the substitutions) on the README's service while it runs, and found on
# ptyattach.html too; then the Notes' "echo reload | ptyattach -E socket".
attach_examples () {
  sock=$root/nobody/pty
  man1=$(sed -n '/^\.SH EXAMPLES/,/^\.SH /p' doc/man/ptyattach.1 | grep -v '^\.' | sed 's/\\-/-/g')
  html=$(sed -e 's/<[^>]*>//g' -e 's/&nbsp;/ /g' doc/ptyattach.html | tr -s ' \n' '  ')
  missing=
  for i in 1 2 3 ; do
    line=$(printf '%s\n' "$man1" | sed -n ${i}p)
    case "$html" in *"$line"*) ;; *) missing="$missing|$line" ;; esac
  done
  if test "$(printf '%s\n' "$man1" | wc -l)" = 3 && test -z "$missing" ; then
    pass "examples: ptyattach(1)'s three examples are on ptyattach.html"
  else
    fail "examples: ptyattach(1)'s three examples are on ptyattach.html" "man: $(printf '%s' "$man1" | tr '\n' '|'); not on the page:$missing"
  fi
  ex1=$(printf '%s\n' "$man1" | sed -n 1p)
  ex2=$(printf '%s\n' "$man1" | sed -n 2p)
  ex3=$(printf '%s\n' "$man1" | sed -n 3p)
  $tmux new-window -d -n man1 "$(printf '%s\n' "$ex1" | subst "$root" x)"
  if until_true shows man1 "$want" ; then
    pass "examples: ptyattach(1): $ex1 shows the program"
  else
    fail "examples: ptyattach(1): $ex1 shows the program" "$(screen_of man1 | tr -s '\n' '|')"
  fi
  out=$(timeout 10 sh -c "$(printf '%s\n' "$ex2" | subst "$root" x)" 2>&1)
  if test "$(printf '%s\n' "$out" | wc -l)" -le 5 && printf '%s\n' "$out" | grep -q -- "$want" ; then
    pass "examples: ptyattach(1): $ex2 prints the program's last lines"
  else
    fail "examples: ptyattach(1): $ex2 prints the program's last lines" "$(printf '%s' "$out" | tr '\n' '|')"
  fi
  out=$(timeout 10 sh -c "$(printf '%s\n' "$ex3" | subst "$root" x)" 2>&1)
  if printf '%s\n' "$out" | grep -Eqx "up \(pid $(svpid readme)\) [0-9]+ seconds?, program [^,]+, 2 viewers, 0 bytes dropped" ; then
    pass "examples: ptyattach(1): $ex3 says up, the pid, the program and the two viewers"
  else
    fail "examples: ptyattach(1): $ex3 says up, the pid, the program and the two viewers" "$out (program pid $(svpid readme))"
  fi
  # As root, the same with -u instead of s6-setuidgid, as the page says.
  if timeout 10 "$bin/ptyattach" -u "$(id -u nobody)" -s "$sock" 2>&1 | grep -q "^up (pid $(svpid readme))" \
    && ! timeout 10 "$bin/ptyattach" -s "$sock" > /dev/null 2>&1 ; then
    pass "examples: ptyattach.html: as root, ptyattach refuses the user's head, and accepts it with -u \$(id -u USER)"
  else
    fail "examples: ptyattach.html: as root, ptyattach refuses the user's head, and accepts it with -u \$(id -u USER)" "$(timeout 10 "$bin/ptyattach" -u "$(id -u nobody)" -s "$sock" 2>&1)"
  fi
  $tmux kill-window -t man1
  # The Notes: a command typed from a script (as the head's user); the
  # viewer stays attached.
  note=$(printf '%s' "$html" | grep -o 'echo reload | ptyattach -E socket')
  if test -n "$note" ; then
    printf '%s\n' "$note" | sed "s|socket\$|$sock|" | subst "$root" x > "$dir/note.sh"
    s6-setuidgid nobody sh "$dir/note.sh" > /dev/null 2>&1 < /dev/null &
    n=$!
    pids="$pids note:$n"
    if until_true sh -c "timeout 5 s6-setuidgid nobody $bin/ptyattach -p $sock | grep -q '^reload'" && sleep 1 && kill -0 $n 2>/dev/null ; then
      pass "examples: ptyattach.html: echo reload | ptyattach -E socket types reload into the program and stays attached"
    else
      fail "examples: ptyattach.html: echo reload | ptyattach -E socket types reload into the program and stays attached" "$(timeout 5 s6-setuidgid nobody $bin/ptyattach -p $sock | tail -n 3 | tr '\n' '|'); still running: $(kill -0 $n 2>/dev/null && echo yes)"
    fi
    pkill -P $n ; kill $n 2>/dev/null
  else
    fail "examples: ptyattach.html's note on scripts" "'echo reload | ptyattach -E socket' is not on the page"
  fi
}

# 0. Where a page shows an example that a section below runs from
#    another file, the page shows exactly that file's text.
ex=doc/examples
same "ptyexec.html's runit service is $ex/runit/rtorrent/run (run in 5)" \
  "$(pre_after doc/ptyexec.html '<h3> In a runit service')" "$(cat $ex/runit/rtorrent/run)"
same "ptyhead.html's screen -D -m service is $ex/s6/rtorrent-head/run (run in 3)" \
  "$(pre_after doc/ptyhead.html '<h3> As an s6 service, under')" "$(cat $ex/s6/rtorrent-head/run)"
same "ptyhead.html's fd holder lines end $ex/s6/rtorrent-fdholder/run and rtorrent-head-fdholder/run (run in 4)" \
  "$(pre_after doc/ptyhead.html 'Their run scripts end with')" \
  "$(tail -n 2 $ex/s6/rtorrent-fdholder/run ; echo ; tail -n 3 $ex/s6/rtorrent-head-fdholder/run)"
man1=$(man_examples doc/man/ptyhead.1)
same "ptyhead(1)'s headless line ends $ex/s6/rtorrent-headless/run (headless-examples.sh)" \
  "$(printf '%s\n' "$man1" | grep '^ptyhead -H ')" "$(tail -n 1 $ex/s6/rtorrent-headless/run)"
same "ptyhead(1)'s fd holder lines are those of $ex/s6/rtorrent-fdholder and rtorrent-head-fdholder (run in 4)" \
  "$(printf '%s\n' "$man1" | grep -e '^s6-fdholder-daemon ' -e '^ptyhead -F ')" \
  "$(tail -n 1 $ex/s6/rtorrent-fdholder/run ; tail -n 1 $ex/s6/rtorrent-head-fdholder/run | sed 's/^screen -D -m -S rtorrent //')"
# The tmux line and the head's command, run in 2 from ptysplit(7).
tmuxline=$(man_examples doc/man/ptysplit.7 | grep '^tmux new-window ')
headcmd=$(printf '%s\n' "$tmuxline" | sed -n "s/^tmux new-window -n rtorrent '\(.*\)'\$/\1/p")
same "ptyhead.html and ptyhead(1) show ptysplit(7)'s tmux line (run in 2)" \
  "$(pre_after doc/ptyhead.html '<h3> In a tmux or screen window' | sed -n 1p)
$(printf '%s\n' "$man1" | grep '^tmux new-window ')" "$tmuxline
$tmuxline"
same "index.html, ptyhead.html, ptyexec.html, ptyexec(1) and README show the head's command of ptysplit(7)'s tmux line (run in 2)" \
  "$(pre_after doc/index.html 'and its head, in a tmux window' ; pre_after doc/ptyhead.html '<h3> A head for another user' ;
     tt_of doc/ptyexec.html | grep '^s6-setuidgid rtorrent ptyhead ' ;
     sed -n 's/^\.RB ( "\(s6.-setuidgid rtorrent ptyhead .*\)" ),$/\1/p' doc/man/ptyexec.1 | sed 's/\\-/-/g' ;
     tr '\n' ' ' < README | grep -o '("s6-setuidgid rtorrent ptyhead [^"]*")' | tr -d '()"')" \
  "$headcmd
$headcmd
$headcmd
$headcmd
$headcmd"
# The attach commands of doc/examples/README and ptyhead.html are the
# units' (run in 6 and 1).
unitattach=$(sed -n 's/^#  *\(runuser .*\)$/\1/p' $ex/systemd/ptyhead@.service | sed 's/%i/rtorrent/g')
unitsu=$(sed -n "s/^# \"\(su -s .*\)\" works too).\$/\1/p" $ex/systemd/ptyhead@.service | sed 's/%i/rtorrent/g')
headlessattach=$(sed -n 's/^#  *\(runuser .*\)$/\1/p' $ex/systemd/ptyhead-headless@.service | sed 's/%i/rtorrent/g')
same "doc/examples/README and ptyhead.html give the units' attach commands (run in 1 and 6)" \
  "$(grep -o 'runuser -u rtorrent -- .*[^.]' $ex/README | sed 's/^ *//' ;
     tt_of doc/ptyhead.html | grep -e '^runuser -u rtorrent -- ' -e '^su -s ')" \
  "$unitattach
$headlessattach
$headlessattach
$unitattach
$unitsu"
# Not run: docker (no daemon here) and s6-overlay's /init. The docker
# line is the runc line that container.sh runs, with "runc exec -t
# rtorrent" (the container's name) made "docker exec -it CONTAINER";
# the s6-overlay layout is doc/examples/s6-rc (run by s6-rc.sh) file
# for file, with the contents.d of the pipeline and the head.
runcline=$(pre_after doc/portability.html 'the viewer, outside, in a tmux window')
same "portability.html's docker exec line is container.sh's runc exec line for docker" \
  "$(pre_after doc/portability.html 'program from the host')" \
  "$(printf '%s\n' "$runcline" | sed -n 's/^runc exec -t rtorrent /docker exec -it CONTAINER /p')"
layout=$(pre_after doc/portability.html '^<tt>user\/contents.d\/<\/tt>:' | while read -r l ; do
  d=${l%%/\{*}
  for f in $(printf '%s\n' "$l" | sed 's/.*{\(.*\)}$/\1/' | tr ',' ' ') ; do echo "$d/$f" ; done
done | sort)
same "portability.html's s6-overlay layout is doc/examples/s6-rc's files, and contents.d its pipeline and its head" \
  "$layout" "$( (cd $ex/s6-rc && find . -type f | sed 's|^\.|/etc/s6-overlay/s6-rc.d|' ;
    for b in "$(cat rtorrent-log/pipeline-name)" $(ls rtorrent/dependencies.d) ; do echo "/etc/s6-overlay/s6-rc.d/user/contents.d/$b" ; done) | sort)"

# 1. The README's typical service: the program's run script, its
#    headless head as a service with readiness, and its ptyattach
#    command as the viewer in a tmux window. Both scripts create
#    /run/rtorrent.
root=$dir/r1
readme_block () {
  awk -v n="$1" '/^    #!\/bin\/execlineb -P$/ { b++ } b == n && /^$/ { exit } b == n { sub(/^    /, "") ; print }' README
}
readme_block 1 | subst "$root" x > "$dir/readme-run"
readme_block 2 | subst "$root" x > "$dir/readme-head-run"
attachcmd=$(sed -n 's/^    \(s6-setuidgid rtorrent ptyattach .*\)$/\1/p' README | subst "$root" x)
mkdir -p "$root" "$dir/readme" "$dir/readmehead"
if test "$(sed -n 3p "$dir/readme-run")" = "if { install -d -o nobody -m 0700 $root/nobody }" && grep -q " -H " "$dir/readme-head-run" && test -n "$attachcmd" ; then
  mv "$dir/readme-head-run" "$dir/readmehead/run" && echo 3 > "$dir/readmehead/notification-fd" || exit 111
  mv "$dir/readme-run" "$dir/readme/run" && chmod 0755 "$dir/readme/run" "$dir/readmehead/run" || exit 111
  mv "$dir/readmehead" "$dir/readme" "$scan/" && svscan_add "$scan"
  until_true test -S "$root/nobody/pty"
  $tmux new-window -d -n readme "$attachcmd"
  if until_true shows readme "$want" && is_program "$(svpid readme)" s6-supervise && test "$(owner_mode "$root/nobody")" = "nobody 700" ; then
    pass "examples: README's typical service and headless head create /run/rtorrent; the program runs as the user with its HOME; its ptyattach command shows it"
  else
    fail "examples: README's typical service and headless head create /run/rtorrent; the program runs as the user with its HOME; its ptyattach command shows it" "dir: $(owner_mode "$root/nobody"); screen: $(screen_of readme | tr -s '\n' '|'); $(s6-svstat "$scan/readme" 2>&1); head: $(s6-svstat "$scan/readmehead" 2>&1)"
  fi
  attach_examples
  # ptyhead.html's (and the headless unit's) attach as root: runuser.
  ruline=$(tt_of doc/ptyhead.html | grep '^runuser -u rtorrent -- ptyattach ' | head -n 1)
  $tmux new-window -d -n runuser "$(printf '%s\n' "$ruline" | subst "$root" x)"
  if test -n "$ruline" && until_true shows runuser "$want" ; then
    pass "examples: ptyhead.html: $ruline, from root, shows the program"
  else
    fail "examples: ptyhead.html: runuser -u rtorrent -- ptyattach, from root, shows the program" "command: [$ruline]; screen: $(screen_of runuser | tr -s '\n' '|')"
  fi
  # README: s6-svc -k kills the program itself; the viewers stay and
  # show the next instance.
  kline=$(tr '\n' ' ' < README | grep -o 's6-svc -k /run/service/[a-z]*')
  old=$(svpid readme)
  sh -c "$(printf '%s\n' "$kline" | sed "s|/run/service/rtorrent\$|$scan/readme|")"
  new=
  if test -n "$kline" && until_true sh -c "p=\$(s6-svstat -o pid $scan/readme) && test \$p != $old && test \$p != -1" ; then
    new=$(svpid readme)
  fi
  if test -n "$new" && ! kill -0 "$old" 2>/dev/null && until_true is_program "$new" s6-supervise && until_true shows readme "pid $new" && until_true shows runuser "pid $new" ; then
    pass "examples: README: $kline kills the program itself; both viewers stay and show the next instance"
  else
    fail "examples: README: s6-svc -k /run/service/rtorrent kills the program itself; the viewers show the next instance" "command: [$kline]; pid $old -> $new; comm $(cat /proc/$new/comm 2>&1); screens: $(screen_of readme | grep . | tail -n 2 | tr -s '\n' '|') / $(screen_of runuser | grep . | tail -n 2 | tr -s '\n' '|')"
  fi
  $tmux kill-window -t runuser
  s6-svc -d "$scan/readme" ; s6-svc -d "$scan/readmehead"
else
  fail "examples: README's typical service" "could not find it in README: $(tr '\n' '|' < "$dir/readme-run"); head: $(tr '\n' '|' < "$dir/readme-head-run"); attach: $attachcmd"
fi

# 1b. The same run script everywhere the docs show it: README, index.html,
#     ptyexec.html, ptyexec(1), ptysplit(7) and doc/examples/s6/rtorrent/run;
#     README's head is doc/examples/s6/rtorrent-headless/run.
ref=$(cat doc/examples/s6/rtorrent/run)
html_block () { sed -n '/^<pre>$/,/^<\/pre>$/p' "$1" | sed '/^<\/*pre>$/d' | sed -n '/^#!\/bin\/execlineb -P$/,/^rtorrent$/p' | sed -n '1,/^rtorrent$/p' ; }
man_block () { sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$1" | grep -v '^\.' | sed 's/\\-/-/g' | sed -n '/^#!\/bin\/execlineb -P$/,/^rtorrent$/p' ; }
differ=
test "$(readme_block 1)" = "$ref" || differ="$differ README"
test "$(readme_block 2)" = "$(cat doc/examples/s6/rtorrent-headless/run)" || differ="$differ README(head)"
for f in doc/index.html doc/ptyexec.html ; do test "$(html_block $f)" = "$ref" || differ="$differ $f" ; done
for f in doc/man/ptyexec.1 doc/man/ptysplit.7 ; do test "$(man_block $f)" = "$ref" || differ="$differ $f" ; done
if test -z "$differ" ; then
  pass "examples: README, index.html, ptyexec.html, ptyexec(1) and ptysplit(7) show doc/examples/s6/rtorrent/run as it is"
else
  fail "examples: README, index.html, ptyexec.html, ptyexec(1) and ptysplit(7) show doc/examples/s6/rtorrent/run as it is" "differs in:$differ"
fi

# 2. ptysplit(7)'s example: the same, its head in a tmux window.
root=$dir/r2
man7=$(sed -n '/^\.SH EXAMPLES/,/^\.SH /p' doc/man/ptysplit.7 | sed -n '/^\.nf/,/^\.fi/p' | grep -v '^\.' | sed 's/\\-/-/g')
printf '%s\n' "$man7" | sed -n '/^#!/,/^tmux /p' | grep -v '^tmux ' | subst "$root" x > "$dir/man7-run"
tmuxcmd=$(printf '%s\n' "$man7" | grep '^tmux new-window ' | subst "$root" x)
mkdir -p "$root" "$dir/man7"
if grep -q "^$bin/prog\$" "$dir/man7-run" && test -n "$tmuxcmd" ; then
  mv "$dir/man7-run" "$dir/man7/run" && chmod 0755 "$dir/man7/run" && mv "$dir/man7" "$scan/man7" && svscan_add "$scan"
  until_true test -d "$root/nobody"
  eval "\$tmux new-window -t idle: ${tmuxcmd#tmux new-window }"
  win=$($tmux list-windows -t idle -F '#{window_index} #{pane_current_command}' | sed -n 's/ .*//p' | tail -n 1)
  if until_true shows "idle:$win" "$want" && is_program "$(svpid man7)" s6-supervise ; then
    pass "examples: ptysplit(7)'s example runs as written, the head as the program's user"
  else
    fail "examples: ptysplit(7)'s example runs as written, the head as the program's user" "screen: $(screen_of "idle:$win" | tr -s '\n' '|'); $(s6-svstat "$scan/man7" 2>&1)"
  fi
  # ptyhead.html's screen line, typed in a screen session (root's, as
  # the line has it): its new window runs the next head.
  $tmux kill-window -t "idle:$win"
  scrline=$(pre_after doc/ptyhead.html '<h3> In a tmux or screen window' | sed -n 2p)
  screen -D -m -S "ptysplit-examples-$$" sleep 1000 < /dev/null > /dev/null 2>&1 &
  sty=$!.ptysplit-examples-$$
  pids="$pids screen:${sty%%.*}"
  until_true screen -S "$sty" -Q select 0
  STY=$sty sh -c "$(printf '%s\n' "$scrline" | subst "$root" x)" < /dev/null > "$dir/scr.log" 2>&1
  rootshows () { rm -f "$dir/out/root" ; screen -S "$sty" -p 1 -X hardcopy "$dir/out/root" && grep -q -- "$1" "$dir/out/root" ; }
  if test -n "$scrline" && until_true rootshows "$want" && is_program "$(svpid man7)" s6-supervise ; then
    pass "examples: ptyhead.html: $scrline, in a screen session, shows the program in a new window"
  else
    fail "examples: ptyhead.html: screen -t rtorrent s6-setuidgid rtorrent ptyhead ..., in a screen session, shows the program in a new window" "line: [$scrline] $(cat "$dir/scr.log"); window: $(cat "$dir/out/root" 2>&1 | grep . | tr '\n' '|')"
  fi
  screen -S "$sty" -X quit > /dev/null 2>&1
  s6-svc -d "$scan/man7"
else
  fail "examples: ptysplit(7)'s example" "could not find it in doc/man/ptysplit.7: $man7"
fi

# 3. doc/examples/s6: rtorrent (with its log) and rtorrent-head, under screen, as nobody.
root=$dir/r3
: > "$dir/screens/ex3"
service doc/examples/s6/rtorrent "$root" ex3 s6prog
service doc/examples/s6/rtorrent-head "$root" ex3 s6head
mv "$dir/s6prog" "$dir/s6head" "$scan/" && svscan_add "$scan"
if until_true s6-svok "$scan/s6head" && s6-svwait -U -t 10000 "$scan/s6head" ; then
  pass "examples: s6/rtorrent-head becomes ready (s6-notifyoncheck) once the head in screen listens"
else
  fail "examples: s6/rtorrent-head becomes ready (s6-notifyoncheck) once the head in screen listens" "$(s6-svstat "$scan/s6head" 2>&1); $(cat "$dir/svscan.log")"
fi
if until_true screen_shows ex3 "$want" && is_program "$(svpid s6prog)" s6-supervise && test "$(owner_mode "$root/nobody")" = "nobody 700" ; then
  pass "examples: s6/rtorrent runs as the user with its HOME, on the head of s6/rtorrent-head (screen, same user, mode 0600)"
else
  fail "examples: s6/rtorrent runs as the user with its HOME, on the head of s6/rtorrent-head (screen, same user, mode 0600)" "screen: $(hardcopy ex3 2>&1 | tr -s '\n' '|'); $(s6-svstat "$scan/s6prog" 2>&1); $(cat "$dir/svscan.log")"
fi
if test "$(owner_mode "$root/nobody/pty")" = "nobody 600" ; then pass "examples: the socket keeps its default mode 0600" ; else fail "examples: the socket keeps its default mode 0600" "$(owner_mode "$root/nobody/pty")" ; fi
if until_true grep -q "prog: started as uid $nobody" "$dir/log/current" ; then
  pass "examples: s6/rtorrent/log gets the program's stderr (-E)"
else
  fail "examples: s6/rtorrent/log gets the program's stderr (-E)" "$(cat "$dir/log/current" 2>&1)"
fi
for s in s6prog s6head ; do s6-svc -d "$scan/$s" ; done

# 4. doc/examples/s6 with -F: rtorrent-fdholder, rtorrent-head-fdholder;
#    the program outlives a killed head, and the next head shows it.
root=$dir/r4
: > "$dir/screens/ex4"
service doc/examples/s6/rtorrent "$root" ex4 fdprog
service doc/examples/s6/rtorrent-fdholder "$root" ex4 fdholder
service doc/examples/s6/rtorrent-head-fdholder "$root" ex4 fdhead
rm -rf "$dir/fdprog/log"
mv "$dir/fdholder" "$dir/fdhead" "$dir/fdprog" "$scan/" && svscan_add "$scan"
if ! command -v s6-fdholder-daemon >/dev/null 2>&1 || ! ./ptyhead -F /nonexistent "$dir/probe.sock" 2>&1 | grep -q "connect to the fd holder" ; then
  skip "examples: s6/rtorrent-head-fdholder" "ptyhead built without -F, or no s6-fdholder-daemon"
elif until_true s6-svok "$scan/fdhead" && s6-svwait -U -t 10000 "$scan/fdhead" && until_true screen_shows ex4 "$want" ; then
  pid=$(svpid fdprog)
  s6-svc -k "$scan/fdhead"
  sleep 1
  if until_true screen_shows ex4 "$want" && test "$(svpid fdprog)" = "$pid" && is_program "$pid" s6-supervise ; then
    pass "examples: with s6/rtorrent-fdholder, the program outlives its head and the next head shows it"
  else
    fail "examples: with s6/rtorrent-fdholder, the program outlives its head and the next head shows it" "pid $pid now $(svpid fdprog); screen: $(hardcopy ex4 2>&1 | tr -s '\n' '|')"
  fi
else
  fail "examples: s6/rtorrent-head-fdholder comes up and shows the program" "$(s6-svstat "$scan/fdhead" 2>&1); $(s6-svstat "$scan/fdholder" 2>&1); screen: $(hardcopy ex4 2>&1 | tr -s '\n' '|'); $(cat "$dir/svscan.log")"
fi
for s in fdprog fdhead fdholder ; do s6-svc -d "$scan/$s" ; done

# 4b. ptyhead.html's head directly under s6 with -d: ready when it
#     listens, and the program's output in the service's output.
root=$dir/r4b
mkdir -p "$root" "$dir/dhead" "$dir/dprog"
sed -n '/Directly under a supervisor, with <tt>-d<\/tt>/,/^<\/pre>/p' doc/ptyhead.html | sed -n '/^<pre>$/,/^<\/pre>$/p' | sed '/^<\/*pre>$/d' | subst "$root" x > "$dir/dhead/run"
echo 3 > "$dir/dhead/notification-fd"
subst "$root" x < doc/examples/s6/rtorrent/run > "$dir/dprog/run"
chmod 0755 "$dir/dhead/run" "$dir/dprog/run"
if grep -q "^$bin/ptyhead .*-d 3 " "$dir/dhead/run" ; then
  mv "$dir/dhead" "$dir/dprog" "$scan/" && svscan_add "$scan"
  if until_true s6-svok "$scan/dhead" && s6-svwait -U -t 10000 "$scan/dhead" && until_true grep -q "$want" "$dir/svscan.log" && is_program "$(svpid dprog)" s6-supervise ; then
    pass "examples: ptyhead.html's head under s6 with -d becomes ready, and shows the program on its output"
  else
    fail "examples: ptyhead.html's head under s6 with -d becomes ready, and shows the program on its output" "$(s6-svstat "$scan/dhead" 2>&1); $(s6-svstat "$scan/dprog" 2>&1); $(tail -n 5 "$dir/svscan.log")"
  fi
  for s in dprog dhead ; do s6-svc -d "$scan/$s" ; done
else
  fail "examples: ptyhead.html's head under s6 with -d" "could not find it in doc/ptyhead.html: $(tr '\n' '|' < "$dir/dhead/run")"
fi

# 5. doc/examples/runit and daemontools: the program under runsv and
#    supervise, on a head in a tmux window as the same user.
for sv in runit:runsv daemontools:supervise ; do
  name=${sv%%:*} prog=${sv#*:}
  if ! command -v "$prog" >/dev/null 2>&1 ; then skip "examples: $name/rtorrent" "$prog is not installed" ; continue ; fi
  root=$dir/$name-root
  service doc/examples/$name/rtorrent "$root" x $name
  "$prog" "$dir/$name" > "$dir/$name.log" 2>&1 < /dev/null &
  pids="$pids $prog:$!"
  until_true test -d "$root/nobody"
  $tmux new-window -d -n $name "s6-setuidgid nobody $bin/ptyhead $root/nobody/pty"
  pid=
  if until_true shows $name "$want" ; then
    pid=$(pgrep -x -P "${pids##*:}" prog)
  fi
  if test -n "$pid" && is_program "$pid" "$prog" ; then
    pass "examples: $name/rtorrent runs as the user with its HOME, a child of $prog, on the head"
  else
    fail "examples: $name/rtorrent runs as the user with its HOME, a child of $prog, on the head" "pid '$pid'; screen: $(screen_of $name | tr -s '\n' '|'); $(cat "$dir/$name.log")"
  fi
done

# 6. doc/examples/systemd: the unit's ExecStart as its User=, in its
#    RuntimeDirectory, and the attach command it gives, from a terminal.
root=$dir/r6
unit=doc/examples/systemd/ptyhead@.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | sed -e 's/%i/rtorrent/g' -e 's|/usr/bin/screen|screen|' -e 's|/bin/ptyhead|ptyhead|' | subst "$root" ex6)
attach=$(sed -n 's/^#  *\(runuser .*\)$/\1/p' "$unit" | sed 's/%i/rtorrent/g' | subst "$root" ex6)
: > "$dir/screens/ex6"
mkdir -p "$root" && install -d -o nobody -m "$(sed -n 's/^RuntimeDirectoryMode=//p' "$unit")" "$root/nobody"
runuser -u "$(sed -n 's/^User=%i$/nobody/p' "$unit")" -- $exec_start > "$dir/ex6.log" 2>&1 < /dev/null &
pids="$pids screen:$!"
mkdir "$dir/sdprog" && cat > "$dir/sdprog/run" <<EOF
#!/bin/execlineb -P
s6-setuidgid nobody
export HOME $dir/home
$bin/ptyexec -t 5000 $root/nobody/pty
$bin/prog
EOF
chmod 0755 "$dir/sdprog/run" && mv "$dir/sdprog" "$scan/" && svscan_add "$scan"
until_true test -S "$root/nobody/pty"
$tmux new-window -d -n attach "$attach"
if test -n "$attach" && until_true shows attach "$want" ; then
  pass "examples: systemd/ptyhead@.service's head runs as its user, and '$(sed -n 's/^#  *\(runuser .*\)$/\1/p' "$unit")' attaches"
else
  fail "examples: systemd/ptyhead@.service's head runs as its user, and its attach command works" "exec: $exec_start; attach: $attach; screen: $(screen_of attach | tr -s '\n' '|'); $(cat "$dir/ex6.log")"
fi
# The unit's other way, su with a shell (the runuser window detached
# first: screen -r takes a detached session); su without one is refused.
$tmux kill-window -t attach
suline=$(sed -n "s/^# \"\(su -s .*\)\" works too).\$/\1/p" "$unit")
$tmux new-window -d -n su "$(printf '%s\n' "$suline" | sed 's/%i/rtorrent/g' | subst "$root" ex6)"
if test -n "$suline" && until_true shows su "$want" && ! su "$(sed -n 's/^User=%i$/nobody/p' "$unit")" -c true > /dev/null 2>&1 ; then
  pass "examples: systemd/ptyhead@.service: '$suline' attaches, and su without -s is refused"
else
  fail "examples: systemd/ptyhead@.service: su -s /bin/sh %i -c 'screen -r %i' attaches, and su without -s is refused" "line: [$suline]; screen: $(screen_of su | grep . | tr '\n' '|')"
fi
$tmux kill-window -t su

# 7. The docs' way of keeping a failing head's message in tmux. (Not
#    remain-on-exit: tmux discards the output of a program that exits
#    before tmux read it; under load this test saw the message lost.)
#    The line is ptyhead.html's, its /run a directory that does not exist.
readx=$(tt_of doc/ptyhead.html | grep "^tmux new-window '.*; read x'\$")
eval "\$tmux new-window -d -n readx $(printf '%s\n' "${readx#tmux new-window }" | subst "$dir/nowhere" x)"
msg="ptyhead: fatal: unable to bind to $dir/nowhere/nobody/pty"
if test -n "$readx" && until_true shows readx "$msg" ; then
  pass "examples: ptyhead.html: $readx keeps a failing head's message in its tmux window"
else
  fail "examples: ptyhead.html: tmux new-window '...; read x' keeps a failing head's message in its tmux window" "line: [$readx]; window: $(screen_of readx | tr -s '\n' '|')"
fi

# 8. ptyexec.html's interactive example, as ptyexec(1) shows it too: the
#    head in one terminal, the line typed in a shell in another, vim
#    itself. vim shows on the head, the shell waits for it (a line typed
#    meanwhile runs after), and ^C typed in the shell's terminal does not
#    reach vim, as the page says: ptyexec gave the shell's terminal back
#    to the shell. A SIGINT would make vim say "Type :qa" at its next
#    key, an Escape, into its message history, which :messages shows
#    after a mark of ours.
shellline=$(pre_after doc/ptyexec.html '<h3> From an interactive shell' | sed 's/^\$ //')
headline=$(tt_of doc/ptyexec.html | grep '^ptyhead /run/user/')
same "ptyexec(1) shows ptyexec.html's interactive example and its head" \
  "$(sed -n 's/^\.RB ( "\(ptyhead \/run\/user\/.*\)" );$/\1/p' doc/man/ptyexec.1 ; man_examples doc/man/ptyexec.1 | grep '^ptyexec /run/user/')" "$headline
$shellline"
if ! command -v vim >/dev/null 2>&1 ; then
  skip "examples: ptyexec.html's interactive example" "vim is not installed"
elif test -n "$headline" && test -n "$shellline" ; then
  root=$dir/r8
  sock=$(printf '%s\n' "${headline#ptyhead }" | subst "$root" x)
  mkdir -p "${sock%/*}"
  $tmux new-window -d -n head8 "$(printf '%s\n' "$headline" | subst "$root" x)"
  until_true test -S "$sock"
  $tmux new-window -d -n shell8 -c "$dir/out" "exec sh"
  $tmux send-keys -t shell8 "$(printf '%s\n' "$shellline" | subst "$root" x)" Enter
  shpid=$($tmux display -p -t shell8 '#{pane_pid}')
  vim=
  if until_true shows head8 '"notes.txt"' ; then
    vim=$(pgrep -x -P "$shpid" vim)
    pids="$pids vim:$vim"
  fi
  $tmux send-keys -t shell8 C-c
  $tmux send-keys -t shell8 "echo early-\$\$" Enter
  sleep 0.3
  $tmux send-keys -t head8 Escape
  $tmux send-keys -t head8 ":echomsg 'mark-after-ctrl-c'" Enter ":messages" Enter
  if test -n "$vim" && until_true shows head8 'mark-after-ctrl-c' && ! shows head8 'Type  *:qa' && ! shows shell8 "early-$shpid" ; then
    pass "examples: ptyexec.html: $shellline shows vim on the head; the shell waits; ^C in the shell's terminal does not reach vim"
  else
    fail "examples: ptyexec.html: $shellline shows vim on the head; the shell waits; ^C in the shell's terminal does not reach vim" "vim pid '$vim'; head: $(screen_of head8 | grep . | tail -n 3 | tr '\n' '|'); shell: $(screen_of shell8 | grep . | tr '\n' '|')"
  fi
  $tmux send-keys -t head8 Enter
  $tmux send-keys -t head8 ':q!' Enter
  if test -n "$vim" && until_true gone "$vim" && until_true shows shell8 "early-$shpid" ; then
    pass "examples: ptyexec.html: :q! on the head ends vim, and the shell goes on"
  else
    fail "examples: ptyexec.html: :q! on the head ends vim, and the shell goes on" "vim $vim: $(grep State /proc/$vim/status 2>&1); head: $(screen_of head8 | grep . | tail -n 2 | tr '\n' '|'); shell: $(screen_of shell8 | grep . | tr '\n' '|')"
  fi
  $tmux kill-window -t shell8 ; $tmux kill-window -t head8
else
  fail "examples: ptyexec.html's interactive example" "not found: head [$headline], line [$shellline]"
fi

exit $failed
