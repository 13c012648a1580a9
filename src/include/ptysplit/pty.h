/* ISC license. */

#ifndef PTYSPLIT_PTY_H
#define PTYSPLIT_PTY_H

#include <stddef.h>
#include <termios.h>

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


 /* What a program changed on its own terminal (fds 0 and 1): the
    modes, if it made them raw, and the file status flags. */
typedef struct ptysplit_ttysave_s ptysplit_ttysave, *ptysplit_ttysave_ref ;
struct ptysplit_ttysave_s
{
  unsigned int raw : 1 ;
  unsigned int flagsaved : 1 ;
  struct termios saved ;
  int flags0 ;
  int flags1 ;
} ;
#define PTYSPLIT_TTYSAVE_ZERO { .raw = 0, .flagsaved = 0, .flags0 = 0, .flags1 = 0 }

 /* Puts back exactly what was saved, once; errno is kept. */
extern void ptysplit_tty_restore (ptysplit_ttysave *) ;

#endif
