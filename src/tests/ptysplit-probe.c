/* ISC license. */

 /*
    The program the integration tests run under ptyexec. Its very first
    output is one line describing how it was started:

      REPORT tag=T size=RxC pixels=XxY term=T tty=P fds=none ttyname=P sid=1 ctty=1 fg=1 std=111 sigmask=none ign=none pid=N

    (fds: the fds above 2 open at start; std: isatty of 0, 1, 2; sid: leads
    its session; ctty: /dev/tty opens; fg: it is the terminal's foreground
    group; sigmask, ign: the blocked and the ignored signals.)

    then, depending on the mode:
      report         exits 0
      echo           prints "GOT line" for every line read, "WINCH rows cols"
                     on SIGWINCH, "INT" on SIGINT; exits 0 on the line "quit"
                     (3 on EOF)
      flood bytes [ tag [ donefile ] ]
                     prints FLOODSTART, then bytes of a letter pattern, then
                     FLOODEND, creates donefile if given, and exits 0
      floodecho bytes [ tag [ donefile ] ]
                     reads one line (the go), floods, then echoes
      deaf           like echo, but never reads its input (and its terminal
                     is not canonical, so that the input piles up)
      count          like echo, and prints "count N" every 100 ms, N from 1
                     (a signal never gets lost, unlike in a bash loop around
                     read -t, which drops a trapped SIGWINCH)
      stderr         writes PROBE-STDERR to fd 2 and PROBE-STDOUT to fd 1,
                     exits 0
 */

#include <skalibs/nonposix.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/tai.h>
#include <skalibs/nsig.h>

#define USAGE "ptysplit-probe report|echo|deaf|count|stderr [ tag ] | flood|floodecho bytes [ tag [ donefile ] ]"
#define dieusage() strerr_dieusage(100, USAGE)
#define dienomem() strerr_diefu1sys(111, "stralloc_catb")

#define MAXFD 1024

static stralloc line = STRALLOC_ZERO ;

static void add (char const *s)
{
  if (!stralloc_cats(&line, s)) dienomem() ;
}

static void addu (unsigned int u)
{
  char fmt[UINT_FMT] ;
  if (!stralloc_catb(&line, fmt, uint_fmt(fmt, u))) dienomem() ;
}

static void addenv (char const *key, char const *var)
{
  char const *x = getenv(var) ;
  add(" ") ; add(key) ; add("=") ;
  add(x ? x[0] ? x : "(empty)" : "(unset)") ;
}

static void flush_line (void)
{
  if (allwrite(1, line.s, line.len) < line.len) strerr_diefu1sys(111, "write to stdout") ;
  line.len = 0 ;
}

 /* Every fd above 2 that is open, before the probe opens anything. */
static void add_fds (void)
{
  unsigned int fd = 3 ;
  int n = 0 ;
  add(" fds=") ;
  for (; fd < MAXFD ; fd++) if (fcntl(fd, F_GETFD) >= 0)
  {
    if (n++) add(",") ;
    addu(fd) ;
  }
  if (!n) add("none") ;
}

static void add_signals (void)
{
  sigset_t set ;
  unsigned int i ;
  int n = 0 ;
  add(" sigmask=") ;
  sigemptyset(&set) ;
  sigprocmask(SIG_BLOCK, 0, &set) ;
  for (i = 1 ; i < SKALIBS_NSIG ; i++) if (sigismember(&set, i) == 1)
  {
    if (n++) add(",") ;
    addu(i) ;
  }
  if (!n) add("none") ;
  n = 0 ;
  add(" ign=") ;
  for (i = 1 ; i < SKALIBS_NSIG ; i++)
  {
    struct sigaction sa ;
    if (sigaction(i, 0, &sa) == 0 && sa.sa_handler == SIG_IGN)
    {
      if (n++) add(",") ;
      addu(i) ;
    }
  }
  if (!n) add("none") ;
}

