/* ISC license. */

#ifndef PTYSPLIT_CLIENT_H
#define PTYSPLIT_CLIENT_H

#include <skalibs/tai.h>

 /* Reaching a head, for its clients (ptyexec, ptyattach). */

#define PTYSPLIT_BACKOFF_MIN 10              /* ms, doubling up to */
#define PTYSPLIT_BACKOFF_MAX 250

 /*
    Connects to the head's socket: once, or if waiting, again while it is
    absent, refuses or has a full backlog, sleeping the back-off between
    attempts, until the deadline. Returns a non-blocking, close-on-exec
    fd; -1 on a final error, -2 when the deadline passed while retrying,
    errno the last attempt's in both cases. The clock is STAMP.
 */
extern int ptysplit_connect (char const *, int, tain const *, unsigned int *) ;

 /* Sleeps *backoff ms (not past the deadline), then doubles it up to the max. */
extern void ptysplit_backoff (unsigned int *, tain const *) ;

#endif
