/* ISC license. */

 /*
    The benchmark driver: one trial of one head, one line of integers on
    stdout. tools/bench.sh runs it many times, interleaves the heads and
    takes the medians.

      ptysplit-bench tput|rtt|scale|start|viewers [ options ] headcmd

    The driver holds a PTY for each head: the head's stdin (and stdout,
    unless -o null) is that PTY's client end, its controlling terminal,
    so the driver is the head's terminal. The program under every head
    is ptysplit-bench-prog, which also talks to the driver on a FIFO that
    bypasses the heads (see that file).

    Commands are strings split on spaces ('single quotes' group words),
    never given to a shell, so that no sh sits between the driver and a
    head. In them: @DIR@ is the trial's directory, @PROG@ the program
    (ptysplit-bench-prog and its arguments), @N@ the pair's number and, in
    -w only, @BGPID@ the pid of the pair's first -b command.

    viewers: one program and its head (the -b commands, run once), and
    -n pairs whose heads (headcmd) are viewers of that one head, all
    attached before the program starts: the program streams -f file,
    and the driver counts what each viewer wrote (/proc/PID/io wchar).

    Options:
      -d base     the trial's directory is made under base (default /tmp)
      -P path     ptysplit-bench-prog (default ./ptysplit-bench-prog)
      -s cmd      run before anything else, to completion (tmux new-session -d)
      -b cmd      started before the head, in the background (ptyexec, dtach -N);
                  up to 4, started in that order
      -w path     wait for path to exist before starting the head
      -W path     wait for path to exist after starting the head (its socket)
      -o null     the head's stdout is /dev/null (default: the PTY)
      -n count    round trips (rtt), pairs (scale), runs (start)
      -f file     the file the program writes (tput)
      -c cmd      start: the command timed against true
      -a cmd      the head's status (ptyattach -s): viewers runs it until
                  it says "N viewers", N the count of -n, before the
                  program starts; tput and viewers give its "bytes
                  dropped" after the stream (dropped=)
      -D          tput: the head on the terminal passes the stream on:
                  the time runs until it has written all of it, and the
                  bytes it wrote are given (out_bytes)
      -g          the program goes at once, without a G typed: for a
                  headless head, which no terminal types into
      -T secs     deadline for the whole trial (default 300)

    Output, all integers (ns, kB):
      tput:  bytes= ns= cpu_ns= hwm_kb= heads= [ out_bytes= ] [ dropped= ]
      rtt:   n= p50_ns= p99_ns= max_ns=
      scale: pairs= answered= slowest_ns= heads_pss_kb= progs_pss_kb= memavail_drop_kb= heads=
      start: n= true_ns= cmd_ns= fails=
      viewers: dropped= viewers= got= full= min_bytes= bytes= ns= head_cpu_ns= head_hwm_kb= viewer_hwm_kb= heads=

    Subreaper: daemons that a head forks (the tmux server) become our
    children, so their CPU can be read and, whatever happens, every
    process the trial made is killed and reaped before the driver exits;
    SIGTERM, SIGINT, SIGHUP and the -T alarm do the same.
 */

#include <skalibs/nonposix.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <poll.h>
#include <time.h>
#include <dirent.h>
#include <termios.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>

#define USAGE "ptysplit-bench tput|rtt|scale|start|viewers [ -d base ] [ -P prog ] [ -s cmd ] [ -b cmd ] [ -w path ] [ -W path ] [ -o null ] [ -n count ] [ -f file ] [ -c cmd ] [ -a cmd ] [ -D ] [ -g ] [ -T secs ] headcmd|-"
#define dieusage() strerr_dieusage(100, USAGE)

 /* Every death after set-up kills what the trial started. */
#define fail(...) do { show_log() ; cleanup(0) ; strerr_dief(111, __VA_ARGS__) ; } while (0)
#define failsys(...) do { int e_ = errno ; show_log() ; cleanup(0) ; errno = e_ ; strerr_diefusys(111, __VA_ARGS__) ; } while (0)

#define CMD_MAX 4096
#define ARGV_MAX 64
#define PROC_MAX 65536
#define WARMUP 50
#define MS 1000000ULL
#define BG_MAX 4

typedef struct pair_s pair, *pair_ref ;
struct pair_s
{
  int m ;                    /* the PTY whose client end is the head's terminal */
  int s ;
  pid_t bg ;
  pid_t head ;
  pid_t prog ;               /* from the program's "s" line */
  unsigned int esc ;         /* escape-sequence filter state */
  unsigned int ready : 1 ;   /* the program is running */
  unsigned int cued : 1 ;    /* echo: the # came back */
  unsigned int answered : 1 ;
  unsigned int gone : 1 ;    /* the terminal hung up: no head holds it */
  uint64_t lastgo ;
  size_t taillen ;
  char tail[256] ;           /* the last output, for the error message */
  uint64_t sent ;
  uint64_t took ;
} ;

typedef struct options_s options, *options_ref ;
struct options_s
{
  char const *base ;
  char const *prog ;
  char const *setup ;
  char const *bg[BG_MAX] ;
  unsigned int nbg ;
  char const *waitpath ;
  char const *waitafter ;
  char const *file ;
  char const *cmd ;
  char const *attached ;
  unsigned int nullout : 1 ;
  unsigned int delivered : 1 ;
  unsigned int go : 1 ;
  unsigned int count ;
  unsigned int secs ;
} ;
#define OPTIONS_ZERO { .base = "/tmp", .prog = "./ptysplit-bench-prog", .setup = 0, .bg = { 0 }, .nbg = 0, .waitpath = 0, .waitafter = 0, .file = 0, .cmd = 0, .attached = 0, .nullout = 0, .delivered = 0, .go = 0, .count = 0, .secs = 300 }

