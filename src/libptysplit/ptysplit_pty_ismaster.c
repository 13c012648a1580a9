/* ISC license. */

#include <skalibs/nonposix.h>
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <ptysplit/pty.h>

 /* A client end, a pipe or a file is a tty or not, but only a master
    has a PTY number. TIOCGPTN asks the master itself: no path under
    /dev/pts is looked at, so a master from another devpts instance (a
    container's) is recognised too. Elsewhere, ptsname_r. */
int ptysplit_pty_ismaster (int fd)
{
  int e ;
  if (!isatty(fd)) return errno == ENOTTY || errno == EINVAL ? (errno = ENOTTY, 0) : -1 ;
#ifdef TIOCGPTN
  {
    unsigned int n ;
    e = ioctl(fd, TIOCGPTN, &n) < 0 ? errno : 0 ;
  }
#else
  {
    char name[PTYSPLIT_PTYNAME_MAX] ;
    e = ptsname_r(fd, name, sizeof(name)) ;
  }
#endif
  if (!e) return 1 ;
  if (e == ENOTTY || e == EINVAL) return (errno = ENOTTY, 0) ;
  errno = e ;
  return -1 ;
}
