/* ISC license. */

#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include <ptysplit/client.h>

void ptysplit_client_wait (int s, short events, tain const *deadline, char const *path)
{
  iopause_fd x = { .fd = s, .events = events, .revents = 0 } ;
  int r = iopause_g(&x, 1, deadline) ;
  if (r < 0) strerr_diefusys(111, "iopause") ;
  if (!r) strerr_dief(111, "timed out waiting for the head at ", path) ;
}