static options opt = OPTIONS_ZERO ;
static char const *mode ;
static char const *headcmd ;
static char progpath[CMD_MAX] ;
static char dir[CMD_MAX] ;
static char fifopath[CMD_MAX] ;
static int dirmade = 0 ;
static int fifo = -1 ;
static int logfd = -1 ;
static pair *pairs = 0 ;
static unsigned int npairs = 0 ;
static char fifobuf[8192] ;
static size_t fifolen = 0 ;

static void cleanup (int hard) ;
static void show_log (void) ;


 /* time and processes */

static uint64_t now (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec ;
}

 /* Reads a small /proc file into buf, NUL-terminated: its length or -1. */
static ssize_t proc_read (char const *path, char *buf, size_t max)
{
  ssize_t r ;
  int fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  r = allread(fd, buf, max - 1) ;
  close(fd) ;
  if (r < 0) return -1 ;
  buf[r] = 0 ;
  return r ;
}

 /* ppid from /proc/pid/stat: the field after the state, after the last ')'. */
static pid_t ppid_of (pid_t pid)
{
  char path[64] = "/proc/" ;
  char buf[1024] ;
  char *p ;
  uint64_t pp ;
  path[6 + pid_fmt(path + 6, pid)] = 0 ;
  strcat(path, "/stat") ;
  if (proc_read(path, buf, sizeof(buf)) < 0) return -1 ;
  p = strrchr(buf, ')') ;
  if (!p || !p[1] || !p[2] || !p[3]) return -1 ;
  if (!uint64_scan(p + 4, &pp)) return -1 ;
  return (pid_t)pp ;
}

 /* Every live descendant of ours, in out; only syscalls and plain code,
    so that the signal handler can use it too. */
static unsigned int descendants (pid_t *out, unsigned int max)
{
  static pid_t pid[PROC_MAX], pp[PROC_MAX] ;
  unsigned int n = 0, nout = 0, i ;
  char buf[8192] ;
  int changed = 1 ;
  pid_t self = getpid() ;
  int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  for (;;)
  {
    ssize_t r = getdents64(fd, buf, sizeof(buf)) ;
    ssize_t off = 0 ;
    if (r <= 0) break ;
    while (off < r && n < PROC_MAX)
    {
      struct dirent64 *d = (struct dirent64 *)(buf + off) ;
      uint64_t u ;
      off += d->d_reclen ;
      if (d->d_name[0] < '1' || d->d_name[0] > '9' || !uint64_scan(d->d_name, &u)) continue ;
      pid[n] = (pid_t)u ;
      pp[n] = ppid_of(pid[n]) ;
      if (pp[n] > 0) n++ ;
    }
  }
  close(fd) ;
   /* Closure: a process is ours if its parent is us or ours. */
  while (changed)
  {
    changed = 0 ;
    for (i = 0 ; i < n ; i++)
    {
      unsigned int j = 0 ;
      int ours = pp[i] == self ;
      if (pid[i] <= 0) continue ;
      for (; !ours && j < nout ; j++) if (out[j] == pp[i]) ours = 1 ;
      if (ours && nout < max)
      {
        out[nout++] = pid[i] ;
        pid[i] = 0 ;
        changed = 1 ;
      }
    }
  }
  return nout ;
}

 /* CPU time (user + system, all threads) of a live process, in ns. */
static uint64_t cpu_of (pid_t pid)
{
  clockid_t id ;
  struct timespec ts ;
  if (clock_getcpuclockid(pid, &id) || clock_gettime(id, &ts) < 0) return 0 ;
  return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec ;
}

 /* A "Key:   N kB" line from a /proc file, or 0. */
static uint64_t proc_kb (pid_t pid, char const *file, char const *key)
{
  char path[64] = "/proc/" ;
  char buf[4096] ;
  char *p ;
  uint64_t kb = 0 ;
  if (pid) { path[6 + pid_fmt(path + 6, pid)] = 0 ; strcat(path, "/") ; }
  strcat(path, file) ;
  if (proc_read(path, buf, sizeof(buf)) < 0) return 0 ;
  p = strstr(buf, key) ;
  if (!p) return 0 ;
  p += strlen(key) ;
  while (*p == ' ' || *p == '\t') p++ ;
  uint64_scan(p, &kb) ;
  return kb ;
}

static int is_prog (pid_t pid)
{
  unsigned int i = 0 ;
  for (; i < npairs ; i++) if (pairs[i].prog == pid) return 1 ;
  return 0 ;
}

 /* The heads: every descendant that is not one of the programs. */
static unsigned int heads (pid_t *out, unsigned int max)
{
  unsigned int n = descendants(out, max), i = 0, j = 0 ;
  for (; i < n ; i++) if (!is_prog(out[i])) out[j++] = out[i] ;
  return j ;
}

static unsigned int fd_count (pid_t pid)
{
  char path[64] = "/proc/" ;
  char buf[4096] ;
  unsigned int n = 0 ;
  int fd ;
  path[6 + pid_fmt(path + 6, pid)] = 0 ;
  strcat(path, "/fd") ;
  fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  for (;;)
  {
    ssize_t r = getdents64(fd, buf, sizeof(buf)) ;
    ssize_t off = 0 ;
    if (r <= 0) break ;
    while (off < r)
    {
      struct dirent64 *d = (struct dirent64 *)(buf + off) ;
      off += d->d_reclen ;
      if (d->d_name[0] != '.') n++ ;
    }
  }
  close(fd) ;
  return n ;
}


 /* commands */

 /* Copies tmpl into out with the @...@ words replaced. */
