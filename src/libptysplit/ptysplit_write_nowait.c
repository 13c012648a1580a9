/* ISC license. */

#include <skalibs/nonposix.h>
#include <errno.h>
#include <sys/uio.h>

#include <ptysplit/fdpass.h>

 /* RWF_NOWAIT comes with pwritev2 (glibc 2.26, Linux 4.14; pipes since
    Linux 5.x). Without it, or where the fd does not support it (a
    terminal), EOPNOTSUPP: the caller knows it cannot write without
    blocking. */
ssize_t ptysplit_write_nowait (int fd, struct iovec const *v, unsigned int n)
{
#ifdef RWF_NOWAIT
  ssize_t r ;
  do r = pwritev2(fd, v, n, -1, RWF_NOWAIT) ;
  while (r < 0 && errno == EINTR) ;
  return r ;
#else
  (void)fd ; (void)v ; (void)n ;
  return (errno = EOPNOTSUPP, -1) ;
#endif
}
