/* ISC license. */

#include <stdint.h>

#include <skalibs/types.h>
#include <skalibs/tai.h>
#include <skalibs/stralloc.h>

#include "ptyhead.h"

 /* One line in the s6-svstat spirit, fields in a fixed order (see
    doc/protocol.html):
      up (pid 1234) 56 seconds, program rtorrent, 2 viewers (1 read-only), 0 bytes dropped, parked
      down 12 seconds, 0 viewers, 0 bytes dropped */

static int cat_uint64 (stralloc *sa, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  return stralloc_catb(sa, fmt, uint64_fmt(fmt, u)) ;
}

int head_status (stralloc *sa)
{
  unsigned int ro ;
  unsigned int n = viewers_count(&ro) ;
  int up = sess.state != SESSION_IDLE ;
  tain d ;
  tain_sub(&d, &STAMP, &sess.since) ;
  if (up)
  {
    if (!stralloc_cats(sa, "up (pid ") || !cat_uint64(sa, sess.pid) || !stralloc_cats(sa, ") ")) return 0 ;
  }
  else if (!stralloc_cats(sa, "down ")) return 0 ;
  if (!cat_uint64(sa, tai_sec(tain_secp(&d))) || !stralloc_cats(sa, " seconds, ")) return 0 ;
  if (up && (!stralloc_cats(sa, "program ") || !stralloc_cats(sa, sess.name) || !stralloc_cats(sa, ", "))) return 0 ;
  if (!cat_uint64(sa, n) || !stralloc_cats(sa, " viewers")) return 0 ;
  if (ro && (!stralloc_cats(sa, " (") || !cat_uint64(sa, ro) || !stralloc_cats(sa, " read-only)"))) return 0 ;
  if (!stralloc_cats(sa, ", ") || !cat_uint64(sa, viewers_dropped()) || !stralloc_cats(sa, " bytes dropped")) return 0 ;
  if (up && holder_parked() && !stralloc_cats(sa, ", parked")) return 0 ;
  return stralloc_catb(sa, "\n", 1) ;
}
