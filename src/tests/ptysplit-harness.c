/* ISC license. */

#include <skalibs/nonposix.h>
#include <string.h>
#include <stdlib.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <termios.h>
#include <pwd.h>
#include <dirent.h>
#include <sched.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/socket.h>
#include <skalibs/sig.h>
#include <skalibs/nsig.h>
#include <skalibs/tai.h>
#include <skalibs/setgroups.h>
#include <skalibs/error.h>

#include <ptysplit/protocol.h>
#include <ptysplit/pty.h>

#include "ptysplit-harness.h"

#define H_MAXPROCS 24
#define H_MAXHEADS 6
#define H_NFMT 24
#define H_SHOWMAX 600
#define H_WATCHDOG 60

char h_dir[64] ;
static char const *h_name = "" ;
static stralloc h_why = STRALLOC_ZERO ;
static hproc procs[H_MAXPROCS] ;
static hhead heads[H_MAXHEADS] ;
static char fmtbuf[H_NFMT][H_SHOWMAX * 4 + 64] ;
static unsigned int fmtpos = 0 ;


 /* messages */

static char *fmt_next (void)
{
  char *s = fmtbuf[fmtpos++] ;
  if (fmtpos == H_NFMT) fmtpos = 0 ;
  return s ;
}

static void why_va (char const *s, va_list ap)
{
  if (h_why.len) return ;  /* the first reason is the one that counts */
  for (; s ; s = va_arg(ap, char const *))
    if (!stralloc_cats(&h_why, s)) break ;
  if (!h_why.len) stralloc_cats(&h_why, "(no reason given)") ;
}

int h_fail (char const *s, ...)
{
  va_list ap ;
  va_start(ap, s) ;
  why_va(s, ap) ;
  va_end(ap) ;
  return 0 ;
}

int h_skip (char const *s, ...)
{
  va_list ap ;
  va_start(ap, s) ;
  why_va(s, ap) ;
  va_end(ap) ;
  return -1 ;
}

char const *h_u (unsigned long u)
{
  char *s = fmt_next() ;
  s[ulong_fmt(s, u)] = 0 ;
  return s ;
}

 /* Printable, one line, the last H_SHOWMAX bytes. */
char const *h_showb (char const *t, size_t len)
{
  static char const hex[] = "0123456789abcdef" ;
  char *s = fmt_next() ;
  size_t i = 0, j = 0 ;
  if (len > H_SHOWMAX)
  {
    memcpy(s, "...", 3) ; j = 3 ;
    i = len - H_SHOWMAX ;
  }
  s[j++] = '"' ;
  for (; i < len ; i++)
  {
    unsigned char c = t[i] ;
    if (c == '\n') { s[j++] = '\\' ; s[j++] = 'n' ; }
    else if (c == '\r') { s[j++] = '\\' ; s[j++] = 'r' ; }
    else if (c == '\\' || c == '"') { s[j++] = '\\' ; s[j++] = c ; }
    else if (c < 32 || c > 126) { s[j++] = '\\' ; s[j++] = 'x' ; s[j++] = hex[c >> 4] ; s[j++] = hex[c & 15] ; }
    else s[j++] = c ;
  }
  s[j++] = '"' ;
  s[j] = 0 ;
  return s ;
}

char const *h_show (stralloc const *sa, size_t from)
{
  if (from > sa->len) from = sa->len ;
  return h_showb(sa->s ? sa->s + from : "", sa->len - from) ;
}

char const *h_status (hproc const *p)
{
  char *s = fmt_next() ;
  size_t len ;
  if (!p->done) return "still running" ;
  if (WIFEXITED(p->wstat))
  {
    memcpy(s, "exited ", 7) ;
    len = 7 + uint_fmt(s + 7, WEXITSTATUS(p->wstat)) ;
  }
  else
  {
    memcpy(s, "killed by signal ", 17) ;
    len = 17 + uint_fmt(s + 17, WTERMSIG(p->wstat)) ;
  }
  s[len] = 0 ;
  return s ;
}

char const *h_path (char const *name)
{
  char *s = fmt_next() ;
  size_t dlen = strlen(h_dir) ;
  memcpy(s, h_dir, dlen) ;
  s[dlen] = '/' ;
  memcpy(s + dlen + 1, name, strlen(name) + 1) ;
  return s ;
}


 /* time */

void h_deadline (tain *d, unsigned int ms)
{
  tain_now_g() ;
  tain_from_millisecs(d, ms) ;
  tain_add_g(d, d) ;
}

int h_expired (tain const *d)
{
  tain_now_g() ;
  return !tain_future(d) ;
}

void h_start (tain *t)
{
  tain_now_g() ;
  *t = STAMP ;
}

unsigned int h_since (tain const *t)
{
  tain d ;
  tain_now_g() ;
  tain_sub(&d, &STAMP, t) ;
  return tain_to_millisecs(&d) ;
}


 /* the run */

static void nap (unsigned int ms)
{
  tain d ;
  h_deadline(&d, ms) ;
  deepsleepuntil_g(&d) ;
}