static void expand (char const *tmpl, unsigned int i, char *out)
{
  size_t len = 0 ;
  while (*tmpl)
  {
    char num[PID_FMT] ;
    char prog[CMD_MAX] ;
    char const *with = 0 ;
    size_t skip = 0, wlen ;
    if (!strncmp(tmpl, "@DIR@", 5)) { with = dir ; skip = 5 ; }
    else if (!strncmp(tmpl, "@PROG@", 6)) { expand(progpath, i, prog) ; with = prog ; skip = 6 ; }
    else if (!strncmp(tmpl, "@N@", 3)) { num[uint_fmt(num, i)] = 0 ; with = num ; skip = 3 ; }
    else if (!strncmp(tmpl, "@BGPID@", 7)) { num[pid_fmt(num, pairs[i].bg)] = 0 ; with = num ; skip = 7 ; }
    if (!with) { with = tmpl ; wlen = 1 ; skip = 1 ; }
    else wlen = strlen(with) ;
    if (len + wlen >= CMD_MAX) fail("command too long: ", tmpl) ;
    memcpy(out + len, with, wlen) ;
    len += wlen ;
    tmpl += skip ;
  }
  out[len] = 0 ;
}

 /* Splits s in place on spaces; 'quotes' make one word. */
static void tokenize (char *s, char const **argv)
{
  unsigned int n = 0 ;
  char *w = s ;
  while (*s)
  {
    char *start ;
    while (*s == ' ') s++ ;
    if (!*s) break ;
    if (n + 1 >= ARGV_MAX) fail("too many words in a command") ;
    start = w ;
    while (*s && *s != ' ')
    {
      if (*s == '\'')
      {
        for (s++ ; *s && *s != '\'' ; ) *w++ = *s++ ;
        if (*s) s++ ;
      }
      else *w++ = *s++ ;
    }
    if (*s) s++ ;
    *w++ = 0 ;
    argv[n++] = start ;
  }
  argv[n] = 0 ;
  if (!n) fail("empty command") ;
}

 /* fork + exec of an expanded command; with ctty, fd0 becomes the
    child's controlling terminal in a session of its own. */
static pid_t spawn (char const *tmpl, unsigned int i, int fd0, int fd1, int ctty)
{
  char buf[CMD_MAX] ;
  char const *argv[ARGV_MAX] ;
  pid_t pid ;
  expand(tmpl, i, buf) ;
  tokenize(buf, argv) ;
  pid = fork() ;
  if (pid < 0) failsys("fork") ;
  if (pid) return pid ;
  if (ctty && (setsid() < 0 || ioctl(fd0, TIOCSCTTY, 0) < 0)) strerr_diefu1sys(111, "make the head's controlling terminal") ;
  if (dup2(fd0, 0) < 0 || dup2(fd1, 1) < 0 || dup2(logfd, 2) < 0) strerr_diefu1sys(111, "dup2") ;
  close_range(3, ~0U, 0) ;
  execvp(argv[0], (char *const *)argv) ;
  strerr_dieexec(errno == ENOENT ? 127 : 126, argv[0]) ;
}

 /* Waits for pid with a deadline: its wait status, or -1. */
static int wait_deadline (pid_t pid, uint64_t ns)
{
  uint64_t end = now() + ns ;
  for (;;)
  {
    int wstat ;
    pid_t r = waitpid(pid, &wstat, WNOHANG) ;
    if (r == pid) return wstat ;
    if (r < 0 || now() > end) return -1 ;
    usleep(200) ;
  }
}


 /* the trial's directory, fifo, log and PTYs */

static void trial_init (void)
{
  char p[CMD_MAX] ;
  size_t len = strlen(opt.base) ;
  if (len + 32 > CMD_MAX) strerr_dief(100, "base directory name too long") ;
  memcpy(dir, opt.base, len) ;
  memcpy(dir + len, "/ptysplit-bench.XXXXXX", 23) ;
  if (!mkdtemp(dir)) strerr_diefu2sys(111, "mkdtemp in ", opt.base) ;
  dirmade = 1 ;
  strcpy(fifopath, dir) ; strcat(fifopath, "/fifo") ;
  if (mkfifo(fifopath, 0600) < 0) failsys("mkfifo ", fifopath) ;
   /* Opened read-write: never blocks, never sees EOF between programs. */
  fifo = open(fifopath, O_RDWR | O_NONBLOCK | O_CLOEXEC) ;
  if (fifo < 0) failsys("open ", fifopath) ;
  strcpy(p, dir) ; strcat(p, "/log") ;
  logfd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) ;
  if (logfd < 0) failsys("open ", p) ;
  strcpy(p, dir) ; strcat(p, "/screen") ;
  if (mkdir(p, 0700) < 0) failsys("mkdir ", p) ;
   /* Peers that keep sockets in a directory keep them in ours. */
  setenv("SCREENDIR", p, 1) ;
  setenv("TMUX_TMPDIR", dir, 1) ;
  unsetenv("TMUX") ;
  unsetenv("STY") ;
}

static void pty_open (pair *p)
{
  char name[64] ;
  struct winsize ws = { .ws_row = 24, .ws_col = 80 } ;
  p->m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (p->m < 0) failsys("posix_openpt") ;
  if (grantpt(p->m) < 0 || unlockpt(p->m) < 0 || ptsname_r(p->m, name, sizeof(name))) failsys("unlock a pty") ;
  p->s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (p->s < 0) failsys("open ", name) ;
  ioctl(p->m, TIOCSWINSZ, &ws) ;
  ndelay_on(p->m) ;
}

/* 1 if path is there and, if it is a socket, someone listens on it:
    a server binds before it listens (dtach -N), and a client coming in
    between is refused. */
static int path_ready (char const *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX } ;
  struct stat st ;
  int fd, r ;
  if (stat(path, &st) < 0) return 0 ;
  if (!S_ISSOCK(st.st_mode)) return 1 ;
  if (strlen(path) >= sizeof(sa.sun_path)) return 1 ;
  strcpy(sa.sun_path, path) ;
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) ;
  if (fd < 0) return 1 ;
  r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ;
  close(fd) ;
  return !r ;
}

