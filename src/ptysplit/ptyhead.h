/* ISC license. */

#ifndef PTYHEAD_H
#define PTYHEAD_H

 /*
    ptyhead's private pieces, one concern a file (doc/hacking.html):
    ptyhead.c          main, the loop, the proxy, output_from_program
    ptyhead_options.c  the command line, checked
    ptyhead_terminal.c the head's own terminal: modes, size
    ptyhead_socket.c   the listening socket
    ptyhead_log.c      the -L copy of the output for the supervisor's logger
    ptyhead_session.c  the session's states, the size, the repaint
    ptyhead_client.c   clients in their handshake, and what they ask for
    ptyhead_holder.c   -F (ptyhead_holder_none.c: built without libs6)
    ptyhead_replay.c   the last 64 KiB of output: replay, PRINT, the viewers' queue
    ptyhead_viewer.c   the viewers (ptyattach) and the size rule
    ptyhead_status.c   the STATUS line
    ptyhead_message.c  stderr that never blocks, warnings' rate limiter
    Each object that waits on an fd keeps its own index into the
    iopause array, XNONE when it is not in this turn's array.
 */

#include <sys/types.h>
#include <stdint.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/stralloc.h>

#include <ptysplit/protocol.h>
#include <ptysplit/uidlist.h>
#include <ptysplit/pty.h>

#define XNONE ((unsigned int)-1)

 /* x[i].revents, or 0 when the object is not in the array */
#define xrevents(x, i) ((i) == XNONE ? 0 : (x)[i].revents)

extern unsigned int x_add (iopause_fd *, unsigned int *, int, short) ;
extern void deadline_min (tain *, tain const *) ;


 /* options (ptyhead_options.c) */

typedef struct options_s options, *options_ref ;
struct options_s
{
  unsigned int once : 1 ;
  unsigned int replace : 1 ;
  unsigned int readonly : 1 ;
  unsigned int dropping : 1 ;
  unsigned int headless : 1 ;
  unsigned int mode ;
  unsigned int rows ;
  unsigned int cols ;
  unsigned int timeout ;                     /* ms, 0 = none, <= INT_MAX */
  tain handshake ;                           /* the same, as a tain */
  int notif ;
  char const *term ;
  char const *holder ;
  ptysplit_uidlist uids ;
} ;

extern options opt ;
extern unsigned int verbosity ;
extern char const *sockpath ;
extern void options_parse (int, char const *const *) ;

 /* Every death after start-up goes through here, so the terminal is
    never left raw and the socket never left behind. */
extern void teardown (void) ;
#define dieclean(e, ...) do { teardown() ; strerr_dief(e, __VA_ARGS__) ; } while (0)
#define diecleanusys(e, ...) do { teardown() ; strerr_diefusys(e, __VA_ARGS__) ; } while (0)

 /* Everything the program writes comes through here. */
extern void output_from_program (char const *, size_t) ;
 /* A session starts: the terminal's title, the waiting line cleared. */
extern void proxy_start (void) ;
 /* The keys typed for a session go. */
extern void proxy_reset (void) ;
 /* The session ended or was replaced: its output still queued goes
    too, counted with what -n dropped. */
extern void proxy_end (void) ;


 /* the head's own terminal (ptyhead_terminal.c) */

typedef struct terminal_s terminal, *terminal_ref ;
struct terminal_s
{
  unsigned int istty : 1 ;
  unsigned int stdin_eof : 1 ;
  ptysplit_ttysave tty ;
} ;
#define TERMINAL_ZERO { .istty = 0, .stdin_eof = 0, .tty = PTYSPLIT_TTYSAVE_ZERO }

extern terminal term ;
extern void terminal_enter (void) ;
extern void terminal_leave (void) ;
extern int terminal_size (struct winsize *) ;


 /* the listening socket (ptyhead_socket.c) */

extern void socket_create (void) ;
extern void socket_remove (void) ;
extern int socket_fd (void) ;


 /* the -L copy (ptyhead_log.c) */