static void add_tty (void)
{
  int fd ;
  char const *name = ttyname(0) ;
  add(" ttyname=") ; add(name ? name : "(none)") ;
  add(" sid=") ; add(getsid(0) == getpid() ? "1" : "0") ;
  fd = open2("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  add(" ctty=") ; add(fd >= 0 ? "1" : "0") ;
  add(" fg=") ; add(fd >= 0 && tcgetpgrp(fd) == getpgrp() ? "1" : "0") ;
  if (fd >= 0) fd_close(fd) ;
  add(" std=") ;
  add(isatty(0) ? "1" : "0") ;
  add(isatty(1) ? "1" : "0") ;
  add(isatty(2) ? "1" : "0") ;
}

static void report (char const *tag)
{
  struct winsize ws ;
  add("REPORT tag=") ; add(tag) ;
  add(" size=") ;
  if (ioctl(0, TIOCGWINSZ, &ws) == 0)
  {
    addu(ws.ws_row) ; add("x") ; addu(ws.ws_col) ;
    add(" pixels=") ;
    addu(ws.ws_xpixel) ; add("x") ; addu(ws.ws_ypixel) ;
  }
  else add("none pixels=none") ;
  addenv("term", "TERM") ;
  addenv("tty", "TTY") ;
  add_fds() ;
  add_tty() ;
  add_signals() ;
  add(" pid=") ; addu(getpid()) ;
  add("\n") ;
}

static void say (char const *s)
{
  if (allwrite(1, s, strlen(s)) < strlen(s)) strerr_diefu1sys(111, "write to stdout") ;
}

static void flood (unsigned int n, char const *donefile)
{
  char buf[4096] ;
  unsigned int i ;
  for (i = 0 ; i < sizeof(buf) ; i++) buf[i] = 'a' + i % 26 ;
  say("FLOODSTART\n") ;
   /* The pattern restarts at every chunk of 4096 bytes: the tests rebuild
      it the same way. */
  while (n)
  {
    unsigned int len = n < sizeof(buf) ? n : sizeof(buf) ;
    if (allwrite(1, buf, len) < len) strerr_diefu1sys(111, "write to stdout") ;
    n -= len ;
  }
  say("\nFLOODEND\n") ;
  if (donefile)
  {
    int fd = open3(donefile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) ;
    if (fd < 0) strerr_diefu2sys(111, "create ", donefile) ;
    fd_close(fd) ;
  }
}

 /* floodecho's go: one line read, whatever it is. */
static void wait_line (void)
{
  for (;;)
  {
    char c ;
    ssize_t r = fd_read(0, &c, 1) ;
    if (r < 0) strerr_diefu1sys(111, "read from stdin") ;
    if (!r) strerr_dief1x(111, "EOF on stdin") ;
    if (c == '\n') return ;
  }
}

static void echo_line (char const *s, size_t len)
{
  line.len = 0 ;
  add("GOT ") ;
  if (!stralloc_catb(&line, s, len)) dienomem() ;
  add("\n") ;
  flush_line() ;
}

static void echo_signals (void)
{
  for (;;)
  {
    int sig = selfpipe_read() ;
    switch (sig)
    {
      case -1 : strerr_diefu1sys(111, "selfpipe_read") ;
      case 0 : return ;
      case SIGINT : say("INT\n") ; break ;
      case SIGWINCH :
      {
        struct winsize ws ;
        line.len = 0 ;
        add("WINCH ") ;
        if (ioctl(0, TIOCGWINSZ, &ws) == 0) { addu(ws.ws_row) ; add(" ") ; addu(ws.ws_col) ; }
        else add("none") ;
        add("\n") ;
        flush_line() ;
        break ;
      }
      default : break ;
    }
  }
}

 /* Before the report is sent, so that no signal sent after it is seen is lost. */
static int echo_init (void)
{
  sigset_t set ;
  int fd = selfpipe_init() ;
  if (fd < 0) strerr_diefu1sys(111, "selfpipe_init") ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGINT) ;
  sigaddset(&set, SIGWINCH) ;
  if (!selfpipe_trapset(&set)) strerr_diefu1sys(111, "trap signals") ;
  return fd ;
}

