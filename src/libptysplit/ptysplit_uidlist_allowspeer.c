/* ISC license. */

#include <sys/types.h>

#include <skalibs/posixplz.h>

#include <ptysplit/uidlist.h>

int ptysplit_uidlist_allowspeer (ptysplit_uidlist const *uids, int s, uid_t *uid)
{
  gid_t gid ;
  if (getpeereid(s, uid, &gid) < 0) return -1 ;
  return ptysplit_uidlist_allows(uids, *uid) ;
}