static void kill_proc (hproc *p)
{
  tain d ;
  if (!p->used || p->done || p->pid <= 0) return ;
  kill(p->pid, SIGKILL) ;
  if (getpgid(p->pid) == p->pid) kill(-p->pid, SIGKILL) ;
  h_deadline(&d, H_LONG) ;
  while (!p->done && !h_expired(&d))
  {
    int w ;
    pid_t r = waitpid(p->pid, &w, WNOHANG) ;
    if (r == p->pid) { p->wstat = w ; p->done = 1 ; }
    else if (r < 0 && errno != EINTR) p->done = 1 ;
    else nap(5) ;
  }
}

static void close_fd (int *fd)
{
  if (*fd >= 0) fd_close(*fd) ;
  *fd = -1 ;
}

static void cleanup (void)
{
  unsigned int i = 0 ;
  for (; i < H_MAXPROCS ; i++) if (procs[i].used)
  {
    kill_proc(procs + i) ;
    close_fd(&procs[i].in) ;
    close_fd(&procs[i].out) ;
    close_fd(&procs[i].err) ;
    stralloc_free(&procs[i].outs) ;
    stralloc_free(&procs[i].errs) ;
    procs[i].used = 0 ;
  }
  for (i = 0 ; i < H_MAXHEADS ; i++) if (heads[i].used)
  {
    close_fd(&heads[i].master) ;
    close_fd(&heads[i].client) ;
    stralloc_free(&heads[i].tty) ;
    heads[i].used = 0 ;
  }
  if (h_dir[0]) rm_rf(h_dir) ;
  h_dir[0] = 0 ;
}

static void watchdog (int sig)
{
  static char const why[] = ": watchdog: the test was still running after 60 s\n" ;
  unsigned int i = 0 ;
  (void)sig ;
  fd_write(1, "FAIL: ", 6) ;
  fd_write(1, h_name, strlen(h_name)) ;
  fd_write(1, why, sizeof(why) - 1) ;
  for (; i < H_MAXPROCS ; i++) if (procs[i].used && !procs[i].done && procs[i].pid > 0)
  {
    kill(procs[i].pid, SIGKILL) ;
    kill(-procs[i].pid, SIGKILL) ;
  }
  if (h_dir[0]) rm_rf(h_dir) ;
  _exit(1) ;
}

void h_init (void)
{
  if (!fd_sanitize()) strerr_diefu1sys(111, "sanitize stdin, stdout and stderr") ;
  if (sig_ignore(SIGPIPE) < 0) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  if (sig_catch(SIGALRM, &watchdog) < 0) strerr_diefu1sys(111, "catch SIGALRM") ;
  tain_now_set_stopwatch_g() ;
}

int h_begin (char const *name)
{
  memcpy(h_dir, "/tmp/ptysplit-test.XXXXXX", 26) ;
  h_name = name ;
  h_why.len = 0 ;
  if (!mkdtemp(h_dir))
  {
    h_dir[0] = 0 ;
    return FAIL("unable to mkdtemp: ", strerror(errno)) ;
  }
  alarm(H_WATCHDOG) ;
  return 1 ;
}

 /* Prints the test's line; a test that passes with a reason on record
    ignored a failure: that is a failure. */
int h_end (char const *name, int r)
{
  alarm(0) ;
  cleanup() ;
  if (r > 0 && h_why.len) r = 0 ;
  if (!stralloc_0(&h_why)) strerr_diefu1sys(111, "stralloc_0") ;
  buffer_puts(buffer_1, r > 0 ? "PASS: " : r < 0 ? "SKIP: " : "FAIL: ") ;
  buffer_puts(buffer_1, name) ;
  if (r <= 0)
  {
    buffer_puts(buffer_1, ": ") ;
    buffer_puts(buffer_1, h_why.len > 1 ? h_why.s : "(no reason given)") ;
  }
  buffer_putsflush(buffer_1, "\n") ;
  h_why.len = 0 ;
  return r ;
}


 /* waiting */

static void reap (void)
{
  unsigned int i = 0 ;
  for (; i < H_MAXPROCS ; i++) if (procs[i].used && !procs[i].done && procs[i].pid > 0)
  {
    int w ;
    pid_t r = waitpid(procs[i].pid, &w, WNOHANG) ;
    if (r == procs[i].pid) { procs[i].wstat = w ; procs[i].done = 1 ; }
  }
}

 /* Reads what is there (1 MiB at most) into sa; closes *fd at EOF or on error. */
static void drain (int *fd, stralloc *sa)
{
  unsigned int n = 16 ;
  while (n--)
  {
    ssize_t r ;
    if (!stralloc_readyplus(sa, 65536)) strerr_diefu1sys(111, "stralloc_readyplus") ;
    r = read(*fd, sa->s + sa->len, 65536) ;
    if (r > 0) { sa->len += r ; continue ; }
    if (r < 0 && (errno == EINTR)) continue ;
    if (r < 0 && error_isagain(errno)) return ;
    close_fd(fd) ;
    return ;
  }
}

 /* 1: fd is readable (or hung up); 0: deadline passed first; -1: error. */
int h_readable (int fd, tain const *deadline)
{
  iopause_fd x = { .fd = fd, .events = IOPAUSE_READ, .revents = 0 } ;
  int r = iopause_g(&x, 1, deadline) ;
  return r > 0 ? 1 : r ;
}

 /* Waits up to ms for something to read, then reads everything there is. */
