/* ISC license. */

#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <signal.h>
#include <sys/uio.h>

#include <skalibs/gccattributes.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/cbuffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/error.h>

#include <ptysplit/protocol.h>
#include <ptysplit/pty.h>
#include <ptysplit/uidlist.h>

#include "ptyhead.h"


#define OUTBUF_SIZE 32768
#define INBUF_SIZE 4096



 /* the loop's helpers */

unsigned int x_add (iopause_fd *x, unsigned int *n, int fd, short events)
{
  x[*n].fd = fd ;
  x[*n].events = events ;
  x[*n].revents = 0 ;
  return (*n)++ ;
}

void deadline_min (tain *deadline, tain const *d)
{
  if (tain_less(d, deadline)) *deadline = *d ;
}

void teardown (void)
{
  int e = errno ;
  if (sess.state != SESSION_IDLE) session_end() ;
  else terminal_leave() ;
  clients_close() ;
  viewers_close() ;
  holder_finish() ;
  socket_remove() ;
  errno = e ;
}

 /* A signal to stop, or the terminal gone (EIO, however it is noticed). */
static void exit_clean (void) gccattr_noreturn ;
static void exit_clean (void)
{
  teardown() ;
  _exit(0) ;
}


 /* the proxy: the program's output to stdout, stdin to the program,
    each through a bounded queue, never waiting on one side for the other */

static char outbuf[OUTBUF_SIZE + 1] ;
static cbuffer outq = CBUFFER_INIT(outbuf, OUTBUF_SIZE + 1) ;
static char inbuf[INBUF_SIZE + 1] ;
static cbuffer inq = CBUFFER_INIT(inbuf, INBUF_SIZE + 1) ;
static uint64_t dropped = 0 ;                /* -n: output lost since the last repaint */
static unsigned int xstdin = XNONE ;
static unsigned int xstdout = XNONE ;
static unsigned int xmaster = XNONE ;

 /* One read into the queue's room: the result of fd_readv. */
static ssize_t queue_fill (cbuffer *b, int fd)
{
  struct iovec v[2] ;
  ssize_t r ;
  cbuffer_wpeek(b, v) ;
  r = fd_readv(fd, v, 2) ;
  if (r > 0) cbuffer_WSEEK(b, (size_t)r) ;
  return r ;
}

 /* One write of what the queue holds: the result of fd_writev. */
static ssize_t queue_flush (cbuffer *b, int fd)
{
  struct iovec v[2] ;
  ssize_t r ;
  cbuffer_rpeek(b, v) ;
  r = fd_writev(fd, v, 2) ;
  if (r > 0) cbuffer_RSEEK(b, (size_t)r) ;
  return r ;
}

static void master_write (void)
{
  if (queue_flush(&inq, sess.master) < 0 && !error_isagain(errno))
    inq.p = inq.n = 0 ;
}

void proxy_reset (void)
{
  inq.p = inq.n = 0 ;
}

 /* The head's own words on its terminal, in line with the program's
    output; never on a stdout that is not a terminal. */
static void terminal_say (char const *s)
{
  if (term.istty) cbuffer_puts(&outq, s) ;
}

 /* An idle head says what it waits for, on one line that the next
    session clears. */
static void waiting_show (void)
{
  if (verbosity < 1 || sess.state != SESSION_IDLE) return ;
  terminal_say("ptyhead: waiting for a program on ") ;
  terminal_say(sockpath) ;
}

 /* The waiting line goes; the terminal's title is the program's name
    (the old title pushed, popped at the end: xterm's title stack). */
void proxy_start (void)
{
  char title[PTYSPLIT_STRING_MAX + 1] ;
  size_t i = 0 ;
  if (!term.istty) return ;
  for (; sess.name[i] ; i++)
    title[i] = (unsigned char)sess.name[i] < 0x20 || sess.name[i] == 0x7f ? '?' : sess.name[i] ;
  title[i] = 0 ;
  if (verbosity >= 1) terminal_say("\r\033[K") ;
  terminal_say("\033[22;0t\033]0;") ;
  terminal_say(title) ;
  terminal_say("\007") ;
}

 /* Not painted into the next session (-r); said once the terminal reads. */
void proxy_end (void)
{
  dropped += cbuffer_len(&outq) ;
  outq.p = outq.n = 0 ;
  terminal_say("\033[23;0t") ;
}

static void drop_report (void)
{
  if (verbosity >= 2)
  {
    char fmt[UINT64_FMT] ;
    fmt[uint64_fmt(fmt, dropped)] = 0 ;
    strerr_warni("dropped ", fmt, " bytes of output while the terminal was not reading") ;
  }
  dropped = 0 ;
  repaint_request() ;
}

 /* What the program writes goes to the terminal's queue (-n: what does
    not fit is counted), to the log, to the replay and to the viewers. */
