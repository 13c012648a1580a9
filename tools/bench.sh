#!/bin/sh
#
# The benchmark driver behind `make bench`: ptysplit side by side with
# the floor relay (src/bench/ptysplit-bench-floor.c) and the peers people
# would use instead: dtach, script(1), tmux and screen. ptysplit runs in
# three rows: a head on the terminal (ptysplit), a headless head with
# ptyattach on the terminal (ptyattach), a headless head with no viewer
# at all (headless); and a headless head serves 8, then 100 viewers. Each trial is one
# run of ./ptysplit-bench (src/bench/ptysplit-bench.c); this script
# interleaves the heads round after round (A B C A B C ...), keeps every
# number in one results file, then prints medians and ratios to the floor.
#
# Environment:
#   BENCH_QUICK=1        a short smoke run (small sizes, 1 round)
#   BENCH_ROUNDS=n       rounds of throughput, round trip and start-up (5),
#                        after a warm-up round 0 that is not counted
#   BENCH_SCALE_ROUNDS=n rounds of the scale test (5)
#   BENCH_MIB=n          the text file's size in MiB (64)
#   BENCH_TRIPS=n        round trips per trial (2000)
#   BENCH_STARTS=n       start-up runs in all, split over the rounds (500)
#   BENCH_PAIRS=n        pairs alive at once in the scale test (500)
#   BENCH_VIEWER_MIB=n   the stream's size in MiB with 8 and 100 viewers (8)
#   BENCH_ROWS="..."     the heads to run (floor ptysplit ptyattach headless
#                        dtach script tmux screen)
#   BENCH_BUILDS="..."   other builds of ptysplit measured side by side,
#                        each with its floor relay built the same way:
#                        rows ptysplit@B and floor@B, throughput (CPU,
#                        peak RSS) and start-up only. B is glibc-dynamic
#                        (Debian's skalibs, libc linked dynamically),
#                        glibc-static (--enable-static-libc), musl-static
#                        (musl-gcc against the upstream stack of
#                        ../shared/vendor/skarnet, in build-vendor/musl);
#                        default: all three. Built in build-bench/B.
#   BENCH_HTML=file      also write the tables as an HTML fragment there
#   BENCH_RESULTS=file   keep the raw results there
#   BENCH_TMPDIR=dir     where the temporary directory goes (/tmp)
#
# Every trial runs under timeout(1) and its own deadline; the driver
# kills and reaps every process a trial made and removes its directory,
# and this script removes its own on any exit.

cd "$(dirname "$0")/.." || exit 111
top=$(pwd)
 # The peers, from Debian, when we may install them; a peer that is still
 # missing shows as n/a with the reason.
. ./tools/packages.sh
(need_packages $BENCH_PACKAGES) || echo "bench.sh: warning: could not install some of: $BENCH_PACKAGES" >&2

if test "${BENCH_QUICK:-0}" = 1 ; then
  rounds=${BENCH_ROUNDS:-1} ; srounds=${BENCH_SCALE_ROUNDS:-1} ; mib=${BENCH_MIB:-8}
  trips=${BENCH_TRIPS:-200} ; starts=${BENCH_STARTS:-50} ; pairs=${BENCH_PAIRS:-20}
  vmib=${BENCH_VIEWER_MIB:-1}
else
  rounds=${BENCH_ROUNDS:-5} ; srounds=${BENCH_SCALE_ROUNDS:-5} ; mib=${BENCH_MIB:-64}
  trips=${BENCH_TRIPS:-2000} ; starts=${BENCH_STARTS:-500} ; pairs=${BENCH_PAIRS:-500}
  vmib=${BENCH_VIEWER_MIB:-8}
fi
rows=${BENCH_ROWS:-"floor ptysplit ptyattach headless dtach script tmux screen"}
builds=${BENCH_BUILDS-"glibc-dynamic glibc-static musl-static"}

 # build_variant B: ptyexec, ptyhead and the floor relay of build B in
 # build-bench/B; its log in build-bench/B.log.