void h_pump (unsigned int ms)
{
  iopause_fd x[H_MAXPROCS * 2 + H_MAXHEADS] ;
  int *fds[H_MAXPROCS * 2 + H_MAXHEADS] ;
  stralloc *sas[H_MAXPROCS * 2 + H_MAXHEADS] ;
  unsigned int n = 0, i ;
  tain d ;
  for (i = 0 ; i < H_MAXHEADS ; i++) if (heads[i].used && heads[i].master >= 0 && !heads[i].paused)
  {
    x[n].fd = heads[i].master ; x[n].events = IOPAUSE_READ ;
    fds[n] = &heads[i].master ; sas[n++] = &heads[i].tty ;
  }
  for (i = 0 ; i < H_MAXPROCS ; i++) if (procs[i].used)
  {
    if (procs[i].out >= 0)
    {
      x[n].fd = procs[i].out ; x[n].events = IOPAUSE_READ ;
      fds[n] = &procs[i].out ; sas[n++] = &procs[i].outs ;
    }
    if (procs[i].err >= 0)
    {
      x[n].fd = procs[i].err ; x[n].events = IOPAUSE_READ ;
      fds[n] = &procs[i].err ; sas[n++] = &procs[i].errs ;
    }
  }
  h_deadline(&d, ms) ;
  if (iopause_g(x, n, &d) > 0)
    for (i = 0 ; i < n ; i++) if (x[i].revents) drain(fds[i], sas[i]) ;
  reap() ;
}

void h_sleep (unsigned int ms)
{
  tain d ;
  h_deadline(&d, ms) ;
  while (!h_expired(&d)) h_pump(ms > 20 ? 20 : ms) ;
}

size_t h_find (stralloc const *sa, size_t from, char const *text)
{
  size_t len = strlen(text) ;
  size_t i = from ;
  if (!sa->s || sa->len < len) return (size_t)-1 ;
  for (; i + len <= sa->len ; i++)
    if (sa->s[i] == text[0] && !memcmp(sa->s + i, text, len)) return i ;
  return (size_t)-1 ;
}

int h_expect (stralloc const *sa, size_t from, char const *text, unsigned int ms)
{
  tain d ;
  h_deadline(&d, ms) ;
  for (;;)
  {
    if (h_find(sa, from, text) != (size_t)-1) return 1 ;
    if (h_expired(&d)) return 0 ;
    h_pump(20) ;
  }
}

int h_wait (hproc *p, unsigned int ms)
{
  tain d ;
  h_deadline(&d, ms) ;
  for (;;)
  {
    reap() ;
    if (p->done) break ;
    if (h_expired(&d)) return 0 ;
    h_pump(10) ;
  }
   /* and what it wrote before dying */
  h_pump(0) ;
  return 1 ;
}

int h_exitcode (hproc const *p)
{
  return p->done && WIFEXITED(p->wstat) ? WEXITSTATUS(p->wstat) : -1 ;
}

int h_signalled (hproc const *p)
{
  return p->done && WIFSIGNALED(p->wstat) ? WTERMSIG(p->wstat) : 0 ;
}

 /* Until nobody holds the write end of its stderr any more. */
int h_eof (hproc *p, unsigned int ms)
{
  tain d ;
  h_deadline(&d, ms) ;
  while (p->err >= 0)
  {
    if (h_expired(&d)) return 0 ;
    h_pump(10) ;
  }
  return 1 ;
}


 /* processes */

static hproc *proc_new (void)
{
  unsigned int i = 0 ;
  for (; i < H_MAXPROCS ; i++) if (!procs[i].used)
  {
    hproc *p = procs + i ;
    stralloc z = STRALLOC_ZERO ;
    p->used = 1 ; p->done = 0 ; p->pid = 0 ; p->wstat = 0 ;
    p->in = p->out = p->err = -1 ;
    p->outs = z ; p->errs = z ;
    return p ;
  }
  FAIL("harness: too many processes in one test") ;
  return 0 ;
}

int h_nobody (uid_t *uid, gid_t *gid)
{
  struct passwd *pw = getpwnam("nobody") ;
  if (!pw) return 0 ;
  *uid = pw->pw_uid ;
  *gid = pw->pw_gid ;
  return 1 ;
}

static void child_die (char const *what)
{
  int e = errno ;
  fd_write(2, "ptysplit-tests child: unable to ", 32) ;
  fd_write(2, what, strlen(what)) ;
  fd_write(2, ": ", 2) ;
  fd_write(2, strerror(e), strlen(strerror(e))) ;
  fd_write(2, "\n", 1) ;
  _exit(120) ;
}

 /* One CPU the harness may run on: H_PIN and h_fastpin put processes there. */
static int pin (pid_t pid)
{
  cpu_set_t set ;
  int cpu = 0 ;
  if (sched_getaffinity(0, sizeof(set), &set) < 0) return 0 ;
  while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set)) cpu++ ;
  if (cpu == CPU_SETSIZE) return (errno = ESRCH, 0) ;
  CPU_ZERO(&set) ;
  CPU_SET(cpu, &set) ;
  return sched_setaffinity(pid, sizeof(set), &set) == 0 ;
}

 /* pid on that CPU, real-time: it runs the moment it has something to do. */
int h_fastpin (pid_t pid)
{
  struct sched_param sp = { .sched_priority = 10 } ;
  if (!pin(pid)) return 0 ;
   /* the system call: musl's sched_setscheduler is a stub (ENOSYS) */
  return syscall(SYS_sched_setscheduler, pid, SCHED_FIFO, &sp) == 0 ;
}

 /* In the child: src[i] becomes fd i (-1: /dev/null), nothing else stays open. */