static void count_tick (tain *deadline)
{
  static unsigned int n = 0 ;
  tain tick ;
  line.len = 0 ;
  add("count ") ;
  addu(++n) ;
  add("\n") ;
  flush_line() ;
  tain_from_millisecs(&tick, 100) ;
  tain_add_g(deadline, &tick) ;
}

static int echo (int spfd, int deaf, int count)
{
  static stralloc in = STRALLOC_ZERO ;  /* static: still reachable at exit, not a leak */
  iopause_fd x[2] ;
  tain deadline = TAIN_INFINITE ;
  x[0].fd = spfd ;
  x[0].events = IOPAUSE_READ ;
  x[1].fd = 0 ;
  x[1].events = IOPAUSE_READ ;
  tain_now_set_stopwatch_g() ;
  if (count) count_tick(&deadline) ;
  for (;;)
  {
    int r = iopause_g(x, deaf ? 1 : 2, &deadline) ;
    if (r < 0) strerr_diefu1sys(111, "iopause") ;
    if (!r) { count_tick(&deadline) ; continue ; }
    if (x[0].revents & IOPAUSE_READ) echo_signals() ;
    if (!deaf && x[1].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))
    {
      char buf[1024] ;
      size_t i = 0 ;
      ssize_t r = fd_read(0, buf, sizeof(buf)) ;
      if (r < 0) return 3 ;
      if (!r) return 3 ;
      if (!stralloc_catb(&in, buf, r)) dienomem() ;
      for (;;)
      {
        char *nl = memchr(in.s + i, '\n', in.len - i) ;
        size_t len ;
        if (!nl) break ;
        len = nl - (in.s + i) ;
        if (len && in.s[i + len - 1] == '\r') len-- ;
        if (len == 4 && !memcmp(in.s + i, "quit", 4)) return 0 ;
        echo_line(in.s + i, len) ;
        i = nl + 1 - in.s ;
      }
      memmove(in.s, in.s + i, in.len - i) ;
      in.len -= i ;
    }
  }
}

int main (int argc, char const *const *argv)
{
  char const *mode ;
  char const *tag ;
  char const *donefile = 0 ;
  unsigned int n = 0 ;
  int isflood, isecho, isdeaf, iscount ;
  PROG = "ptysplit-probe" ;
  if (argc < 2) dieusage() ;
  mode = argv[1] ;
  isflood = !strcmp(mode, "flood") || !strcmp(mode, "floodecho") ;
  isdeaf = !strcmp(mode, "deaf") ;
  iscount = !strcmp(mode, "count") ;
  isecho = isdeaf || iscount || !strcmp(mode, "echo") || !strcmp(mode, "floodecho") ;
  if (!isflood && !isecho && strcmp(mode, "report") && strcmp(mode, "stderr")) dieusage() ;
  if (isflood)
  {
    if (argc < 3 || !uint0_scan(argv[2], &n)) dieusage() ;
    argv++ ; argc-- ;
    if (argc > 3) donefile = argv[3] ;
  }
  tag = argc > 2 ? argv[2] : "-" ;
  report(tag) ;
  if (isdeaf)
  {
     /* not canonical: unread input fills the terminal instead of being dropped */
    struct termios t ;
    if (tcgetattr(0, &t) == 0)
    {
      t.c_lflag &= ~(ICANON | ECHO) ;
      t.c_cc[VMIN] = 1 ;
      t.c_cc[VTIME] = 0 ;
      tcsetattr(0, TCSANOW, &t) ;
    }
  }
  if (isecho)
  {
    int spfd = echo_init() ;
    flush_line() ;
    if (isflood)
    {
      wait_line() ;
      flood(n, donefile) ;
    }
    return echo(spfd, isdeaf, iscount) ;
  }
  flush_line() ;
  if (isflood) flood(n, donefile) ;
  else if (!strcmp(mode, "stderr"))
  {
    if (allwrite(2, "PROBE-STDERR\n", 13) < 13) strerr_diefu1sys(111, "write to stderr") ;
    say("PROBE-STDOUT\n") ;
  }
  return 0 ;
}
