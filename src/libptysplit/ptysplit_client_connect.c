/* ISC license. */

#include <sys/types.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include <ptysplit/uidlist.h>
#include <ptysplit/client.h>

int ptysplit_client_connect (char const *path, ptysplit_uidlist const *uids, int waiting, unsigned int timeout, tain const *deadline, unsigned int *backoff)
{
  uid_t uid ;
  int r ;
  int s = ptysplit_connect(path, waiting, deadline, backoff) ;
  if (s == -2)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, timeout)] = 0 ;
    strerr_diefusys(111, "connect to a head at ", path, " within ", fmt, " ms") ;
  }
  if (s < 0) strerr_diefusys(111, "connect to a head at ", path) ;
  r = ptysplit_uidlist_allowspeer(uids, s, &uid) ;
  if (r < 0) strerr_diefusys(111, "get the credentials of the head at ", path) ;
  if (!r)
  {
    char fmt[UID_FMT] ;
    fmt[uid_fmt(fmt, uid)] = 0 ;
    strerr_dief(111, "refusing head at ", path, ": it runs as uid ", fmt) ;
  }
  return s ;
}
