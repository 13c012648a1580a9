/* ISC license. */

#ifndef PTYSPLIT_UIDLIST_H
#define PTYSPLIT_UIDLIST_H

#include <sys/types.h>

#define PTYSPLIT_UIDLIST_MAX 16

 /* Who may sit at the other end of the socket: root, our euid, and -u uids. */
typedef struct ptysplit_uidlist_s ptysplit_uidlist, *ptysplit_uidlist_ref ;
struct ptysplit_uidlist_s
{
  uid_t uids[PTYSPLIT_UIDLIST_MAX] ;
  unsigned int n ;
} ;
#define PTYSPLIT_UIDLIST_ZERO { .uids = { 0 }, .n = 0 }

 /* Parses one -u argument into the list: 1 on success, 0 on a bad or excess uid. */
extern int ptysplit_uidlist_add (ptysplit_uidlist *, char const *) ;

 /* 1 if uid is root, the caller's euid, or in the list. */
extern int ptysplit_uidlist_allows (ptysplit_uidlist const *, uid_t) ;

 /* The same for the peer of a UNIX socket: 1 allowed, 0 not (*uid says who), -1 error. */
extern int ptysplit_uidlist_allowspeer (ptysplit_uidlist const *, int, uid_t *) ;

#endif
