/* ISC license. */

#ifndef PTYHEAD_H
#define PTYHEAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/ioctl.h>

#include <skalibs/iopause.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

 /* (draft of the viewers' part, to be merged into the split's header) */

extern unsigned int verbosity ;
extern int warn_allowed (void) ;
#define client_warnw(...) do { if (warn_allowed()) strerr_warnw(__VA_ARGS__) ; } while (0)
#define client_warnwusys(...) do { if (warn_allowed()) strerr_warnwusys(__VA_ARGS__) ; } while (0)
#define client_warni(...) do { if (warn_allowed()) strerr_warni(__VA_ARGS__) ; } while (0)

#define XNONE ((unsigned int)-1)
extern unsigned int x_add (iopause_fd *, unsigned int *, int, short) ;

 /* What the head gives the viewers (ptyhead.c) */
extern void head_setsize (struct winsize const *) ;   /* the program's size, now and for the next one */
extern void head_repaint (void) ;                      /* a real repaint of the program, soon */
extern size_t head_input_room (void) ;                 /* keys the program's input queue takes now */
extern void head_input_put (char const *, size_t) ;    /* at most head_input_room() bytes */
extern int head_status (stralloc *) ;                  /* the STATUS line, LF included; 0: no memory */

 /* ptyhead_replay.c: the last output, every viewer's output queue */
#define PTYSPLIT_REPLAY_SIZE 65536
extern void replay_put (char const *, size_t) ;
extern uint64_t replay_start (void) ;                  /* absolute position of the oldest byte kept */
extern uint64_t replay_end (void) ;                    /* absolute position after the newest */
extern void replay_peek (uint64_t, struct iovec *) ;   /* v[2]: the bytes from a kept position on */
extern uint64_t replay_linestart (uint64_t) ;          /* the first line start at or after it */
extern int replay_text (stralloc *) ;                  /* the replay as text lines, for PRINT */

 /* ptyhead_viewer.c: the viewers and the size rule */
#define VIEWERS_MAX 128
extern int viewer_add (int, uid_t, uint32_t, unsigned int, char const *, size_t) ;  /* fd, uid, pid, request flags, bytes read past the request */
extern void viewers_prepare_iopause (iopause_fd *, unsigned int *) ;
extern void viewers_handle (iopause_fd const *) ;
extern void viewers_write (void) ;                     /* after replay_put: now, to all that can take it */
extern void viewers_close (void) ;
extern unsigned int viewers_count (unsigned int *) ;   /* VIEW viewers; *: how many read-only */
extern uint64_t viewers_dropped (void) ;               /* bytes viewers lost since the head started */
extern void sizerule_init (struct winsize const *) ;   /* -s, or the terminal's */
extern void sizerule_get (struct winsize *) ;          /* the size the program has, or the next one gets */
extern void sizerule_terminal (struct winsize const *) ;  /* the head's own terminal resized */
extern void sizerule_terminal_active (void) ;          /* the head's own terminal typed */

#endif
