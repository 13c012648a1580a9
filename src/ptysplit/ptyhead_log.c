/* ISC license. */

#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/cbuffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/error.h>

#include <ptysplit/textlog.h>
#include <ptysplit/fdpass.h>

#include "ptyhead.h"

#include <skalibs/posixishard.h>

 /*
    The log (ptyexec -L): a copy of what the program writes, as plain
    text, for the supervisor's logger. It has its own bounded queue and is
    written only when the logger can take it: a logger that does not keep
    up loses text, counted, and a line says how much once it reads again.
    It never blocks the program or the session.
 */

#define LOGBUF_SIZE 16384
#define LOG_CHUNK 4096
 /* s: how long an ended session's log may take to drain */
#define LOG_DRAIN_SECS 1

static char const log_dropmsg[] = "ptyhead: dropped " ;
static char const log_dropend[] = " bytes of log text: the logger was not reading\n" ;

typedef enum log_kind_e log_kind, *log_kind_ref ;
enum log_kind_e
{
  LOG_OWN,                                   /* a FIFO reopened: our own O_NONBLOCK */
  LOG_SOCKET,                                /* send(MSG_DONTWAIT) */
  LOG_SHARED                                 /* the fd that came: pwritev2(RWF_NOWAIT) */
} ;

typedef struct log_s log_t, *log_t_ref ;
struct log_s
{
  int fd ;                                   /* -1: no log fd came with the master */
  log_kind kind ;
  uint64_t dropped ;                         /* bytes lost since the last drop line */
  tain deadline ;                            /* after the hangup: the last chance */
  unsigned int xindex ;
  cbuffer q ;
  ptysplit_textlog filter ;
} ;

static void log_close (void) ;

static char logbuf[LOGBUF_SIZE + 1] ;
static log_t lg = { .fd = -1, .kind = LOG_SHARED, .dropped = 0, .xindex = XNONE, .q = CBUFFER_INIT(logbuf, LOGBUF_SIZE + 1), .filter = PTYSPLIT_TEXTLOG_ZERO } ;

 /* A FIFO is reopened through /proc, for an O_NONBLOCK of our own: the
    program may share the original (fdmove -c 2 1). Only a FIFO: reopening
    a device can have side effects (a watchdog armed, a PTY allocated by
    /dev/ptmx). When that fails (the pipe is another user's), or for
    anything else, the original is written with RWF_NOWAIT; where that is
    not supported, the copy is dropped with a warning. A socket gets
    MSG_DONTWAIT. Never a write that can block. */
void log_open (int fd)
{
  struct stat st ;
  char path[14 + UINT_FMT] = "/proc/self/fd/" ;
  int own ;
  static ptysplit_textlog const fresh = PTYSPLIT_TEXTLOG_ZERO ;
  lg.fd = fd ;
  lg.kind = LOG_SHARED ;
  lg.filter = fresh ;
  if (fstat(fd, &st) < 0) return ;
  if (S_ISSOCK(st.st_mode)) { lg.kind = LOG_SOCKET ; return ; }
  if (!S_ISFIFO(st.st_mode)) return ;
  path[14 + uint_fmt(path + 14, fd)] = 0 ;
  own = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
  if (own < 0) return ;
  fd_close(fd) ;
  lg.fd = own ;
  lg.kind = LOG_OWN ;
}

int log_fd (void)
{
  return lg.fd ;
}

void log_close (void)
{
  if (lg.fd < 0) return ;
  fd_close(lg.fd) ;
  lg.fd = -1 ;
  lg.xindex = XNONE ;
  lg.q.p = lg.q.n = 0 ;
  lg.dropped = 0 ;
}

 /* The drop line goes first, as soon as it fits. */
