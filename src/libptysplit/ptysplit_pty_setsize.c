/* ISC license. */

#include <sys/ioctl.h>
#include <termios.h>

#include <ptysplit/pty.h>

int ptysplit_pty_setsize (int fd, unsigned int rows, unsigned int cols, unsigned int xpixel, unsigned int ypixel)
{
  struct winsize ws = { .ws_row = rows, .ws_col = cols, .ws_xpixel = xpixel, .ws_ypixel = ypixel } ;
  return ioctl(fd, TIOCSWINSZ, &ws) ;
}