build_variant () {
  v=$top/build-bench/$1
  case $1 in
    glibc-dynamic) set -- --disable-static-libc ;;
    glibc-static) set -- --enable-static-libc ;;
    musl-static)
      stack=$top/build-vendor/musl/stack
      PTYSPLIT_STACK_ONLY=1 ./tools/vendor-build.sh musl "$top/build-vendor/musl" || return 1
      set -- CC=musl-gcc --with-sysdeps="$stack/lib/skalibs/sysdeps" --with-include="$stack/include" --with-lib="$stack/lib" --enable-static-libc ;;
    *) echo "unknown build" ; return 1 ;;
  esac
  rm -rf "$v" && ./tools/copy-tree.sh "$v" && (cd "$v" && ./configure "$@" && make -j2 ptyexec ptyhead ptysplit-bench-floor)
}
for b in $builds ; do
  echo "bench.sh: building ptysplit@$b in build-bench/$b" >&2
  mkdir -p build-bench
  build_variant "$b" > "build-bench/$b.log" 2>&1 || echo "bench.sh: warning: the $b build failed: see build-bench/$b.log" >&2
  rows="$rows floor@$b ptysplit@$b"
done
perstart=$(( (starts + rounds - 1) / rounds ))

for b in ptyhead ptyexec ptyattach ptysplit-bench ptysplit-bench-floor ptysplit-bench-prog ; do
  test -x "./$b" || { echo "bench.sh: ./$b is missing: run make bench" >&2 ; exit 100 ; }
done

T=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/ptysplit-bench-run.XXXXXX") || exit 111
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
results=$T/results
: > "$results"

 # The same text for every head: printable lines of 80 bytes.
yes 'The quick brown fox jumps over the lazy dog; 0123456789 ABCDEFGHIJKLMNOPQRSTUV.' \
  | head -c $((mib * 1048576)) > "$T/text" || exit 111
head -c $((vmib * 1048576)) "$T/text" > "$T/vtext" || exit 111
 # No status line and no start-up message: nothing but the program on screen.
echo 'set -g status off' > "$T/tmux.conf"
printf 'startup_message off\nvbell off\n' > "$T/screenrc"
export TERM=xterm

 # Why a head cannot be run at all; empty if it can.
unavailable () {
  case $1 in
    floor|ptysplit|ptyattach|headless) ;;
    *@*) test -x "$top/build-bench/${1#*@}/ptyhead" && test -x "$top/build-bench/${1#*@}/ptysplit-bench-floor" \
           || echo "the ${1#*@} build failed (build-bench/${1#*@}.log)" ;;
    script) command -v script > /dev/null || echo "script(1) is not installed" ;;
    *) command -v "$1" > /dev/null || echo "$1 is not installed" ;;
  esac
}

 # The driver's arguments for one head and one measure, in "$@".
 # Commands are split on spaces by the driver, not by a shell. In tput,
 # a head that passes the stream on to its terminal (-D) is timed until
 # it has written the last byte, not only until the program wrote it.
args () {
  row=$1 ; what=$2
  null= ; test "$what" = tput && null="-o null -D"
  b=$top ; case $row in *@*) b=$top/build-bench/${row#*@} ;; esac
  case $row in
    floor|floor@*)
      case $what in
        start) set -- -c "$b/ptysplit-bench-floor true" - ;;
        *) set -- $null "$b/ptysplit-bench-floor @PROG@" ;;
      esac ;;
    ptysplit|ptysplit@*)
      case $what in
        start) set -- -W @DIR@/sock -c "$b/ptyexec @DIR@/sock true" "$b/ptyhead @DIR@/sock" ;;
        *) set -- $null -b "$b/ptyexec -t 10000 @DIR@/p@N@ @PROG@" "$b/ptyhead -1 @DIR@/p@N@" ;;
      esac ;;
     # A headless head as its own service, the program under ptyexec,
     # ptyattach on the terminal: -a asks the head how many bytes it
     # dropped for its viewers, and how many are attached.
    ptyattach)
      test "$what" = viewers && null="-o null"
      set -- $null -a "$b/ptyattach -s @DIR@/h" -b "$b/ptyhead -H -1 @DIR@/h" -b "$b/ptyexec -t 10000 @DIR@/h @PROG@" -w @DIR@/h "$b/ptyattach -E @DIR@/h" ;;
     # The same with no viewer: the program goes at once.
    headless)
      set -- -o null -g -b "$b/ptyhead -H -1 @DIR@/h" -b "$b/ptyexec -t 10000 @DIR@/h @PROG@" -w @DIR@/h - ;;
    dtach)
      case $what in
        start) set -- -c "dtach -N @DIR@/d -E true" - ;;
        *) set -- $null -b "dtach -N @DIR@/d@N@ -E -r none @PROG@" -w @DIR@/d@N@ "dtach -a @DIR@/d@N@ -E -r none" ;;
      esac ;;
    script)
      case $what in
        start) set -- -c "script -qfc true /dev/null" - ;;
        *) set -- $null "script -qfc '@PROG@' /dev/null" ;;
      esac ;;
    tmux)
       # tmux draws on its terminal: its stdout cannot be /dev/null.
      case $what in
        start) set -- -s "tmux -S @DIR@/tmux -f $T/tmux.conf new-session -d -s keep sleep 3600" -c "tmux -S @DIR@/tmux new-session -d true" - ;;
        *) set -- -s "tmux -S @DIR@/tmux -f $T/tmux.conf new-session -d -s b@N@ -x 80 -y 24 @PROG@" "tmux -S @DIR@/tmux attach -t b@N@" ;;
      esac ;;
    screen)
       # screen's server writes to the attacher's terminal itself.
      case $what in
        start) set -- -c "screen -D -m -c $T/screenrc true" - ;;
        *) set -- -b "screen -D -m -S b@N@ -c $T/screenrc @PROG@" -w "@DIR@/screen/@BGPID@.b@N@" "screen -c $T/screenrc -r @BGPID@.b@N@" ;;
      esac ;;
  esac
  for a ; do printf '%s\n' "$a" ; done
}

 # One trial: appends "row what round key=value..." or "row what round FAIL why".
 # v8 and v100: the driver's viewers mode with that many viewers.