static void child_fds (int const *src, unsigned int n)
{
  int tmp[4] ;
  unsigned int i ;
  for (i = 0 ; i < n ; i++)
  {
    int fd = src[i] >= 0 ? src[i] : open2("/dev/null", O_RDWR) ;
    if (fd < 0) child_die("open /dev/null") ;
    tmp[i] = fcntl(fd, F_DUPFD, 64) ;
    if (tmp[i] < 0) child_die("dup") ;
  }
  for (i = 0 ; i < n ; i++) if (dup2(tmp[i], i) < 0) child_die("dup2") ;
  for (i = n ; i < 1024 ; i++) close(i) ;
}

static void child_signals (void)
{
  unsigned int i = 1 ;
  sig_blocknone() ;
  for (; i < SKALIBS_NSIG ; i++) if (i != SIGKILL && i != SIGSTOP) signal(i, SIG_DFL) ;
}

static void child_exec (char const *const *argv, char const *const *env, unsigned int flags)
{
  char const *envp[64] ;
  unsigned int n = 0 ;
  char const *path = getenv("PATH") ;
  char const *const *e = env ;
  stralloc sa = STRALLOC_ZERO ;
  if (e) while (*e && strncmp(*e, "PATH=", 5)) e++ ;
  if (!e || !*e)
  {
    if (!stralloc_cats(&sa, "PATH=") || !stralloc_cats(&sa, path ? path : "/usr/bin:/bin") || !stralloc_0(&sa))
      child_die("build the environment") ;
    envp[n++] = sa.s ;
  }
  if (env) for (; *env && n < 63 ; env++) envp[n++] = *env ;
  envp[n] = 0 ;
  if (flags & H_SETSID && setsid() < 0) child_die("setsid") ;
  if (flags & H_SETPGID && setpgid(0, 0) < 0) child_die("setpgid") ;
  if (flags & H_PIN && !pin(0)) child_die("sched_setaffinity") ;
  if (flags & H_NOBODY)
  {
    uid_t uid ;
    gid_t gid ;
    if (!h_nobody(&uid, &gid)) child_die("find the nobody user") ;
    if (setgroups_and_gid(gid, 0, 0) < 0) child_die("setgroups") ;
    if (setgid(gid) < 0) child_die("setgid") ;
    if (setuid(uid) < 0) child_die("setuid") ;
  }
  execve(argv[0], (char *const *)argv, (char *const *)envp) ;
  child_die(argv[0]) ;
}

static int pipe_cloexec (int *p)
{
  if (pipecoe(p) < 0) return FAIL("harness: unable to pipe: ", strerror(errno)) ;
  return 1 ;
}

hproc *h_spawn (char const *const *argv, char const *const *env, unsigned int flags)
{
  int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 } ;
  hproc *p = proc_new() ;
  if (!p) return 0 ;
  if (flags & H_INPIPE && !pipe_cloexec(pin)) return 0 ;
  if (flags & H_OUTPIPE && !pipe_cloexec(pout)) return 0 ;
  if (!pipe_cloexec(perr)) return 0 ;
  p->pid = fork() ;
  if (p->pid < 0) { FAIL("harness: unable to fork: ", strerror(errno)) ; p->done = 1 ; return 0 ; }
  if (!p->pid)
  {
    int src[3] = { pin[0], pout[1], perr[1] } ;
    child_signals() ;
    child_fds(src, 3) ;
    child_exec(argv, env, flags) ;
  }
  if (pin[0] >= 0) { fd_close(pin[0]) ; p->in = pin[1] ; ndelay_on(p->in) ; }
  if (pout[1] >= 0) { fd_close(pout[1]) ; p->out = pout[0] ; ndelay_on(p->out) ; }
  fd_close(perr[1]) ; p->err = perr[0] ; ndelay_on(p->err) ;
  return p ;
}

 /* ./ptyexec opts... sock prog... */
hproc *h_ptyexec (char const *sock, char const *const *opts, char const *const *prog, char const *const *env, unsigned int flags)
{
  char const *argv[48] ;
  unsigned int n = 0 ;
  argv[n++] = "./ptyexec" ;
  if (opts) for (; *opts && n < 20 ; opts++) argv[n++] = *opts ;
  argv[n++] = sock ;
  for (; *prog && n < 47 ; prog++) argv[n++] = *prog ;
  argv[n] = 0 ;
  return h_spawn(argv, env, flags) ;
}

static hhead *head_new (void)
{
  unsigned int i = 0 ;
  for (; i < H_MAXHEADS ; i++) if (!heads[i].used)
  {
    hhead *h = heads + i ;
    stralloc z = STRALLOC_ZERO ;
    h->used = 1 ; h->istty = 0 ; h->paused = 0 ;
    h->master = h->client = -1 ;
    h->tty = z ;
    h->screen = &h->tty ;
    h->p = 0 ;
    h->ttyname[0] = 0 ;
    return h ;
  }
  FAIL("harness: too many heads in one test") ;
  return 0 ;
}

 /* The outer terminal, in a state that a sloppy restore would not give back. */