static void wait_path (char const *tmpl, unsigned int i)
{
  char path[CMD_MAX] ;
  uint64_t end = now() + 10000 * MS ;
  expand(tmpl, i, path) ;
  while (!path_ready(path))
  {
    if (now() > end) fail("timed out waiting for ", path) ;
    usleep(500) ;
  }
}

 /* Set-up, background command, head: for every pair, in that order. */
static void start_pairs (void)
{
  unsigned int i ;
  int null = open("/dev/null", O_RDWR | O_CLOEXEC) ;
  if (null < 0) failsys("open /dev/null") ;
  for (i = 0 ; i < npairs ; i++) pty_open(pairs + i) ;
  if (opt.setup) for (i = 0 ; i < npairs ; i++)
  {
    int wstat = wait_deadline(spawn(opt.setup, i, null, null, 0), 10000 * MS) ;
    if (wstat < 0 || !WIFEXITED(wstat) || WEXITSTATUS(wstat)) fail("set-up command failed: ", opt.setup) ;
  }
   /* viewers: one program and one head for all the pairs */
  for (i = 0 ; i < (strcmp(mode, "viewers") ? npairs : 1) ; i++)
  {
    unsigned int j = 0 ;
    for (; j < opt.nbg ; j++)
    {
      pid_t pid = spawn(opt.bg[j], i, null, null, 0) ;
      if (!j) pairs[i].bg = pid ;
    }
  }
  for (i = 0 ; i < npairs ; i++)
  {
    if (opt.waitpath) wait_path(opt.waitpath, i) ;
    if (strcmp(headcmd, "-")) pairs[i].head = spawn(headcmd, i, pairs[i].s, opt.nullout ? null : pairs[i].s, 1) ;
  }
  if (opt.waitafter) for (i = 0 ; i < npairs ; i++) wait_path(opt.waitafter, i) ;
  close(null) ;
  if (strcmp(mode, "start")) for (i = 0 ; i < npairs ; i++) { close(pairs[i].s) ; pairs[i].s = -1 ; }
}


 /* reading the heads' output and the fifo */

 /* Feeds terminal output through an escape-sequence skipper; 1 if the
    byte want shows up as text. tmux and screen redraw with sequences
    whose final bytes are letters, which must not count as an echo. */
static int scan_output (pair *p, char const *s, size_t len, char want)
{
  int seen = 0 ;
  for (; len ; s++, len--)
  {
    unsigned char c = *s ;
    switch (p->esc)
    {
      case 0 : if (c == 27) p->esc = 1 ; else if (c == (unsigned char)want) seen = 1 ; break ;
      case 1 : p->esc = c == '[' ? 2 : c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X' ? 3 : c == '(' || c == ')' || c == '*' || c == '+' || c == '#' ? 4 : 0 ; break ;
      case 2 : if (c >= 0x40 && c <= 0x7e) p->esc = 0 ; break ;
      case 3 : if (c == 7) p->esc = 0 ; else if (c == 27) p->esc = 5 ; break ;
      case 4 : p->esc = 0 ; break ;
      case 5 : p->esc = c == '\\' ? 0 : 3 ; break ;
    }
  }
  return seen ;
}

 /* The end of a head's output, printable, to say why a pair failed. */
static void keep_tail (pair *p, char const *s, size_t len)
{
  size_t n = sizeof(p->tail) ;
  if (len >= n) { s += len - n ; len = n ; }
  if (p->taillen + len > n)
  {
    size_t drop = p->taillen + len - n ;
    memmove(p->tail, p->tail + drop, p->taillen - drop) ;
    p->taillen -= drop ;
  }
  for (; len-- ; s++) p->tail[p->taillen++] = *s >= 32 && *s < 127 ? *s : '.' ;
}

 /* Reads what is there on p's PTY: 1 if want was seen. */
static int drain (pair *p, char want)
{
  static char buf[65536] ;
  int seen = 0 ;
  for (;;)
  {
    ssize_t r = read(p->m, buf, sizeof(buf)) ;
    if (r < 0 && errno == EIO) p->gone = 1 ;
    if (r <= 0) return seen ;
    keep_tail(p, buf, r) ;
    if (want && scan_output(p, buf, r, want)) seen = 1 ;
  }
}

 /* Handles the complete lines on the fifo: "s id pid" and "d id". */
static unsigned int fifo_lines (int *done)
{
  unsigned int nready = 0 ;
  ssize_t r = read(fifo, fifobuf + fifolen, sizeof(fifobuf) - fifolen) ;
  char *nl ;
  if (r > 0) fifolen += r ;
  while ((nl = memchr(fifobuf, '\n', fifolen)))
  {
    unsigned int id ;
    size_t len = nl + 1 - fifobuf ;
    *nl = 0 ;
    if (fifobuf[0] == 'd') *done = 1 ;
    else if (fifobuf[0] == 's' && fifobuf[1] == ' ')
    {
      size_t pos = uint_scan(fifobuf + 2, &id) ;
      uint64_t pid ;
      if (pos && id < npairs && uint64_scan(fifobuf + 3 + pos, &pid) && !pairs[id].ready)
      {
        pairs[id].prog = (pid_t)pid ;
        pairs[id].ready = 1 ;
        nready++ ;
      }
    }
    memmove(fifobuf, fifobuf + len, fifolen - len) ;
    fifolen -= len ;
  }
  return nready ;
}

 /* Polls every PTY and the fifo for at most ms. */
static void pause_ms (int ms)
{
  static struct pollfd *x = 0 ;
  unsigned int i ;
  if (!x)
  {
    x = malloc((npairs + 1) * sizeof(struct pollfd)) ;
    if (!x) fail("out of memory") ;
  }
  x[0].fd = fifo ; x[0].events = POLLIN ;
  for (i = 0 ; i < npairs ; i++) { x[i+1].fd = pairs[i].gone ? -1 : pairs[i].m ; x[i+1].events = POLLIN ; }
  poll(x, npairs + 1, ms) ;
}

 static void pair_fail (unsigned int i, char const *why)
{
  char fmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, i)] = 0 ;
  pairs[i].tail[pairs[i].taillen < sizeof(pairs[i].tail) ? pairs[i].taillen : sizeof(pairs[i].tail) - 1] = 0 ;
  fail("pair ", fmt, ": ", why, "; the end of its terminal's output: \"", pairs[i].tail, "\"") ;
}

 /* Types G into every head until every program says it runs; with
    echo, also waits for each R. The head's own start-up is not timed. */