void output_from_program (char const *s, size_t len)
{
  if (!opt.headless) dropped += len - cbuffer_put(&outq, s, len) ;
  log_feed(s, len) ;
  replay_put(s, len) ;
  viewers_write() ;
  repaint_after_output() ;
}

 /* Keys from viewers go where the terminal's go. With no program, they
    are dropped. */
size_t head_input_room (void)
{
  return sess.state == SESSION_LIVE ? cbuffer_available(&inq) : INBUF_SIZE ;
}

void head_input_put (char const *s, size_t len)
{
  if (sess.state != SESSION_LIVE) return ;
  cbuffer_put(&inq, s, len) ;
  master_write() ;
}

static void stdout_write (void)
{
  if (queue_flush(&outq, 1) < 0 && !error_isagain(errno))
  {
    if (errno == EIO) exit_clean() ;
    diecleanusys(111, "write to stdout") ;
  }
  if (dropped && cbuffer_len(&outq) < OUTBUF_SIZE / 2) drop_report() ;
}

static void stdin_read (void)
{
  ssize_t r ;
  if (opt.readonly)
  {
    char discard[INBUF_SIZE] ;
    r = fd_read(0, discard, sizeof(discard)) ;
  }
  else
  {
    r = queue_fill(&inq, 0) ;
     /* Written at once: the master is nearly always ready, and waiting
        for iopause to say so costs one more iopause per keystroke. */
    if (r > 0) { sizerule_terminal_active() ; master_write() ; return ; }
  }
  if (r < 0 && error_isagain(errno)) return ;
  if (r < 0 && errno == EIO) exit_clean() ;
  if (r <= 0)
  {
    if (r < 0) strerr_warnwusys("read from stdin") ;
    term.stdin_eof = 1 ;
  }
}

 /* A PTY gives at most 4 KiB a read: a program that streams is read
    again, until the master has no more or the room is taken, so that
    every stage after (the terminal, the log, the replay, each viewer)
    works once per 32 KiB rather than per 4. It costs one read that
    says EAGAIN per wake-up. Not more than 32 KiB, half the replay
    ring, which is every viewer's queue: a viewer one chunk behind keeps
    its place in it. */
static ssize_t master_read_all (char *buf, size_t max)
{
  size_t got = 0 ;
  while (got < max)
  {
    ssize_t r = fd_read(sess.master, buf + got, max - got) ;
    if (r <= 0) return got ? (ssize_t)got : r ;
    got += r ;
  }
  return got ;
}

 /* EIO (or 0) is the program's hangup: then only the output is drained.
    -n reads whatever comes, so the program never blocks. */
static void master_read (void)
{
  char buf[OUTBUF_SIZE] ;
  size_t max = opt.dropping || opt.headless ? sizeof(buf) : cbuffer_available(&outq) ;
  ssize_t r = master_read_all(buf, max < sizeof(buf) ? max : sizeof(buf)) ;
  if (r > 0)
  {
    output_from_program(buf, r) ;
     /* Likewise: stdout is tried now, iopause only waits when it is
        full. A headless head has no stdout to try. */
    if (!opt.headless) stdout_write() ;
    return ;
  }
  if (r < 0 && error_isagain(errno)) return ;
  if (r < 0 && errno != EIO) strerr_warnwusys("read from the program's terminal") ;
  session_hangup() ;
}

static void proxy_prepare_iopause (iopause_fd *x, unsigned int *n, tain *deadline)
{
  if (sess.state == SESSION_HUNGUP && opt.dropping) deadline_min(deadline, &sess.drain) ;
  xstdout = cbuffer_isempty(&outq) && !dropped ? XNONE : x_add(x, n, 1, IOPAUSE_WRITE) ;
  xmaster = xstdin = XNONE ;
  if (sess.state == SESSION_LIVE)
  {
    short events = (!cbuffer_isfull(&outq) || opt.dropping || opt.headless ? IOPAUSE_READ : 0) | (cbuffer_isempty(&inq) ? 0 : IOPAUSE_WRITE) ;
    if (events) xmaster = x_add(x, n, sess.master, events) ;
    if (!term.stdin_eof && !cbuffer_isfull(&inq)) xstdin = x_add(x, n, 0, IOPAUSE_READ) ;
  }
}

