/* ISC license. */

#include <skalibs/nonposix.h>
#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <sys/ioctl.h>

#include <skalibs/djbunix.h>

#include "ptyhead.h"

 /* What ptyhead changed on its own terminal, to put back exactly. */
terminal term = TERMINAL_ZERO ;

void terminal_enter (void)
{
  if (opt.headless) return ;
  term.tty.flags0 = fcntl(0, F_GETFL) ;
  term.tty.flags1 = fcntl(1, F_GETFL) ;
  term.tty.flagsaved = term.tty.flags0 >= 0 && term.tty.flags1 >= 0 ;
  if (term.istty && tcgetattr(0, &term.tty.saved) == 0)
  {
    struct termios raw = term.tty.saved ;
    cfmakeraw(&raw) ;
    tcflush(0, TCIFLUSH) ;
    if (tcsetattr(0, TCSANOW, &raw) == 0) term.tty.raw = 1 ;
  }
  if (term.tty.flagsaved) ndelay_on(1) ;
}

void terminal_leave (void)
{
  ptysplit_tty_restore(&term.tty) ;
}

 /* stdin's size, when it is a terminal that knows it: 1, else 0. */
int terminal_size (struct winsize *ws)
{
  return term.istty && ioctl(0, TIOCGWINSZ, ws) == 0 && ws->ws_row && ws->ws_col ;
}