static void wait_ready (int echo)
{
  uint64_t end = now() + (30000 + 100 * (uint64_t)npairs) * MS ;
  unsigned int nready = 0, ncued = 0, i ;
  int done = 0 ;
  while (nready < npairs || (echo && ncued < npairs))
  {
    uint64_t t = now() ;
    if (t > end)
    {
      for (i = 0 ; i < npairs ; i++) if (!pairs[i].ready || (echo && !pairs[i].cued))
        pair_fail(i, pairs[i].ready ? "timed out waiting for the program's #" : "timed out waiting for the program to start") ;
    }
    for (i = 0 ; i < npairs ; i++)
    {
      pair *p = pairs + i ;
      if (!p->ready && t - p->lastgo > 100 * MS) { fd_write(p->m, "G", 1) ; p->lastgo = t ; }
       /* The cue is looked for even before the "s" line is read: under
          load, it can come first. It is a # because nothing else written
          before it has one: not a head's "waiting for a program on PATH"
          line, whose PATH, made by mkdtemp, may hold any letter (an R cue
          was once found there, and the first key was typed too early). */
      if (drain(p, p->cued ? 0 : '#') && !p->cued) { p->cued = 1 ; ncued++ ; }
      if (p->gone && !p->cued && p->head) pair_fail(i, "its head exited before the program was seen running") ;
    }
    nready += fifo_lines(&done) ;
    pause_ms(10) ;
  }
}


 /* the measures */

 /* Runs cmd to completion with its output in buf, NUL-terminated. */
static void capture (char const *cmd, char *buf, size_t max)
{
  int p[2] ;
  size_t len ;
  pid_t pid ;
  if (pipe2(p, O_CLOEXEC) < 0) failsys("pipe") ;
  pid = spawn(cmd, 0, p[0], p[1], 0) ;
  close(p[1]) ;
  len = allread(p[0], buf, max - 1) ;
  buf[len] = 0 ;
  close(p[0]) ;
  if (waitpid(pid, 0, 0) < 0) failsys("waitpid") ;
}

 /* Bytes a process has written, to every fd, since it started. */
static uint64_t written (pid_t pid)
{
  return proc_kb(pid, "io", "wchar:") ;
}

 /* When pid had written want bytes in all, or when it last wrote if it
    stopped short (for 300 ms: it lost the rest); t at the earliest. */
static uint64_t delivery_end (pid_t pid, uint64_t want, uint64_t t)
{
  uint64_t last = written(pid), lastt = t ;
  for (;;)
  {
    uint64_t w = written(pid), tn = now() ;
    if (w >= want) return tn ;
    if (w != last) { last = w ; lastt = tn ; }
    else if (tn - lastt > 300 * MS) return lastt ;
    usleep(1000) ;
  }
}

 /* The number before " bytes dropped" in the output of -a cmd (the
    head's status), or -1 without -a. */
static int64_t head_dropped (void)
{
  char out[1024] ;
  char *p ;
  uint64_t n = 0 ;
  if (!opt.attached) return -1 ;
  capture(opt.attached, out, sizeof(out)) ;
  p = strstr(out, " bytes dropped") ;
  if (!p) fail("no bytes dropped in the head's status: ", out) ;
  while (p > out && p[-1] >= '0' && p[-1] <= '9') p-- ;
  uint64_scan(p, &n) ;
  return n ;
}

static void put (char const *key, uint64_t v)
{
  char fmt[UINT64_FMT] ;
  fmt[uint64_fmt(fmt, v)] = 0 ;
  buffer_puts(buffer_1, key) ;
  buffer_puts(buffer_1, "=") ;
  buffer_puts(buffer_1, fmt) ;
  buffer_puts(buffer_1, " ") ;
}

static uint64_t heads_cpu (pid_t const *h, unsigned int n)
{
  uint64_t sum = 0 ;
  unsigned int i = 0 ;
  for (; i < n ; i++) sum += cpu_of(h[i]) ;
  return sum ;
}

 /* Until the program's "d" (done: it was read already), reading pair 0's
    terminal: the time then. */
static uint64_t stream_end (uint64_t t0, int done)
{
  uint64_t end = t0 + (uint64_t)opt.secs * 1000 * MS ;
  while (!done)
  {
    if (now() > end) fail("timed out waiting for the stream to end") ;
    drain(pairs, 0) ;
    fifo_lines(&done) ;
    if (!done) pause_ms(100) ;
  }
  return now() ;
}

static void run_tput (void)
{
  static pid_t h[PROC_MAX] ;
  struct stat st ;
  uint64_t t0, t1, c0, c1, hwm = 0, w0 = 0 ;
  unsigned int nh, i ;
  if (!opt.file || stat(opt.file, &st) < 0) fail("tput needs -f file") ;
   /* Before any G: the stream starts before its "s" is read. */
  if (opt.delivered) w0 = written(pairs[0].head) ;
  wait_ready(0) ;
  t0 = now() ;
  nh = heads(h, PROC_MAX) ;
  c0 = heads_cpu(h, nh) ;
  t1 = stream_end(t0, 0) ;
  if (opt.delivered) t1 = delivery_end(pairs[0].head, w0 + st.st_size, t1) ;
   /* The last chunks are still in the head: wait until it stops working. */
  c1 = heads_cpu(h, nh) ;
  for (i = 0 ; i < 150 ; i++)
  {
    uint64_t c ;
    drain(pairs, 0) ;
    usleep(20000) ;
    c = heads_cpu(h, nh) ;
    if (c == c1) break ;
    c1 = c ;
  }
  for (i = 0 ; i < nh ; i++) hwm += proc_kb(h[i], "status", "VmHWM:") ;
  put("bytes", st.st_size) ;
  put("ns", t1 - t0) ;
  put("cpu_ns", c1 - c0) ;
  put("hwm_kb", hwm) ;
  put("heads", nh) ;
  if (opt.delivered) put("out_bytes", written(pairs[0].head) - w0) ;
  if (opt.attached) put("dropped", head_dropped()) ;
}