extern void log_open (int) ;
extern void log_end (void) ;
extern void log_feed (char const *, size_t) ;
extern void log_finish (void) ;
extern int log_pending (void) ;
extern int log_fd (void) ;
extern void log_prepare_iopause (iopause_fd *, unsigned int *, tain *) ;
extern void log_handle (iopause_fd const *) ;


 /* the session (ptyhead_session.c) */

typedef enum session_state_e session_state, *session_state_ref ;
enum session_state_e
{
  SESSION_IDLE,                              /* no program */
  SESSION_LIVE,                              /* proxying both ways */
  SESSION_HUNGUP,                            /* the program is gone: draining its output */
  SESSION_LOGDRAIN                           /* output drained: the log gets its last chance */
} ;

typedef struct session_s session, *session_ref ;
struct session_s
{
  session_state state ;
  int master ;                               /* -1 when SESSION_IDLE */
  tain drain ;                               /* -n, HUNGUP: the output's last chance */
  uint32_t pid ;
  tain since ;                               /* when it started, or the last one ended */
  char name[PTYSPLIT_STRING_MAX + 1] ;
} ;
#define SESSION_ZERO { .state = SESSION_IDLE, .master = -1, .pid = 0, .since = TAIN_ZERO, .name = "" }

extern session sess ;
extern void session_start (int, int, char const *, uint32_t) ;
extern void session_hangup (void) ;
extern void session_end (void) ;

 /* The size the master should have: the terminal's, else -s. */
extern void size_wanted (struct winsize *) ;
extern int size_apply (int) ;

 /* A program redraws its screen when its size changes: a shrink, then
    the size back on a later turn, once it has answered or after a while. */
extern void repaint_request (void) ;
extern void repaint_prepare_iopause (tain *) ;
extern void repaint_after_output (void) ;
extern void repaint_handle (void) ;


 /* clients in their handshake (ptyhead_client.c) */

 /* past this many, new clients wait in the listen backlog */
#define MAXCLIENTS 64

extern void clients_init (void) ;
extern void clients_close (void) ;
extern void clients_prepare_iopause (iopause_fd *, unsigned int *, tain *) ;
extern void clients_handle (iopause_fd const *) ;


 /* -F (ptyhead_holder.c, or ptyhead_holder_none.c) */

extern void holder_init (void) ;
extern void holder_adopt (void) ;                      /* at start-up: waits 1 s at most */
extern void holder_store (int) ;                       /* queued: never waits */
extern void holder_delete (void) ;                     /* queued: never waits */
extern int holder_parked (void) ;
extern void holder_prepare_iopause (iopause_fd *, unsigned int *, tain *) ;
extern void holder_handle (iopause_fd const *) ;
extern void holder_finish (void) ;                     /* on the way out: 1 s for what is queued */


 /* messages (ptyhead_message.c): none can block the loop; warnings
    about clients are rate-limited */

extern void message_init (void) ;
extern int warn_allowed (void) ;
#define client_warnw(...) do { if (warn_allowed()) strerr_warnw(__VA_ARGS__) ; } while (0)
#define client_warnwusys(...) do { if (warn_allowed()) strerr_warnwusys(__VA_ARGS__) ; } while (0)
#define client_warni(...) do { if (warn_allowed()) strerr_warni(__VA_ARGS__) ; } while (0)


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
extern int viewers_full (void) ;
extern unsigned int viewers_count (unsigned int *) ;   /* VIEW viewers; *: how many read-only */
extern uint64_t viewers_dropped (void) ;               /* bytes viewers lost since the head started */
extern void sizerule_init (struct winsize const *) ;   /* -s, or the terminal's */
extern void sizerule_get (struct winsize *) ;          /* the size the program has, or the next one gets */
extern void sizerule_terminal (struct winsize const *) ;  /* the head's own terminal resized */
extern void sizerule_terminal_active (void) ;          /* the head's own terminal typed */

#endif