trial () {
  row=$1 ; what=$2 ; round=$3 ; mode=$2
  why=$(unavailable "$row")
  if test -n "$why" ; then
    echo "$row $what $round NA $why" >> "$results"
    return
  fi
  case $what in
    tput) n="-f $T/text" ; limit=180 ;;
    rtt) n="-n $trips" ; limit=180 ;;
    start) n="-n $perstart" ; limit=300 ;;
    scale) n="-n $pairs" ; limit=300 ;;
    v*) n="-n ${what#v} -f $T/vtext" ; limit=300 ; mode=viewers ;;
  esac
  (args "$row" "$mode") > "$T/args"
  set --
  while IFS= read -r a ; do set -- "$@" "$a" ; done < "$T/args"
  out=$(timeout -k 5 $limit ./ptysplit-bench "$mode" -d "$T" -T $((limit - 10)) $n "$@" 2> "$T/err")
  rc=$?
  if test $rc -eq 0 ; then
    echo "$row $what $round $out" >> "$results"
  else
    echo "$row $what $round FAIL rc=$rc: $(tail -n 3 "$T/err" | tr '\n' ' ')" >> "$results"
    echo "  $row $what: failed (rc=$rc): $(tail -n 3 "$T/err" | tr '\n' ' ')" >&2
  fi
}

started=$(date +%s)
load0=$(cut -d ' ' -f 1-3 /proc/loadavg)
echo "ptysplit benchmark: $rounds rounds, $mib MiB, $trips round trips, $starts start-ups, $pairs pairs x $srounds rounds, 8 and 100 viewers of $vmib MiB" >&2
# Round 0 warms every head up and is thrown away: the first run of a
# program after a pause pays for its pages coming back into memory.
r=0
while test $r -le "$rounds" ; do
  for what in tput rtt start ; do
    for row in $rows ; do
      if test $r -eq 0 && test "$what" = start ; then continue ; fi
      case $row:$what in *@*:rtt|headless:rtt|ptyattach:start|headless:start) continue ;; esac
      echo "  round $r/$rounds: $what $row" >&2
      trial "$row" "$what" "$r"
    done
  done
  r=$((r + 1))
done
load1=$(cut -d ' ' -f 1-3 /proc/loadavg)
r=1
while test $r -le "$srounds" ; do
  for row in $rows ; do
    case $row in
      *@*|headless) continue ;;
       # One head, many viewers, instead of many heads.
      ptyattach) for what in v8 v100 ; do echo "  scale round $r/$srounds: $row $what" >&2 ; trial "$row" $what "$r" ; done ; continue ;;
    esac
    echo "  scale round $r/$srounds: $row" >&2
    trial "$row" scale "$r"
  done
  r=$((r + 1))
done
elapsed=$(( $(date +%s) - started ))

test -n "$BENCH_RESULTS" && cp "$results" "$BENCH_RESULTS"

 # The machine, the peers' versions, the binaries' sizes.
