/* ISC license. */

#include <skalibs/nonposix.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>

#include <ptysplit/pty.h>

 /* A client end, a pipe or a file is a tty or not, but only a master
    has a client end to name. */
int ptysplit_pty_ismaster (int fd)
{
  char name[PTYSPLIT_PTYNAME_MAX] ;
  int e ;
  if (!isatty(fd)) return errno == ENOTTY || errno == EINVAL ? (errno = ENOTTY, 0) : -1 ;
  e = ptsname_r(fd, name, sizeof(name)) ;
  if (!e) return 1 ;
  if (e == ENOTTY || e == EINVAL) return (errno = ENOTTY, 0) ;
  errno = e ;
  return -1 ;
}
