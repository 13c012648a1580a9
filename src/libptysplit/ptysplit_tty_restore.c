/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <termios.h>

#include <ptysplit/pty.h>

void ptysplit_tty_restore (ptysplit_ttysave *t)
{
  int e = errno ;
  if (t->raw) tcsetattr(0, TCSANOW, &t->saved) ;
  t->raw = 0 ;
  if (t->flagsaved)
  {
    fcntl(1, F_SETFL, t->flags1) ;
    fcntl(0, F_SETFL, t->flags0) ;
  }
  t->flagsaved = 0 ;
  errno = e ;
}
