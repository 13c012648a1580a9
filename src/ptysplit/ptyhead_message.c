/* ISC license. */

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include "ptyhead.h"

 /* A burst of this many per second, the rest counted. */
#define WARN_BURST 8

 /* A flood of bad clients must not flood the operator's terminal, nor
    block the head on a stderr nobody reads: warnings about clients are
    rate-limited, and the next one let through says how many were not. */
int warn_allowed (void)
{
  static tain refill = TAIN_ZERO ;
  static unsigned int tokens = 0 ;
  static unsigned long suppressed = 0 ;
  tain_now_g() ;
  if (!tain_future(&refill))
  {
    tain_addsec_g(&refill, 1) ;
    tokens = WARN_BURST ;
    if (suppressed)
    {
      char fmt[ULONG_FMT] ;
      fmt[ulong_fmt(fmt, suppressed)] = 0 ;
      strerr_warnw("suppressed ", fmt, " warnings about clients in the last second") ;
      suppressed = 0 ;
    }
  }
  if (tokens) { tokens-- ; return 1 ; }
  suppressed++ ;
  return 0 ;
}
