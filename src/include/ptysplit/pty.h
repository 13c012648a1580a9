/* ISC license. */

#ifndef PTYSPLIT_PTY_H
#define PTYSPLIT_PTY_H

#include <stddef.h>

#define PTYSPLIT_PTYNAME_MAX 64
#define PTYSPLIT_DEFAULT_ROWS 24
#define PTYSPLIT_DEFAULT_COLS 80

 /* Allocates a master, close-on-exec from birth, unlocked, sized 24x80;
    writes the client end's path into name. Returns the master or -1. */
extern int ptysplit_pty_open (char *, size_t) ;

 /* 1 if the fd is a PTY master, 0 if not (errno says why), -1 on error. */
extern int ptysplit_pty_ismaster (int) ;

 /* Sets the window size: returns 0 or -1. */
extern int ptysplit_pty_setsize (int, unsigned int, unsigned int, unsigned int, unsigned int) ;

#endif
