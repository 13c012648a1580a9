/* ISC license. */

#include <skalibs/djbunix.h>

#include <ptysplit/fdpass.h>

void ptysplit_closefds (int const *fds, unsigned int n)
{
  unsigned int i = 0 ;
  for (; i < n ; i++) fd_close(fds[i]) ;
}
