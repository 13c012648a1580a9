/* ISC license. */

#include <skalibs/types.h>

#include <ptysplit/uidlist.h>

int ptysplit_uidlist_add (ptysplit_uidlist *list, char const *s)
{
  uid_t uid ;
  if (list->n >= PTYSPLIT_UIDLIST_MAX || !uid0_scan(s, &uid)) return 0 ;
  list->uids[list->n++] = uid ;
  return 1 ;
}