static int cmp64 (void const *a, void const *b)
{
  uint64_t x = *(uint64_t const *)a, y = *(uint64_t const *)b ;
  return x < y ? -1 : x > y ;
}

 /* Nearest rank. */
static uint64_t pct (uint64_t const *v, unsigned int n, unsigned int p)
{
  unsigned int k = (n * p + 99) / 100 ;
  return v[k ? k - 1 : 0] ;
}

 /* One byte in, the same byte back out of the head's terminal: the time. */
static uint64_t round_trip (pair *p, char c, unsigned int trip)
{
  uint64_t t = now(), end = t + 5000 * MS ;
  struct pollfd x = { .fd = p->m, .events = POLLIN } ;
  if (fd_write(p->m, &c, 1) < 1) failsys("write to the head's terminal") ;
  for (;;)
  {
    if (drain(p, c)) return now() - t ;
    if (now() > end)
    {
      static char const tail[] = " (warm-up included) took more than 5 seconds" ;
      char why[11 + UINT_FMT + sizeof(tail)] = "round trip " ;
      size_t len = 11 + uint_fmt(why + 11, trip) ;
      memcpy(why + len, tail, sizeof(tail)) ;
      pair_fail(p - pairs, why) ;
    }
    poll(&x, 1, 100) ;
  }
}

static void run_rtt (void)
{
  unsigned int n = opt.count ? opt.count : 2000, i ;
  uint64_t *v = malloc(n * sizeof(uint64_t)) ;
  if (!v) fail("out of memory") ;
  wait_ready(1) ;
  for (i = 0 ; i < WARMUP ; i++) round_trip(pairs, 'a' + i % 26, i) ;
  for (i = 0 ; i < n ; i++) v[i] = round_trip(pairs, 'a' + i % 26, WARMUP + i) ;
  qsort(v, n, sizeof(uint64_t), &cmp64) ;
  put("n", n) ;
  put("p50_ns", pct(v, n, 50)) ;
  put("p99_ns", pct(v, n, 99)) ;
  put("max_ns", v[n-1]) ;
  free(v) ;
}

static void run_scale (uint64_t avail0)
{
  static pid_t h[PROC_MAX] ;
  uint64_t end, slowest = 0, hpss = 0, ppss = 0, avail1 ;
  unsigned int nh, i, answered = 0 ;
  wait_ready(1) ;
  avail1 = proc_kb(0, "meminfo", "MemAvailable:") ;
  nh = heads(h, PROC_MAX) ;
  for (i = 0 ; i < nh ; i++) hpss += proc_kb(h[i], "smaps_rollup", "Pss:") ;
  for (i = 0 ; i < npairs ; i++) ppss += proc_kb(pairs[i].prog, "smaps_rollup", "Pss:") ;
   /* One keystroke into every head, then every answer awaited. */
  for (i = 0 ; i < npairs ; i++)
  {
    pairs[i].sent = now() ;
    if (fd_write(pairs[i].m, "k", 1) < 1) failsys("write to a head's terminal") ;
  }
  end = now() + 60000 * MS ;
  while (answered < npairs && now() < end)
  {
    for (i = 0 ; i < npairs ; i++) if (!pairs[i].answered && drain(pairs + i, 'k'))
    {
      pairs[i].took = now() - pairs[i].sent ;
      pairs[i].answered = 1 ;
      if (pairs[i].took > slowest) slowest = pairs[i].took ;
      answered++ ;
    }
    if (answered < npairs) pause_ms(5) ;
  }
  put("pairs", npairs) ;
  put("answered", answered) ;
  put("slowest_ns", slowest) ;
  put("heads_pss_kb", hpss) ;
  put("progs_pss_kb", ppss) ;
  put("memavail_drop_kb", avail0 > avail1 ? avail0 - avail1 : 0) ;
  put("heads", nh) ;
}

 /* Until opt.attached says that every pair's viewer is there. */
static void wait_attached (void)
{
  char want[UINT_FMT + 9] = " " ;
  char out[1024] ;
  uint64_t end = now() + (30000 + 100 * (uint64_t)npairs) * MS ;
  strcpy(want + 1 + uint_fmt(want + 1, npairs), " viewers") ;
  for (;;)
  {
    capture(opt.attached, out, sizeof(out)) ;
    if (strstr(out, want)) return ;
    if (now() > end) fail("timed out waiting for the viewers to attach: the head says: ", out) ;
    usleep(20000) ;
  }
}

 /* Every descendant that is neither a program nor a pair's head: the
    head the viewers attach to. */
static unsigned int served_heads (pid_t *out, unsigned int max)
{
  unsigned int n = heads(out, max), i = 0, j = 0 ;
  for (; i < n ; i++)
  {
    unsigned int k = 0 ;
    while (k < npairs && pairs[k].head != out[i]) k++ ;
    if (k == npairs) out[j++] = out[i] ;
  }
  return j ;
}

