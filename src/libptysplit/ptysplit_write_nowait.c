/* ISC license. */

#include <skalibs/nonposix.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/ioctl.h>

#include <skalibs/allreadwrite.h>

#include <ptysplit/fdpass.h>

 /* A FIFO opened by name takes no RWF_NOWAIT (pipes from pipe() do). It
    gets a plain write of at most PIPE_BUF bytes, which a pipe takes whole
    or waits for, and only when there is room for it: the room counted in
    bytes, less two pages, since the reader's page and the last writer's
    may each be partly filled and still take a whole slot. It does not
    wait, then, unless another writer takes the room in between. */
static ssize_t fifo_write_ifroom (int fd, struct iovec const *v, unsigned int n)
{
#if defined(F_GETPIPE_SZ) && defined(FIONREAD)
  struct stat st ;
  size_t len = 0 ;
  long page = sysconf(_SC_PAGESIZE) ;
  int size, used ;
  unsigned int i = 0 ;
  for (; i < n ; i++) len += v[i].iov_len ;
  if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode) || len > PIPE_BUF || page <= 0) return (errno = EOPNOTSUPP, -1) ;
  size = fcntl(fd, F_GETPIPE_SZ) ;
  if (size < 0 || ioctl(fd, FIONREAD, &used) < 0) return (errno = EOPNOTSUPP, -1) ;
  if ((long)size - used < (long)len + 2 * page) return (errno = EAGAIN, -1) ;
  return fd_writev(fd, v, n) ;
#else
  (void)fd ; (void)v ; (void)n ;
  return (errno = EOPNOTSUPP, -1) ;
#endif
}

 /* RWF_NOWAIT comes with pwritev2 (glibc 2.26, Linux 4.14; pipes since
    Linux 5.x). Where the fd does not support it, a FIFO is written only
    when it has room; anything else (a terminal) gives EOPNOTSUPP: the
    caller knows it cannot write without blocking. */
ssize_t ptysplit_write_nowait (int fd, struct iovec const *v, unsigned int n)
{
#ifdef RWF_NOWAIT
  ssize_t r ;
  do r = pwritev2(fd, v, n, -1, RWF_NOWAIT) ;
  while (r < 0 && errno == EINTR) ;
  if (r >= 0 || errno != EOPNOTSUPP) return r ;
#endif
  return fifo_write_ifroom(fd, v, n) ;
}