size_of () { stat -L -c %s "$1" 2>/dev/null || echo 0 ; }
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
machine="$(nproc) CPUs ($cpu), $mem RAM, Linux $(uname -r), $os"
versions="dtach $(dtach --help 2>/dev/null | sed -n 's/^dtach - version //p' | head -n 1), $(script --version 2>/dev/null | sed 's/.*util-linux/util-linux/'), $(tmux -V 2>/dev/null), screen $(screen -v 2>/dev/null | awk '{ print $3 }')"
sizes="floor=$(size_of ptysplit-bench-floor) ptysplit=$(( $(size_of ptyhead) + $(size_of ptyexec) )) ptyhead=$(size_of ptyhead) ptyexec=$(size_of ptyexec)"
for p in dtach script tmux screen ; do
  sizes="$sizes $p=$(size_of "$(command -v $p)")"
done
for b in $builds ; do
  v=build-bench/$b
  sizes="$sizes floor@$b=$(size_of $v/ptysplit-bench-floor) ptysplit@$b=$(( $(size_of $v/ptyhead) + $(size_of $v/ptyexec) ))"
done

awk -v rows="$rows" -v sizes="$sizes" -v html="${BENCH_HTML:-}" -v machine="$machine" \
    -v versions="$versions" -v elapsed="$elapsed" -v rounds="$rounds" -v srounds="$srounds" \
    -v mib="$mib" -v trips="$trips" -v starts="$starts" -v pairs="$pairs" -v load="$load0 at the start, $load1 before the scale rounds" -f - "$results" <<'EOF'