static void run_viewers (void)
{
  static pid_t h[PROC_MAX] ;
  struct stat st ;
  uint64_t *w0 = calloc(npairs, sizeof(uint64_t)) ;
  uint64_t t0, t1, c0, c1, end, hwm = 0, vhwm = 0, minb = ~0ULL ;
  unsigned int nh, i, got = 0, full = 0 ;
  int done = 0 ;
  if (!w0) fail("out of memory") ;
  if (!opt.file || stat(opt.file, &st) < 0) fail("viewers needs -f file") ;
  if (!opt.attached) fail("viewers needs -a cmd") ;
  wait_attached() ;
   /* Before any G: the stream starts before its "s" is read. */
  usleep(100000) ;
  for (i = 0 ; i < npairs ; i++) w0[i] = written(pairs[i].head) ;
  end = now() + 30000 * MS ;
  while (!pairs[0].ready)
  {
    uint64_t t = now() ;
    if (t > end) pair_fail(0, "timed out waiting for the program to start") ;
    if (t - pairs[0].lastgo > 100 * MS) { fd_write(pairs[0].m, "G", 1) ; pairs[0].lastgo = t ; }
    fifo_lines(&done) ;
    pause_ms(10) ;
  }
  t0 = now() ;
  nh = served_heads(h, PROC_MAX) ;
  c0 = heads_cpu(h, nh) ;
  t1 = stream_end(t0, done) ;
  for (i = 0 ; i < npairs ; i++)
  {
    uint64_t t = delivery_end(pairs[i].head, w0[i] + st.st_size, t1) ;
    if (t > t1) t1 = t ;
  }
  c1 = heads_cpu(h, nh) ;
  for (i = 0 ; i < nh ; i++) hwm += proc_kb(h[i], "status", "VmHWM:") ;
  put("dropped", head_dropped()) ;
  for (i = 0 ; i < npairs ; i++)
  {
    uint64_t b = written(pairs[i].head) - w0[i], k = proc_kb(pairs[i].head, "status", "VmHWM:") ;
    if (b) got++ ;
    if (b >= (uint64_t)st.st_size) full++ ;
    if (b < minb) minb = b ;
    if (k > vhwm) vhwm = k ;
  }
  put("viewers", npairs) ;
  put("got", got) ;
  put("full", full) ;
  put("min_bytes", minb) ;
  put("bytes", st.st_size) ;
  put("ns", t1 - t0) ;
  put("head_cpu_ns", c1 - c0) ;
  put("head_hwm_kb", hwm) ;
  put("viewer_hwm_kb", vhwm) ;
  put("heads", nh) ;
  free(w0) ;
}

 /* Time of one run of cmd on the PTY, 0 if it failed: killed, or an
    exit code of 100 or more (usage, system failure, the head busy, exec
    failure). Lower codes are the program's own (dtach -N exits 1).
    Blocking wait: polling would add its period to every sample; the -T
    alarm is the deadline. */
static uint64_t timed_run (char const *cmd)
{
  int wstat ;
  uint64_t t = now() ;
  pid_t pid = spawn(cmd, 0, pairs[0].s, pairs[0].s, 0) ;
  if (waitpid(pid, &wstat, 0) < 0) failsys("waitpid") ;
  t = now() - t ;
  return WIFEXITED(wstat) && WEXITSTATUS(wstat) < 100 ? t : 0 ;
}

 /* A head that serves one program at a time answers "busy" until it
    has closed the last master: wait until its fds are back to idle. Its
    terminal is read meanwhile: a head writes a few lines there at each
    session's start and end, and one whose terminal is full waits for it
    before it lets the master go (its backpressure), as it should. */
static void wait_idle (unsigned int idle)
{
  uint64_t end = now() + 5000 * MS ;
  if (!pairs[0].head) return ;
  for (;;)
  {
    drain(pairs, 0) ;
    if (fd_count(pairs[0].head) <= idle) break ;
    if (now() > end) fail("the head did not become idle again") ;
    usleep(50) ;
  }
}

static void run_start (void)
{
  unsigned int n = opt.count ? opt.count : 500, i, fails = 0, idle = 0 ;
  uint64_t *a = malloc(n * sizeof(uint64_t)) ;
  uint64_t *b = malloc(n * sizeof(uint64_t)) ;
  if (!a || !b) fail("out of memory") ;
  if (!opt.cmd) fail("start needs -c cmd") ;
  if (pairs[0].head) { usleep(100000) ; idle = fd_count(pairs[0].head) ; }
   /* Interleaved, so that a drift of the machine hits both alike. */
  for (i = 0 ; i < n ; i++)
  {
    a[i] = timed_run("true") ;
    b[i] = timed_run(opt.cmd) ;
    if (!b[i]) { fails++ ; b[i] = ~0ULL ; }
    wait_idle(idle) ;
  }
  qsort(a, n, sizeof(uint64_t), &cmp64) ;
  qsort(b, n, sizeof(uint64_t), &cmp64) ;
  put("n", n) ;
  put("true_ns", pct(a, n, 50)) ;
  put("cmd_ns", pct(b, n, 50)) ;
  put("fails", fails) ;
  free(a) ; free(b) ;
}


 /* cleaning up */

static unsigned int kill_all (int sig)
{
  static pid_t d[PROC_MAX] ;
  unsigned int n = descendants(d, PROC_MAX), i = 0 ;
  for (; i < n ; i++) kill(d[i], sig) ;
  while (waitpid(-1, 0, WNOHANG) > 0) ;
  return n ;
}

static void remove_dir (void)
{
  pid_t pid ;
  if (!dirmade) return ;
  pid = fork() ;
  if (!pid)
  {
    char const *argv[4] = { "rm", "-rf", dir, 0 } ;
    execv("/bin/rm", (char *const *)argv) ;
    _exit(127) ;
  }
  if (pid > 0) waitpid(pid, 0, 0) ;
  dirmade = 0 ;
}