static int outer_open (hhead *h, unsigned int rows, unsigned int cols, unsigned int flags)
{
  struct winsize ws = { .ws_row = rows, .ws_col = cols, .ws_xpixel = 0, .ws_ypixel = 0 } ;
  struct termios t ;
  h->master = ptysplit_pty_open(h->ttyname, sizeof(h->ttyname)) ;
  if (h->master < 0) return FAIL("harness: unable to open a pty: ", strerror(errno)) ;
  if (ioctl(h->master, TIOCSWINSZ, &ws) < 0) return FAIL("harness: unable to TIOCSWINSZ: ", strerror(errno)) ;
  h->client = open2(h->ttyname, O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (h->client < 0) return FAIL("harness: unable to open ", h->ttyname, ": ", strerror(errno)) ;
  if (tcgetattr(h->client, &t) < 0) return FAIL("harness: unable to tcgetattr: ", strerror(errno)) ;
  t.c_iflag |= IUTF8 | IXANY ;
  t.c_lflag &= ~(ECHOCTL | ECHOKE) ;
  t.c_lflag |= ECHONL ;
  t.c_cc[VMIN] = 3 ;
  t.c_cc[VTIME] = 7 ;
  t.c_cc[VERASE] = 8 ;
  if (tcsetattr(h->client, TCSANOW, &t) < 0) return FAIL("harness: unable to tcsetattr: ", strerror(errno)) ;
  memset(&h->before, 0, sizeof(h->before)) ;
  if (tcgetattr(h->client, &h->before) < 0) return FAIL("harness: unable to tcgetattr: ", strerror(errno)) ;
  if (flags & H_NONBLOCK && ndelay_on(h->client) < 0) return FAIL("harness: unable to set O_NONBLOCK: ", strerror(errno)) ;
  h->flagsbefore = fcntl(h->client, F_GETFL) ;
  if (h->flagsbefore < 0) return FAIL("harness: unable to F_GETFL: ", strerror(errno)) ;
  if (ndelay_on(h->master) < 0) return FAIL("harness: unable to set O_NONBLOCK: ", strerror(errno)) ;
  h->istty = 1 ;
  return 1 ;
}

 /*
    ./ptyhead -d 3 opts... sock, as a session leader on an outer terminal
    of rows x cols (or on pipes with H_NOTTY), and waits for it to be ready.
 */
hhead *h_head (char const *sock, char const *const *opts, char const *const *env, unsigned int flags, unsigned int rows, unsigned int cols)
{
  char const *argv[32] ;
  int pnotif[2], pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 } ;
  unsigned int n = 0 ;
  hhead *h = head_new() ;
  hproc *p ;
  tain d ;
  if (!h) return 0 ;
  if (strlen(sock) >= sizeof(h->sock)) { FAIL("harness: socket path too long") ; return 0 ; }
  memcpy(h->sock, sock, strlen(sock) + 1) ;
  p = proc_new() ;
  if (!p) return 0 ;
  h->p = p ;
   /* nobody may not reach the tree: it gets a copy */
  argv[n++] = flags & H_NOBODY ? h_copybin("ptyhead") : "./ptyhead" ;
  if (!argv[0]) return 0 ;
  argv[n++] = "-d" ;
  argv[n++] = "3" ;
  if (opts) for (; *opts && n < 30 ; opts++) argv[n++] = *opts ;
  argv[n++] = sock ;
  argv[n] = 0 ;
  if (flags & H_NOTTY)
  {
    if (!(flags & H_NULLIN) && !pipe_cloexec(pin)) return 0 ;
    if (!pipe_cloexec(pout) || !pipe_cloexec(perr)) return 0 ;
    h->screen = &p->outs ;
  }
  else
  {
    if (!outer_open(h, rows, cols, flags)) return 0 ;
    if (flags & H_OUTPIPE && !pipe_cloexec(pout)) return 0 ;
  }
  if (!pipe_cloexec(pnotif)) return 0 ;
  p->pid = fork() ;
  if (p->pid < 0) { FAIL("harness: unable to fork: ", strerror(errno)) ; p->done = 1 ; return 0 ; }
  if (!p->pid)
  {
    child_signals() ;
    if (flags & H_NOTTY)
    {
      int src[4] = { pin[0], pout[1], perr[1], pnotif[1] } ;
      child_fds(src, 4) ;
      if (setsid() < 0) child_die("setsid") ;
    }
    else
    {
      int src[4] = { h->client, flags & H_OUTPIPE ? pout[1] : h->client, h->client, pnotif[1] } ;
      child_fds(src, 4) ;
      if (setsid() < 0) child_die("setsid") ;
      if (ioctl(0, TIOCSCTTY, 0) < 0) child_die("TIOCSCTTY") ;
    }
    child_exec(argv, env, flags & H_NOBODY) ;
  }
  fd_close(pnotif[1]) ;
  if (flags & H_NOTTY)
  {
    if (pin[0] >= 0) { fd_close(pin[0]) ; p->in = pin[1] ; ndelay_on(p->in) ; }
    fd_close(pout[1]) ; p->out = pout[0] ; ndelay_on(p->out) ;
    fd_close(perr[1]) ; p->err = perr[0] ; ndelay_on(p->err) ;
  }
  else if (flags & H_OUTPIPE)
  {
    fd_close(pout[1]) ; p->out = pout[0] ; ndelay_on(p->out) ;
  }
  h_deadline(&d, H_LONG) ;
  for (;;)
  {
    char c ;
    ssize_t r ;
    if (!h_readable(pnotif[0], &d))
    {
      fd_close(pnotif[0]) ;
      FAIL("ptyhead not ready within 5 s; its screen: ", h_show(h->screen, 0), " stderr: ", h_show(&p->errs, 0)) ;
      return 0 ;
    }
    r = fd_read(pnotif[0], &c, 1) ;
    if (r == 1 && c == '\n') break ;
    if (r == 1)
    {
      fd_close(pnotif[0]) ;
      FAIL("ptyhead wrote something else than a newline on its notification fd") ;
      return 0 ;
    }
    if (r <= 0)
    {
      fd_close(pnotif[0]) ;
      h_wait(p, 1000) ;
      h_pump(50) ;
      FAIL("ptyhead closed its notification fd without a newline (", h_status(p), "); its screen: ", h_show(h->screen, 0), " stderr: ", h_show(&p->errs, 0)) ;
      return 0 ;
    }
  }
  if (flags & H_NOTIFCHECK)
  {
    char c ;
    h_deadline(&d, H_LONG) ;
    if (h_readable(pnotif[0], &d) <= 0)
    {
      fd_close(pnotif[0]) ;
      FAIL("ptyhead did not close its notification fd after the newline") ;
      return 0 ;
    }
    if (fd_read(pnotif[0], &c, 1) != 0)
    {
      fd_close(pnotif[0]) ;
      FAIL("ptyhead wrote more than one newline on its notification fd") ;
      return 0 ;
    }
  }
  fd_close(pnotif[0]) ;
  return h ;
}

 /*
    argv as a session leader on an outer terminal of rows x cols (its
    stdin and stdout), stderr a pipe: for a client such as ptyattach.
 */
