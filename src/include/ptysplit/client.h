/* ISC license. */

#ifndef PTYSPLIT_CLIENT_H
#define PTYSPLIT_CLIENT_H

#include <skalibs/tai.h>

#include <ptysplit/uidlist.h>

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

 /*
    What ptyexec and ptyattach do with these, dying (111, PROG's message)
    on failure: connect as above, then check the head's uid against the
    list (root, our euid, -u); returns the connection.
 */
extern int ptysplit_client_connect (char const *, ptysplit_uidlist const *, int, unsigned int, tain const *, unsigned int *) ;

 /* Waits for events on the connection until the deadline, or dies. */
extern void ptysplit_client_wait (int, short, tain const *, char const *) ;

#endif