function median(key,    n, i, j, t, a) {
  n = split(vals[key], a, " ")
  if (n == 0) return ""
  for (i = 2 ; i <= n ; i++) { t = a[i] ; for (j = i - 1 ; j >= 1 && a[j] + 0 > t + 0 ; j--) a[j+1] = a[j] ; a[j+1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n/2] + a[n/2 + 1]) / 2
}
function add(row, what, v) { vals[row SUBSEP what] = vals[row SUBSEP what] " " v ; per[row SUBSEP what SUBSEP round] = v ; seen[round] = 1 }
function get(row, what) { return median(row SUBSEP what) }
function maxv(key,    n, i, m, a) {
  n = split(vals[key], a, " ")
  if (n == 0) return ""
  m = a[1] ; for (i = 2 ; i <= n ; i++) if (a[i] + 0 > m + 0) m = a[i]
  return m
}
# What the table calls a row.
function label(row) { return row == "ptyattach" ? "ptysplit via ptyattach" : row == "headless" ? "ptysplit -H, no viewer" : row }
function na(row, what) { return (row SUBSEP what) in why ? why[row SUBSEP what] : "" }
# The median of the per-round ratios: a head and the floor of the same
# round ran minutes apart at most, so a drift of the machine cancels out.
function ratiov(row, what,    r, k, f, key) {
  key = "ratio" SUBSEP row SUBSEP what
  if (!(key in vals)) for (r in seen) {
    k = row SUBSEP what SUBSEP r ; f = floorof(row) SUBSEP what SUBSEP r
    if ((k in per) && (f in per) && per[f] > 0) vals[key] = vals[key] " " per[k] / per[f]
  }
  return median(key)
}
# Each build's rows compare with the floor relay built the same way.
function floorof(row) { return index(row, "@") ? "floor" substr(row, index(row, "@")) : "floor" }
function ratio(row, what,    q) {
  q = ratiov(row, what)
  return q == "" ? "" : sprintf("%.2fx", q)
}
function cell(row, what, fmt,    v) {
  v = get(row, what)
  if (v == "") return "n/a"
  return sprintf(fmt, v)
}
$3 == 0 { next }
{
  row = $1 ; what = $2 ; round = $3
  if ($4 == "NA" || $4 == "FAIL") {
    msg = $0 ; sub(/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", msg)
    why[row SUBSEP what] = ($4 == "NA" ? "" : "failed: ") msg
    next
  }
  delete kv
  for (i = 4 ; i <= NF ; i++) { split($i, p, "=") ; kv[p[1]] = p[2] }
  if (what == "tput") {
    # With -D, what the head wrote on: a viewer that lost bytes did not get them.
    got = ("out_bytes" in kv) && kv["out_bytes"] < kv["bytes"] ? kv["out_bytes"] : kv["bytes"]
    add(row, "mbps", got * 1000 / kv["ns"])
    if ("dropped" in kv) add(row, "lost", kv["dropped"])
    add(row, "cpu", kv["cpu_ns"] / 1e6)
    add(row, "hwm", kv["hwm_kb"])
    add(row, "nheads", kv["heads"])
  } else if (what == "rtt") {
    add(row, "p50", kv["p50_ns"] / 1000)
    add(row, "p99", kv["p99_ns"] / 1000)
  } else if (what == "start") {
    if (kv["fails"] > 0) add(row, "sfails", kv["fails"])
    else add(row, "start", (kv["cmd_ns"] - kv["true_ns"]) / 1000)
  } else if (what ~ /^v[0-9]+$/) {
    add(row, what "n", kv["viewers"])
    add(row, what "got", kv["got"])
    add(row, what "short", kv["viewers"] - kv["got"])
    add(row, what "full", kv["full"])
    add(row, what "lost", kv["dropped"])
    add(row, what "ms", kv["ns"] / 1e6)
    add(row, what "cpu", kv["head_cpu_ns"] / 1e6)
    add(row, what "hwm", kv["head_hwm_kb"])
    add(row, what "vhwm", kv["viewer_hwm_kb"])
  } else if (what == "scale") {
    add(row, "answered", kv["answered"])
    add(row, "pairs", kv["pairs"])
    add(row, "slowest", kv["slowest_ns"] / 1e6)
    add(row, "hpss", kv["heads_pss_kb"] / 1024)
    add(row, "drop", kv["memavail_drop_kb"] / 1024)
  }
}
END {
  n = split(rows, R, " ")
  split(sizes, S, " ")
  for (i in S) { split(S[i], p, "=") ; size[p[1]] = p[2] }
  metric["mbps"] = "tput" ; metric["cpu"] = "tput" ; metric["hwm"] = "tput"
  metric["p50"] = "rtt" ; metric["p99"] = "rtt" ; metric["start"] = "start"
  metric["slowest"] = "scale" ; metric["hpss"] = "scale" ; metric["drop"] = "scale"
  metric["v8hwm"] = "v8" ; metric["v100hwm"] = "v100"

  printf "\nMachine: %s\nPeers: %s\nLoad average: %s\n", machine, versions, load
  printf "Medians of %d rounds (scale: %d); ratios: medians of the per-round ratios to the floor.\n%d MiB stream, %d round trips, %d start-ups, %d pairs; took %d s.\n\n", rounds, srounds, mib, trips, starts, pairs, elapsed
  hdr = sprintf("%-22s %17s %17s %15s %9s %10s %9s %9s", "head", "throughput MB/s", "head CPU ms", "RTT p50 us", "p99 us", "start us", "RSS kB", "size B")
  print hdr
  for (i = 1 ; i <= n ; i++) {
    r = R[i]
    line = sprintf("%-22s", label(r))
    line = line sprintf(" %17s", cellr(r, "mbps", "%.0f"))
    line = line sprintf(" %17s", cellr(r, "cpu", "%.0f"))
    line = line sprintf(" %15s", cellr(r, "p50", "%.1f"))
    line = line sprintf(" %9s", cell(r, "p99", "%.1f"))
    line = line sprintf(" %10s", cell(r, "start", "%.0f"))
    line = line sprintf(" %9s", cell(r, "hwm", "%.0f"))
    line = line sprintf(" %9s", size[r] ? size[r] : "n/a")
    print line
  }
  printf "\n%-22s %14s %14s %16s %18s\n", "head", "answered", "slowest ms", "heads PSS MiB", "MemAvailable -MiB"
  for (i = 1 ; i <= n ; i++) {
    r = R[i]
    a = get(r, "answered")
    if (r ~ /@/ || r == "ptyattach" || r == "headless") continue
    printf "%-22s %14s %14s %16s %18s\n", r, a == "" ? "n/a" : sprintf("%d/%d", a, get(r, "pairs")), cell(r, "slowest", "%.1f"), cell(r, "hpss", "%.1f"), cell(r, "drop", "%.0f")
  }
  printed = 0
  for (i = 1 ; i <= n ; i++) for (m in metric) {
    k = R[i] SUBSEP metric[m]
    if ((k in why) && !(k in shown)) {
      if (!printed) { print "\nNot measured:" ; printed = 1 }
      printf "  %s %s: %s\n", R[i], metric[m], why[k] ; shown[k] = 1
    }
  }
  for (i = 1 ; i <= n ; i++) if (get(R[i], "sfails") != "") printf "  %s start: runs failed (median %s per round)\n", R[i], get(R[i], "sfails")
  if (get("ptyattach", "lost") != "") printf "\nptysplit via ptyattach: bytes the head dropped for its viewer in the stream: median %d, at most %d (of %d MiB).\n", get("ptyattach", "lost"), maxv("ptyattach" SUBSEP "lost"), mib

  # One headless head, many viewers.
  if (index(" " rows " ", " ptyattach ")) {
    printf "\n%-22s %8s %10s %10s %14s %10s %11s %13s %15s\n", "ptyhead -H with", "viewers", "got output", "got it all", "bytes dropped", "stream ms", "head CPU ms", "head RSS kB", "a viewer's kB"
    for (v = 8 ; v <= 100 ; v += 92) {
      w = "v" v
      printf "%-22s %8s %10s %10s %14s %10s %11s %13s %15s\n", v " viewers", cell("ptyattach", w "n", "%d"), cell("ptyattach", w "got", "%d"), cell("ptyattach", w "full", "%d"), cell("ptyattach", w "lost", "%d"), cell("ptyattach", w "ms", "%.0f"), cell("ptyattach", w "cpu", "%.0f"), cell("ptyattach", w "hwm", "%.0f"), cell("ptyattach", w "vhwm", "%.0f")
    }
  }

  # The targets, for ptysplit.
  print "\nTargets (ptysplit):"
  target("head CPU <= 1.10x floor", ratiov("ptysplit", "cpu") != "" && ratiov("ptysplit", "cpu") <= 1.10, ratio("ptysplit", "cpu"))
  target("RTT p50 <= 1.05x floor", ratiov("ptysplit", "p50") != "" && ratiov("ptysplit", "p50") <= 1.05, ratio("ptysplit", "p50"))
  target("throughput >= 0.90x floor", ratiov("ptysplit", "mbps") != "" && ratiov("ptysplit", "mbps") >= 0.90, ratio("ptysplit", "mbps"))
  target("ptyexec start-up overhead <= 500 us", get("ptysplit", "start") != "" && get("ptysplit", "start") <= 500, cell("ptysplit", "start", "%.0f us"))
  target("ptyhead peak RSS <= 1300 kB", get("ptysplit", "hwm") != "" && get("ptysplit", "hwm") <= 1300, get("ptysplit", "hwm") " kB")
  target("all pairs answered", get("ptysplit", "answered") != "" && get("ptysplit", "answered") == get("ptysplit", "pairs") && get("ptysplit", "pairs") == pairs, get("ptysplit", "answered") "/" pairs)
  if (index(" " rows " ", " ptyattach ") || index(" " rows " ", " headless ")) {
    print "\nTargets (ptysplit via ptyattach, ptyhead -H):"
    target("via ptyattach: RTT p50 <= 1.25x floor", ratiov("ptyattach", "p50") != "" && ratiov("ptyattach", "p50") <= 1.25, ratio("ptyattach", "p50") (ratio("dtach", "p50") == "" ? "" : " (dtach " ratio("dtach", "p50") ")"))
    target("via ptyattach: throughput >= 0.90x floor", ratiov("ptyattach", "mbps") != "" && ratiov("ptyattach", "mbps") >= 0.90, ratio("ptyattach", "mbps") (ratio("dtach", "mbps") == "" ? "" : " (dtach " ratio("dtach", "mbps") ")"))
    lost = get("ptyattach", "lost")
    target("via ptyattach: bytes the viewer lost", -1, lost == "" ? "n/a" : sprintf("median %d of %d (%.1f%%), at most %d", lost, mib * 1048576, lost * 100 / (mib * 1048576), maxv("ptyattach" SUBSEP "lost")))
    target("headless drain CPU <= 1.10x floor", ratiov("headless", "cpu") != "" && ratiov("headless", "cpu") <= 1.10, ratio("headless", "cpu"))
    target("head peak RSS with 8 viewers", -1, cell("ptyattach", "v8hwm", "%.0f kB"))
    target("head peak RSS with 100 viewers", -1, cell("ptyattach", "v100hwm", "%.0f kB"))
    target("100 viewers all got output, every round", maxv("ptyattach" SUBSEP "v100short") == "0", cell("ptyattach", "v100got", "%d") "/100")
  }

  if (html != "") write_html()
}
function cellr(row, m, fmt,    v, q) {
  v = get(row, m)
  if (v == "") return "n/a"
  q = ratio(row, m)
  return sprintf(fmt, v) (row ~ /^floor/ || q == "" ? "" : " (" q ")")
}
# ok: 1 holds, 0 missed, -1 a figure reported with no target; a target
# with no figure (its row not run, or failed) is neither: "not run".
function target(name, ok, value) {
  if (ok >= 0 && value !~ /^[0-9]/) { ok = -2 ; value = "no figure: the row was not run, or failed" }
  printf "  %-42s %-8s %s\n", name, ok == -2 ? "not run" : ok < 0 ? "reported" : ok ? "holds" : "MISS", value
  T[++nt] = name ; TOK[nt] = ok ; TV[nt] = value
}
function write_html(    i, r, a) {
  printf "<p> Machine: %s.<br>\nPeers: %s.<br>\nLoad average: %s.<br>\nMedians of %d rounds (scale: %d); %d MiB stream, %d round trips, %d start-ups, %d pairs; the run took %d s. </p>\n", machine, versions, load, rounds, srounds, mib, trips, starts, pairs, elapsed > html
  print "<table>" > html
  print " <tr><th>head</th><th>throughput MB/s</th><th>× floor</th><th>head CPU ms</th><th>× floor</th><th>RTT p50 µs</th><th>× floor</th><th>RTT p99 µs</th><th>start-up µs</th><th>peak RSS kB</th><th>size B</th></tr>" > html
  for (i = 1 ; i <= n ; i++) {
    r = R[i]
    printf " <tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", label(r), cell(r, "mbps", "%.0f"), ratio(r, "mbps"), cell(r, "cpu", "%.0f"), ratio(r, "cpu"), cell(r, "p50", "%.1f"), ratio(r, "p50"), cell(r, "p99", "%.1f"), cell(r, "start", "%.0f"), cell(r, "hwm", "%.0f"), size[r] ? size[r] : "n/a" > html
  }
  print "</table>\n<table>" > html
  print " <tr><th>head</th><th>answered</th><th>slowest answer ms</th><th>heads' PSS MiB</th><th>MemAvailable drop MiB</th></tr>" > html
  for (i = 1 ; i <= n ; i++) {
    r = R[i] ; a = get(r, "answered")
    if (r ~ /@/ || r == "ptyattach" || r == "headless") continue
    printf " <tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", r, a == "" ? "n/a" : sprintf("%d/%d", a, get(r, "pairs")), cell(r, "slowest", "%.1f"), cell(r, "hpss", "%.1f"), cell(r, "drop", "%.0f") > html
  }
  print "</table>" > html
  if (index(" " rows " ", " ptyattach ")) {
    print "<table>\n <tr><th>ptyhead -H with</th><th>got output</th><th>got it all</th><th>bytes dropped</th><th>stream ms</th><th>head CPU ms</th><th>head peak RSS kB</th><th>a viewer's peak RSS kB</th></tr>" > html
    for (v = 8 ; v <= 100 ; v += 92) {
      w = "v" v
      printf " <tr><td>%s viewers</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", v, cell("ptyattach", w "got", "%d"), cell("ptyattach", w "full", "%d"), cell("ptyattach", w "lost", "%d"), cell("ptyattach", w "ms", "%.0f"), cell("ptyattach", w "cpu", "%.0f"), cell("ptyattach", w "hwm", "%.0f"), cell("ptyattach", w "vhwm", "%.0f") > html
    }
    print "</table>" > html
  }
  print "<table>\n <tr><th>target</th><th>ptysplit</th><th></th></tr>" > html
  for (i = 1 ; i <= nt ; i++) {
    name = T[i] ; sub(/<=/, "\\&le;", name) ; sub(/>=/, "\\&ge;", name) ; sub(/ us$/, " \\&micro;s", name)
    v = TV[i] ; sub(/ us$/, " \\&micro;s", v)
    printf " <tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", name, v, TOK[i] == -2 ? "not run" : TOK[i] < 0 ? "reported" : TOK[i] ? "holds" : "<strong>missed</strong>" > html
  }
  print "</table>" > html
}
EOF