static void proxy_handle (iopause_fd const *x)
{
  short r ;
  if (xrevents(x, xstdout)) stdout_write() ;
  if (sess.state != SESSION_LIVE) return ;
  r = xrevents(x, xmaster) ;
  if (r & IOPAUSE_WRITE || (!cbuffer_isempty(&inq) && r & IOPAUSE_EXCEPT)) master_write() ;
  if (r & (IOPAUSE_READ | IOPAUSE_EXCEPT) && (!cbuffer_isfull(&outq) || opt.dropping || opt.headless)) master_read() ;
  if (sess.state == SESSION_LIVE && xrevents(x, xstdin)) stdin_read() ;
}


 /* the loop */

static void handle_signals (void)
{
  for (;;) switch (selfpipe_read())
  {
    case -1 : diecleanusys(111, "selfpipe_read") ;
    case 0 : return ;
    case SIGWINCH :
    {
      struct winsize ws ;
      if (terminal_size(&ws)) sizerule_terminal(&ws) ;
      break ;
    }
    case SIGTERM :
    case SIGINT :
    case SIGHUP : exit_clean() ;
     /* Job control: the terminal is given back as it was before a stop,
        and taken again after, whatever the shell did in between. */
    case SIGTSTP :
      terminal_leave() ;
      kill(getpid(), SIGSTOP) ;
      break ;
    case SIGCONT :
      if (sess.state == SESSION_IDLE) break ;
      terminal_leave() ;
      terminal_enter() ;
      break ;
  }
}

 /* HUNGUP -> LOGDRAIN once the output is out (-n: or its time is up),
    -> IDLE once the log is. */
static void session_advance (void)
{
  if (sess.state == SESSION_HUNGUP && (cbuffer_isempty(&outq) || (opt.dropping && !tain_future(&sess.drain))))
    sess.state = SESSION_LOGDRAIN ;
  if (sess.state != SESSION_LOGDRAIN || log_pending()) return ;
  session_end() ;
  holder_delete() ;
  if (opt.once) exit_clean() ;
  waiting_show() ;
}

static void loop (int spfd)
{
  for (;;)
  {
    iopause_fd x[6 + MAXCLIENTS + VIEWERS_MAX] ;
    unsigned int n = 0 ;
    tain deadline = tain_infinite ;
    x_add(x, &n, spfd, IOPAUSE_READ) ;
    proxy_prepare_iopause(x, &n, &deadline) ;
    log_prepare_iopause(x, &n, &deadline) ;
    clients_prepare_iopause(x, &n, &deadline) ;
    viewers_prepare_iopause(x, &n) ;
    holder_prepare_iopause(x, &n, &deadline) ;
    repaint_prepare_iopause(&deadline) ;

    if (iopause_g(x, n, &deadline) < 0) diecleanusys(111, "iopause") ;

    if (x[0].revents & IOPAUSE_READ) handle_signals() ;
    proxy_handle(x) ;
    log_handle(x) ;
    viewers_handle(x) ;
    holder_handle(x) ;
    repaint_handle() ;
    session_advance() ;
    clients_handle(x) ;
  }
}


 /* start-up */

 /* -s, or the terminal's size, which is then one more viewer's */
static void head_size_init (void)
{
  struct winsize ws = { .ws_row = opt.rows, .ws_col = opt.cols, .ws_xpixel = 0, .ws_ypixel = 0 } ;
  sizerule_init(&ws) ;
  if (terminal_size(&ws)) sizerule_terminal(&ws) ;
}

static int signals_init (void)
{
  sigset_t set ;
  int fd = selfpipe_init() ;
  if (fd < 0) strerr_diefusys(111, "init selfpipe") ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGINT) ;
  sigaddset(&set, SIGHUP) ;
  sigaddset(&set, SIGWINCH) ;
  sigaddset(&set, SIGTSTP) ;
  sigaddset(&set, SIGCONT) ;
  if (!selfpipe_trapset(&set)) strerr_diefusys(111, "trap signals") ;
  if (sig_ignore(SIGPIPE) < 0) strerr_diefusys(111, "ignore SIGPIPE") ;
  return fd ;
}

int main (int argc, char const *const *argv)
{
  int spfd ;
  PROG = "ptyhead" ;
  message_init() ;
  options_parse(argc, argv) ;
  if (!fd_sanitize()) strerr_diefusys(111, "make sure fds 0, 1 and 2 are open") ;
  term.istty = !opt.headless && isatty(0) ;
  term.stdin_eof = opt.headless ;
  clients_init() ;
  tain_now_set_stopwatch_g() ;
  head_size_init() ;
  sess.since = STAMP ;
  holder_init() ;
  spfd = signals_init() ;
  socket_create() ;
  if (verbosity >= 2) strerr_warni("listening on ", sockpath) ;
  holder_adopt() ;
  waiting_show() ;
  if (opt.notif >= 0)
  {
    fd_write(opt.notif, "\n", 1) ;
    fd_close(opt.notif) ;
  }
  loop(spfd) ;
}