hhead *h_onterm (char const *const *argv, char const *const *env, unsigned int flags, unsigned int rows, unsigned int cols)
{
  int perr[2] ;
  hhead *h = head_new() ;
  hproc *p ;
  if (!h) return 0 ;
  h->sock[0] = 0 ;
  p = proc_new() ;
  if (!p) return 0 ;
  h->p = p ;
  if (!outer_open(h, rows, cols, flags) || !pipe_cloexec(perr)) return 0 ;
  p->pid = fork() ;
  if (p->pid < 0) { FAIL("harness: unable to fork: ", strerror(errno)) ; p->done = 1 ; return 0 ; }
  if (!p->pid)
  {
    int src[3] = { h->client, h->client, perr[1] } ;
    child_signals() ;
    child_fds(src, 3) ;
    if (setsid() < 0) child_die("setsid") ;
    if (ioctl(0, TIOCSCTTY, 0) < 0) child_die("TIOCSCTTY") ;
    child_exec(argv, env, flags & H_NOBODY) ;
  }
  fd_close(perr[1]) ; p->err = perr[0] ; ndelay_on(p->err) ;
  return h ;
}

 /* A copy of a binary in the test's directory, for users who cannot reach the tree. */
char const *h_copybin (char const *name)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *dst = h_path(name) ;
  if (!openslurpclose(&sa, name)) { FAIL("harness: unable to read ", name, ": ", strerror(errno)) ; return 0 ; }
  if (!openwritenclose_unsafe(dst, sa.s, sa.len) || chmod(dst, 0755) < 0)
  {
    stralloc_free(&sa) ;
    FAIL("harness: unable to write ", dst, ": ", strerror(errno)) ;
    return 0 ;
  }
  stralloc_free(&sa) ;
  return dst ;
}


 /* the head's terminal */

int h_type (hhead *h, char const *s)
{
  size_t len = strlen(s) ;
  int fd = h->istty ? h->master : h->p->in ;
  tain d ;
  h_deadline(&d, H_LONG) ;
  while (len)
  {
    ssize_t r = write(fd, s, len) ;
    if (r > 0) { s += r ; len -= r ; continue ; }
    if (r < 0 && !error_isagain(errno) && errno != EINTR) return FAIL("unable to type on the head's terminal: ", strerror(errno)) ;
    if (h_expired(&d)) return FAIL("the head's terminal does not take keys (still full after 5 s)") ;
    h_pump(5) ;
  }
  return 1 ;
}

int h_resize (hhead *h, unsigned int rows, unsigned int cols)
{
  struct winsize ws = { .ws_row = rows, .ws_col = cols, .ws_xpixel = 0, .ws_ypixel = 0 } ;
  if (ioctl(h->master, TIOCSWINSZ, &ws) < 0) return FAIL("harness: unable to TIOCSWINSZ: ", strerror(errno)) ;
  return 1 ;
}

static void diff_flag (stralloc *why, char const *name, unsigned long a, unsigned long b)
{
  if (a == b) return ;
  stralloc_cats(why, " ") ;
  stralloc_cats(why, name) ;
  stralloc_cats(why, " expected ") ;
  stralloc_cats(why, h_u(a)) ;
  stralloc_cats(why, " got ") ;
  stralloc_cats(why, h_u(b)) ;
}

 /* 1 if equal, field by field; else 0 and why (if given) says what differs. */
