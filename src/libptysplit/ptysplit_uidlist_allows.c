/* ISC license. */

#include <unistd.h>

#include <ptysplit/uidlist.h>

int ptysplit_uidlist_allows (ptysplit_uidlist const *list, uid_t uid)
{
  unsigned int i = 0 ;
  if (!uid || uid == geteuid()) return 1 ;
  for (; i < list->n ; i++) if (list->uids[i] == uid) return 1 ;
  return 0 ;
}
