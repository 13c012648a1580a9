/* ISC license. */

#include <skalibs/strerr.h>

#include "ptyhead.h"

 /* -F for a ptyhead built without libs6: configure links this object
    instead of ptyhead_holder.o. */

void holder_init (void)
{
  if (opt.holder) strerr_dief(100, "-F: this ptyhead was built without s6-fdholder support (libs6-dev was missing at build time)") ;
}

void holder_adopt (void)
{
}

void holder_store (int master)
{
  (void)master ;
}

void holder_delete (void)
{
}

int holder_parked (void)
{
  return 0 ;
}

void holder_prepare_iopause (iopause_fd *x, unsigned int *n, tain *deadline)
{
  (void)x ;
  (void)n ;
  (void)deadline ;
}

void holder_handle (iopause_fd const *x)
{
  (void)x ;
}

void holder_finish (void)
{
}
