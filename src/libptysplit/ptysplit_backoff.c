/* ISC license. */

#include <skalibs/tai.h>
#include <skalibs/iopause.h>

#include <ptysplit/client.h>

void ptysplit_backoff (unsigned int *backoff, tain const *deadline)
{
  tain wake ;
  tain_from_millisecs(&wake, *backoff) ;
  tain_add_g(&wake, &wake) ;
  if (tain_less(deadline, &wake)) wake = *deadline ;
  deepsleepuntil_g(&wake) ;
  *backoff = *backoff << 1 > PTYSPLIT_BACKOFF_MAX ? PTYSPLIT_BACKOFF_MAX : *backoff << 1 ;
}
