/* ISC license. */

#include <skalibs/nonposix.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>

#include <skalibs/djbunix.h>

#include <ptysplit/pty.h>

int ptysplit_pty_open (char *name, size_t namelen)
{
  int e ;
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (m < 0) return -1 ;
  if (grantpt(m) < 0 || unlockpt(m) < 0) goto err ;
  e = ptsname_r(m, name, namelen) ;
  if (e) { errno = e ; goto err ; }
  if (ptysplit_pty_setsize(m, PTYSPLIT_DEFAULT_ROWS, PTYSPLIT_DEFAULT_COLS, 0, 0) < 0) goto err ;
  return m ;
 err:
  fd_close(m) ;
  return -1 ;
}