static void log_dropline (void)
{
  char line[sizeof(log_dropmsg) + UINT64_FMT + sizeof(log_dropend)] ;
  size_t len = sizeof(log_dropmsg) - 1 ;
  if (!lg.dropped) return ;
  memcpy(line, log_dropmsg, len) ;
  len += uint64_fmt(line + len, lg.dropped) ;
  memcpy(line + len, log_dropend, sizeof(log_dropend) - 1) ;
  len += sizeof(log_dropend) - 1 ;
  if (cbuffer_available(&lg.q) < len) return ;
  cbuffer_put(&lg.q, line, len) ;
  lg.dropped = 0 ;
}

static void log_queue (char const *s, size_t len)
{
  if (!len) return ;
  log_dropline() ;
  if (lg.dropped || cbuffer_available(&lg.q) < len) lg.dropped += len ;
  else cbuffer_put(&lg.q, s, len) ;
}

void log_feed (char const *s, size_t len)
{
  char out[PTYSPLIT_TEXTLOG_OUTMAX(LOG_CHUNK)] ;
  if (lg.fd < 0) return ;
  while (len)
  {
    size_t n = len < LOG_CHUNK ? len : LOG_CHUNK ;
    log_queue(out, ptysplit_textlog_feed(&lg.filter, s, n, out, sizeof(out))) ;
    s += n ; len -= n ;
  }
}

 /* At the hangup: the last partial line, and a deadline to drain. */
void log_finish (void)
{
  char out[PTYSPLIT_TEXTLOG_LINEMAX + 1] ;
  if (lg.fd < 0) return ;
  log_queue(out, ptysplit_textlog_flush(&lg.filter, out, sizeof(out))) ;
  tain_now_g() ;
  tain_addsec_g(&lg.deadline, LOG_DRAIN_SECS) ;
}

 /* At most PIPE_BUF bytes, so that a line is never cut by what the
    program writes to the same pipe. */
static ssize_t log_write_some (void)
{
  struct iovec v[2] ;
  cbuffer_rpeek(&lg.q, v) ;
  if (v[0].iov_len > PIPE_BUF) v[0].iov_len = PIPE_BUF ;
  switch (lg.kind)
  {
    case LOG_OWN : return fd_write(lg.fd, v[0].iov_base, v[0].iov_len) ;
    case LOG_SOCKET : return fd_send(lg.fd, v[0].iov_base, v[0].iov_len, MSG_DONTWAIT | MSG_NOSIGNAL) ;
    default : return ptysplit_write_nowait(lg.fd, v, 1) ;
  }
}

static void log_write (void)
{
  ssize_t r = log_write_some() ;
  if (r < 0)
  {
    if (error_isagain(errno)) return ;
    if (errno == EOPNOTSUPP)
      strerr_warnw("the program's log cannot be written to without blocking: the session goes on without it") ;
    else strerr_warnwusys("write to the program's log: the session goes on without it") ;
    log_close() ;
    return ;
  }
  cbuffer_RSEEK(&lg.q, (size_t)r) ;
  log_dropline() ;
}

 /* The session is over (or replaced, -r): its last partial line and
    one last write, never blocking, then the log goes. */
void log_end (void)
{
  if (lg.fd < 0) return ;
  log_finish() ;
  if (!cbuffer_isempty(&lg.q)) log_write() ;
  log_close() ;
}

 /* The hung-up session waits for its log, until the deadline. */
int log_pending (void)
{
  return lg.fd >= 0 && !cbuffer_isempty(&lg.q) && tain_future(&lg.deadline) ;
}

void log_prepare_iopause (iopause_fd *x, unsigned int *n, tain *deadline)
{
  lg.xindex = XNONE ;
  if (lg.fd < 0 || cbuffer_isempty(&lg.q)) return ;
  lg.xindex = x_add(x, n, lg.fd, IOPAUSE_WRITE) ;
  if (sess.state >= SESSION_HUNGUP) deadline_min(deadline, &lg.deadline) ;
}

void log_handle (iopause_fd const *x)
{
  if (lg.fd >= 0 && xrevents(x, lg.xindex)) log_write() ;
}
