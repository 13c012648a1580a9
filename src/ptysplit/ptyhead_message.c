/* ISC license. */

#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/error.h>

#include <ptysplit/fdpass.h>

#include "ptyhead.h"

#include <skalibs/posixishard.h>

 /* A burst of this many warnings about clients per second, the rest counted. */
#define WARN_BURST 8
 /* bytes of a message converted at once for a raw terminal */
#define MESSAGE_CHUNK 1024

 /*
    Every message of the head (strerr through buffer_2) comes here. It
    never blocks the loop: a pipe (a logger's) is reopened through /proc
    for an O_NONBLOCK of our own, or written with RWF_NOWAIT (a FIFO
    may support neither: then it is written as it is), a socket with
    MSG_DONTWAIT, and what would block is dropped. A terminal is written
    as it is, its LFs made CR LF while it is raw, so that the lines do
    not staircase.
 */

typedef enum stderr_kind_e stderr_kind, *stderr_kind_ref ;
enum stderr_kind_e
{
  STDERR_PLAIN,                              /* a terminal, a file */
  STDERR_PIPE,
  STDERR_SOCKET
} ;

static stderr_kind errkind = STDERR_PLAIN ;
static unsigned int errtty = 0 ;
static int errfd = 2 ;                       /* a pipe reopened: our own */

static ssize_t stderr_write (int fd, char const *s, size_t len)
{
  fd = errfd ;
  struct iovec v = { .iov_base = (char *)s, .iov_len = len } ;
  ssize_t r ;
  switch (errkind)
  {
    case STDERR_SOCKET : r = fd_send(fd, s, len, MSG_DONTWAIT | MSG_NOSIGNAL) ; break ;
    case STDERR_PIPE :
      r = ptysplit_write_nowait(fd, &v, 1) ;
      if (r >= 0 || errno != EOPNOTSUPP) break ;
      errkind = STDERR_PLAIN ;               /* no RWF_NOWAIT here */
      /* fallthrough */
    default : r = fd_write(fd, s, len) ;
  }
  return r ;
}

 /* What cannot be written now is dropped: reported as written, so
    that buffer_2 never keeps it nor retries. */
static ssize_t stderr_writev (int fd, struct iovec const *v, unsigned int n)
{
  char buf[MESSAGE_CHUNK * 2] ;
  size_t in = 0, out = 0 ;
  unsigned int i = 0 ;
  int crlf = errtty && term.tty.raw ;
  for (; i < n && in < MESSAGE_CHUNK ; i++)
  {
    char const *s = v[i].iov_base ;
    size_t j = 0 ;
    for (; j < v[i].iov_len && in < MESSAGE_CHUNK ; j++, in++)
    {
      if (s[j] == '\n' && crlf) buf[out++] = '\r' ;
      buf[out++] = s[j] ;
    }
  }
  if (!in) return 0 ;
  if (stderr_write(fd, buf, out) < 0 && !error_isagain(errno) && errno != EPIPE) return -1 ;
  return in ;
}

void message_init (void)
{
  struct stat st ;
  errtty = isatty(2) ;
  if (fstat(2, &st) == 0)
  {
    if (S_ISFIFO(st.st_mode))
    {
      int fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
      if (fd >= 0) errfd = fd ;
      else errkind = STDERR_PIPE ;
    }
    else if (S_ISSOCK(st.st_mode)) errkind = STDERR_SOCKET ;
  }
  buffer_2->op = &stderr_writev ;
}

 /* A flood of bad clients must not flood the operator's terminal:
    warnings about clients are rate-limited, and the next one let
    through says how many were not. */
int warn_allowed (void)
{
  static tain refill = TAIN_ZERO ;
  static unsigned int tokens = 0 ;
  static unsigned long suppressed = 0 ;
  tain_now_g() ;
  if (!tain_future(&refill))
  {
    tain_addsec_g(&refill, 1) ;
    tokens = WARN_BURST ;
    if (suppressed)
    {
      char fmt[ULONG_FMT] ;
      fmt[ulong_fmt(fmt, suppressed)] = 0 ;
      strerr_warnw("suppressed ", fmt, " warnings about clients in the last second") ;
      suppressed = 0 ;
    }
  }
  if (tokens) { tokens-- ; return 1 ; }
  suppressed++ ;
  return 0 ;
}