int h_termios_same (struct termios const *a, struct termios const *b, stralloc *why)
{
  stralloc tmp = STRALLOC_ZERO ;
  stralloc *w = why ? why : &tmp ;
  size_t start = w->len ;
  unsigned int i = 0 ;
  int same ;
  diff_flag(w, "c_iflag", a->c_iflag, b->c_iflag) ;
  diff_flag(w, "c_oflag", a->c_oflag, b->c_oflag) ;
  diff_flag(w, "c_cflag", a->c_cflag, b->c_cflag) ;
  diff_flag(w, "c_lflag", a->c_lflag, b->c_lflag) ;
  diff_flag(w, "ispeed", cfgetispeed(a), cfgetispeed(b)) ;
  diff_flag(w, "ospeed", cfgetospeed(a), cfgetospeed(b)) ;
  for (; i < NCCS ; i++)
  {
    char name[16] = "c_cc[" ;
    size_t len = 5 + uint_fmt(name + 5, i) ;
    name[len++] = ']' ; name[len] = 0 ;
    diff_flag(w, name, (unsigned char)a->c_cc[i], (unsigned char)b->c_cc[i]) ;
  }
  same = w->len == start ;
  stralloc_free(&tmp) ;
  return same ;
}

 /* Until the head's terminal is back to its state before, exactly. */
int h_restored (hhead *h, unsigned int ms)
{
  stralloc why = STRALLOC_ZERO ;
  tain d ;
  h_deadline(&d, ms) ;
  for (;;)
  {
    struct termios now ;
    int flags ;
    why.len = 0 ;
     /* musl's tcgetattr fills only the kernel's c_cc slots, not all NCCS */
    memset(&now, 0, sizeof(now)) ;
    if (tcgetattr(h->client, &now) < 0) return FAIL("harness: unable to tcgetattr: ", strerror(errno)) ;
    flags = fcntl(h->client, F_GETFL) ;
    h_termios_same(&h->before, &now, &why) ;
    diff_flag(&why, "O_NONBLOCK", h->flagsbefore & O_NONBLOCK, flags & O_NONBLOCK) ;
    diff_flag(&why, "file status flags", h->flagsbefore, flags) ;
    if (!why.len) break ;
    if (h_expired(&d))
    {
      stralloc_0(&why) ;
      FAIL("the head's terminal was not restored within ", h_u(ms), " ms:", why.s) ;
      stralloc_free(&why) ;
      return 0 ;
    }
    h_pump(10) ;
  }
  stralloc_free(&why) ;
  return 1 ;
}

int h_israw (hhead *h)
{
  struct termios t ;
  if (tcgetattr(h->client, &t) < 0) return FAIL("harness: unable to tcgetattr: ", strerror(errno)) ;
  if (t.c_lflag & ICANON) return FAIL("the head's terminal has ICANON during a session") ;
  if (t.c_lflag & ECHO) return FAIL("the head's terminal has ECHO during a session") ;
  if (t.c_lflag & ISIG) return FAIL("the head's terminal has ISIG during a session") ;
  return 1 ;
}


 /* How many fds a process has open (Linux /proc), or -1 if that cannot be known. */
int h_nfds (pid_t pid)
{
  char path[32] = "/proc/" ;
  size_t len = 6 + pid_fmt(path + 6, pid) ;
  DIR *dir ;
  int n = 0 ;
  memcpy(path + len, "/fd", 4) ;
  dir = opendir(path) ;
  if (!dir) return -1 ;
  for (;;)
  {
    struct dirent *d ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (d->d_name[0] != '.') n++ ;
  }
  closedir(dir) ;
  return errno ? -1 : n ;
}

 /* VmRSS of a process, in kB; 0 if unknown. */
unsigned long h_rss (pid_t pid)
{
  char path[40] = "/proc/" ;
  char buf[4096] ;
  size_t len = 6 + pid_fmt(path + 6, pid) ;
  ssize_t r ;
  char *line ;
  unsigned long kb = 0 ;
  int fd ;
  memcpy(path + len, "/status", 8) ;
  fd = open_read(path) ;
  if (fd < 0) return 0 ;
  r = allread(fd, buf, sizeof(buf) - 1) ;
  fd_close(fd) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  line = strstr(buf, "\nVmRSS:") ;
  if (!line) return 0 ;
  line += 8 ;
  while (*line == ' ' || *line == '\t') line++ ;
  ulong_scan(line, &kb) ;
  return kb ;
}

 /* Until the peer of a socket hangs up (read gives 0 or an error). */
int h_eof_fd (int fd, unsigned int ms)
{
  tain d ;
  h_deadline(&d, ms) ;
  for (;;)
  {
    char buf[4096] ;
    ssize_t r ;
    if (h_readable(fd, &d) <= 0) return 0 ;
    r = fd_read(fd, buf, sizeof(buf)) ;
    if (r == 0 || (r < 0 && !error_isagain(errno))) return 1 ;
  }
}

 /* Until p has no more fds open than before (a leak otherwise). */
int h_nfds_back (hproc *p, int before, unsigned int ms)
{
  tain d ;
  int n ;
  if (before < 0) return 1 ;
  h_deadline(&d, ms) ;
  for (;;)
  {
    n = h_nfds(p->pid) ;
    if (n >= 0 && n <= before) return 1 ;
    if (h_expired(&d)) break ;
    h_pump(10) ;
  }
  if (n < 0) return FAIL("unable to count the fds of pid ", h_u(p->pid)) ;
  return FAIL("pid ", h_u(p->pid), " has ", h_u(n), " fds open, ", h_u(before), " before: a leak") ;
}


 /* the probe's report */