static void show_log (void)
{
  char p[CMD_MAX] ;
  char buf[2048] ;
  ssize_t r ;
  int fd ;
  if (!dirmade) return ;
  strcpy(p, dir) ; strcat(p, "/log") ;
  fd = open(p, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return ;
  r = read(fd, buf, sizeof(buf)) ;
  if (r > 0) { fd_write(2, "--- the heads' stderr:\n", 23) ; allwrite(2, buf, r) ; }
  close(fd) ;
}

 /* Politely (a Q to every program, time to exit) unless hard, then by
    force: no process, socket or directory of the trial survives. */
static void cleanup (int hard)
{
  unsigned int i, tries ;
  if (!hard)
  {
    uint64_t end = now() + 3000 * MS ;
    for (i = 0 ; i < npairs ; i++) if (pairs[i].m >= 0) fd_write(pairs[i].m, "Q", 1) ;
     /* A program with no head on a terminal cannot be told Q. */
    if (!strcmp(headcmd, "-")) for (i = 0 ; i < npairs ; i++) if (pairs[i].prog > 0) kill(pairs[i].prog, SIGTERM) ;
    while (now() < end)
    {
      for (i = 0 ; i < npairs ; i++) if (pairs[i].m >= 0) drain(pairs + i, 0) ;
      if (!kill_all(0)) break ;
      usleep(5000) ;
    }
    if (kill_all(SIGTERM)) usleep(100000) ;
  }
  for (tries = 0 ; tries < 100 && kill_all(SIGKILL) ; tries++) usleep(10000) ;
  for (i = 0 ; i < npairs ; i++)
  {
    if (pairs[i].m >= 0) close(pairs[i].m) ;
    if (pairs[i].s >= 0) close(pairs[i].s) ;
    pairs[i].m = pairs[i].s = -1 ;
  }
  remove_dir() ;
}

static void on_signal (int sig)
{
  (void)sig ;
  cleanup(1) ;
  _exit(111) ;
}

static void signals_init (void)
{
  struct sigaction sa ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sa_handler = &on_signal ;
  sigfillset(&sa.sa_mask) ;
  sigaction(SIGTERM, &sa, 0) ;
  sigaction(SIGINT, &sa, 0) ;
  sigaction(SIGHUP, &sa, 0) ;
  sigaction(SIGALRM, &sa, 0) ;
}


 /* start-up */

static void parse_options (int *argc, char const *const **argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (;;)
  {
    int c = subgetopt_r(*argc, *argv, "d:P:s:b:w:W:o:n:f:c:a:DgT:", &l) ;
    if (c == -1) break ;
    switch (c)
    {
      case 'd' : opt.base = l.arg ; break ;
      case 'P' : opt.prog = l.arg ; break ;
      case 's' : opt.setup = l.arg ; break ;
      case 'b' : if (opt.nbg >= BG_MAX) dieusage() ; opt.bg[opt.nbg++] = l.arg ; break ;
      case 'w' : opt.waitpath = l.arg ; break ;
      case 'W' : opt.waitafter = l.arg ; break ;
      case 'o' : if (strcmp(l.arg, "null")) dieusage() ; opt.nullout = 1 ; break ;
      case 'n' : if (!uint0_scan(l.arg, &opt.count)) dieusage() ; break ;
      case 'f' : opt.file = l.arg ; break ;
      case 'c' : opt.cmd = l.arg ; break ;
      case 'a' : opt.attached = l.arg ; break ;
      case 'D' : opt.delivered = 1 ; break ;
      case 'g' : opt.go = 1 ; break ;
      case 'T' : if (!uint0_scan(l.arg, &opt.secs) || !opt.secs) dieusage() ; break ;
      default : dieusage() ;
    }
  }
  *argc -= l.ind ; *argv += l.ind ;
}

 /* @PROG@: the program with the arguments for this mode; @N@ stays, so
    that each program of a scale run tells which pair it is. */
static void make_progpath (void)
{
  char abs[CMD_MAX] ;
  int streams = !strcmp(mode, "tput") || !strcmp(mode, "viewers") ;
  if (!realpath(opt.prog, abs)) failsys("find ", opt.prog) ;
  strcpy(progpath, abs) ;
  strcat(progpath, !streams ? " echo " : opt.go ? " flood " : " stream ") ;
  strcat(progpath, fifopath) ;
  strcat(progpath, " @N@") ;
  if (streams)
  {
    if (!opt.file || !realpath(opt.file, abs)) fail(mode, " needs -f file, a readable file") ;
    strcat(progpath, " ") ;
    strcat(progpath, abs) ;
  }
}

int main (int argc, char const *const *argv)
{
  uint64_t avail0 = proc_kb(0, "meminfo", "MemAvailable:") ;
  unsigned int i ;
  PROG = "ptysplit-bench" ;
  if (argc < 2) dieusage() ;
  mode = argv[1] ;
  argc-- ; argv++ ;
  parse_options(&argc, &argv) ;
  if (argc != 1) dieusage() ;
  headcmd = argv[0] ;
  if (strcmp(mode, "tput") && strcmp(mode, "rtt") && strcmp(mode, "scale") && strcmp(mode, "start") && strcmp(mode, "viewers")) dieusage() ;
  npairs = !strcmp(mode, "scale") ? (opt.count ? opt.count : 500) : !strcmp(mode, "viewers") ? (opt.count ? opt.count : 8) : 1 ;
  pairs = calloc(npairs, sizeof(pair)) ;
  if (!pairs) strerr_diefu1sys(111, "allocate the pairs") ;
  for (i = 0 ; i < npairs ; i++) pairs[i].m = pairs[i].s = -1 ;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) strerr_diefu1sys(111, "become a subreaper") ;
  signals_init() ;
  alarm(opt.secs) ;
  trial_init() ;
  make_progpath() ;
  start_pairs() ;
  if (!strcmp(mode, "tput")) run_tput() ;
  else if (!strcmp(mode, "rtt")) run_rtt() ;
  else if (!strcmp(mode, "scale")) run_scale(avail0) ;
  else if (!strcmp(mode, "viewers")) run_viewers() ;
  else run_start() ;
  buffer_putsflush(buffer_1, "\n") ;
  cleanup(0) ;
  return 0 ;
}