int h_report (stralloc const *screen, size_t from, char const *tag, hreport *r, unsigned int ms)
{
  char key[128] = "REPORT tag=" ;
  size_t klen = strlen(tag) ;
  tain d ;
  if (klen > 100) return FAIL("harness: tag too long") ;
  memcpy(key + 11, tag, klen) ;
  key[11 + klen] = ' ' ;
  key[12 + klen] = 0 ;
  h_deadline(&d, ms) ;
  for (;;)
  {
    size_t pos = h_find(screen, from, key) ;
    if (pos != (size_t)-1)
    {
      size_t end = pos ;
      while (end < screen->len && screen->s[end] != '\n' && screen->s[end] != '\r') end++ ;
      if (end < screen->len)
      {
        size_t len = end - pos ;
        if (len >= sizeof(r->line)) len = sizeof(r->line) - 1 ;
        memcpy(r->line, screen->s + pos, len) ;
        r->line[len] = 0 ;
        r->end = end ;
        return 1 ;
      }
    }
    if (h_expired(&d)) return 0 ;
    h_pump(20) ;
  }
}

char const *h_field (hreport const *r, char const *key)
{
  char *s = fmt_next() ;
  size_t klen = strlen(key) ;
  char const *p = r->line ;
  for (;;)
  {
    p = strchr(p, ' ') ;
    if (!p) return "(missing)" ;
    p++ ;
    if (!strncmp(p, key, klen) && p[klen] == '=')
    {
      size_t len = 0 ;
      p += klen + 1 ;
      while (p[len] && p[len] != ' ') len++ ;
      memcpy(s, p, len) ;
      s[len] = 0 ;
      return s ;
    }
  }
}

int h_check (hreport const *r, char const *key, char const *want)
{
  char const *got = h_field(r, key) ;
  if (!strcmp(got, want)) return 1 ;
  return FAIL("the program saw ", key, "=", got, ", expected ", want, " (", r->line, ")") ;
}


 /* raw clients */

 /* A blocking connection, made within H_LONG (a full backlog is waited out). */
int h_connect (char const *path)
{
  tain d ;
  h_deadline(&d, H_LONG) ;
  for (;;)
  {
    int e ;
    int s = ipc_stream_nbcoe() ;
    if (s < 0) return FAIL("harness: unable to create a socket: ", strerror(errno)), -1 ;
    if (ipc_connect(s, path))
    {
      if (ndelay_off(s) == 0) return s ;
      e = errno ;
      fd_close(s) ;
      return FAIL("harness: unable to make a socket blocking: ", strerror(e)), -1 ;
    }
    e = errno ;
    fd_close(s) ;
    if (!error_isagain(e) || h_expired(&d))
      return FAIL("unable to connect to ", path, ": ", strerror(e)), -1 ;
    h_pump(5) ;
  }
}

 /* 1: an answer came; 0: EOF without a complete answer; -1: nothing within ms. */
int h_answer (int s, ptysplit_answer *ans, unsigned int ms)
{
  char buf[PTYSPLIT_ANSWER_MAX] ;
  size_t len = 0 ;
  tain d ;
  h_deadline(&d, ms) ;
  for (;;)
  {
    size_t used ;
    ssize_t r ;
    if (h_readable(s, &d) <= 0) return -1 ;
    r = fd_read(s, buf + len, sizeof(buf) - len) ;
    if (r <= 0) return 0 ;
    len += r ;
    if (ptysplit_answer_parse(buf, len, ans, &used) == PTYSPLIT_PARSE_COMPLETE) return 1 ;
    if (len == sizeof(buf)) return 0 ;
  }
}

 /*
    One sendmsg of a payload with any number of fds in SCM_RIGHTS, for
    requests the library sender refuses to make (more than
    PTYSPLIT_FDPASS_MAXFDS fds). Returns the bytes sent, or -1.
 */
ssize_t h_sendfds_raw (int s, char const *payload, size_t len, int const *fds, unsigned int n)
{
  union { struct cmsghdr h ; char buf[CMSG_SPACE(sizeof(int) * H_RAWFDS_MAX)] ; } ctl ;
  struct iovec v = { .iov_base = (char *)payload, .iov_len = len } ;
  struct msghdr msg ;
  struct cmsghdr *c ;
  if (n > H_RAWFDS_MAX) return (errno = EINVAL, -1) ;
  memset(&msg, 0, sizeof(msg)) ;
  memset(&ctl, 0, sizeof(ctl)) ;
  msg.msg_iov = &v ; msg.msg_iovlen = 1 ;
  msg.msg_control = ctl.buf ; msg.msg_controllen = CMSG_SPACE(sizeof(int) * n) ;
  c = CMSG_FIRSTHDR(&msg) ;
  c->cmsg_level = SOL_SOCKET ; c->cmsg_type = SCM_RIGHTS ; c->cmsg_len = CMSG_LEN(sizeof(int) * n) ;
  memcpy(CMSG_DATA(c), fds, sizeof(int) * n) ;
  return sendmsg(s, &msg, MSG_NOSIGNAL) ;
}

 /* A socket file that nobody listens on any more. */
int h_stale (char const *path)
{
  int s = ipc_stream_b() ;
  if (s < 0) return FAIL("harness: unable to create a socket: ", strerror(errno)) ;
  if (ipc_bind(s, path) < 0)
  {
    fd_close(s) ;
    return FAIL("harness: unable to bind ", path, ": ", strerror(errno)) ;
  }
  fd_close(s) ;
  return 1 ;
}
