/* ISC license. */

#include <string.h>
#include <sys/ioctl.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/tai.h>

#include <ptysplit/pty.h>

#include "ptyhead.h"

 /*
    The session: one program at a time, in one of four states.
      IDLE      no program: clients are served, nothing else
      LIVE      proxying: keys to the program, its output to the terminal
      HUNGUP    the program is gone (EIO on the master): its output drains
      LOGDRAIN  the output has drained (-n: or DRAIN_SECS passed, and the
                rest is dropped, counted): the -L copy gets a last chance
    LIVE -> HUNGUP -> LOGDRAIN -> IDLE, and -r goes from any state
    straight to a new LIVE.
 */

 /* ms: how long a shrunk program may take to answer before it is restored */
#define REPAINT_MS 100
 /* s: -n, how long an ended session's output may wait for a frozen terminal */
#define DRAIN_SECS 1

session sess = SESSION_ZERO ;

static void session_info (char const *what)
{
  char fmt[UINT32_FMT] ;
  if (verbosity < 2) return ;
  fmt[uint32_fmt(fmt, sess.pid)] = 0 ;
  strerr_warni(what, ": ", sess.name, " (pid ", fmt, ")") ;
}

 /* The fd is a master whose size was set already. */
void session_start (int master, int log, char const *name, uint32_t pid)
{
  size_t len = strlen(name) ;
  if (log >= 0) log_open(log) ;
  sess.master = master ;
  sess.state = SESSION_LIVE ;
  sess.pid = pid ;
  sess.since = STAMP ;
  memcpy(sess.name, name, len + 1) ;
  ndelay_on(master) ;
  proxy_reset() ;
  proxy_start() ;
  session_info("session started") ;
  terminal_enter() ;
}

void session_hangup (void)
{
  sess.state = SESSION_HUNGUP ;
  tain_addsec_g(&sess.drain, DRAIN_SECS) ;
  proxy_reset() ;
  log_finish() ;
}

void session_end (void)
{
  terminal_leave() ;
  fd_close(sess.master) ;
  sess.master = -1 ;
  sess.state = SESSION_IDLE ;
  sess.since = STAMP ;
  proxy_reset() ;
  proxy_end() ;
  log_end() ;
  session_info("session ended") ;
}


 /* the size */

void size_wanted (struct winsize *ws)
{
  sizerule_get(ws) ;
}

 /* The size rule chose a new size: the program gets it now. */
void head_setsize (struct winsize const *ws)
{
  (void)ws ;
  if (sess.state != SESSION_IDLE && size_apply(sess.master) < 0)
    strerr_warnwusys("set the program's window size") ;
}

void head_repaint (void)
{
  repaint_request() ;
}

 /* Gives a master the size it should have: 0, or -1 with errno. */
int size_apply (int fd)
{
  struct winsize ws ;
  size_wanted(&ws) ;
  return ptysplit_pty_setsize(fd, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel) ;
}


 /* the repaint: two SIGWINCHs sent back to back merge, and a curses
    program that reads its size once sees no change, so the size comes
    back on a later turn of the loop, after the program's next output
    or REPAINT_MS. */

typedef enum repaint_state_e repaint_state, *repaint_state_ref ;
enum repaint_state_e
{
  REPAINT_NONE,
  REPAINT_WANTED,
  REPAINT_SHRUNK,
  REPAINT_ANSWERED
} ;

static repaint_state repaint = REPAINT_NONE ;
static tain repaint_deadline ;

void repaint_request (void)
{
  if (sess.state == SESSION_LIVE && repaint == REPAINT_NONE) repaint = REPAINT_WANTED ;
}

void repaint_after_output (void)
{
  if (repaint == REPAINT_SHRUNK) repaint = REPAINT_ANSWERED ;
}

void repaint_prepare_iopause (tain *deadline)
{
  if (repaint == REPAINT_WANTED || repaint == REPAINT_ANSWERED) *deadline = tain_zero ;
  else if (repaint == REPAINT_SHRUNK) deadline_min(deadline, &repaint_deadline) ;
}

static void repaint_shrink (void)
{
  struct winsize ws ;
  tain rel ;
  size_wanted(&ws) ;
  ws.ws_col = ws.ws_col > 1 ? ws.ws_col - 1 : ws.ws_col + 1 ;
  if (ptysplit_pty_setsize(sess.master, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel) < 0
   || !tain_from_millisecs(&rel, REPAINT_MS))
  {
    repaint = REPAINT_NONE ;
    return ;
  }
  tain_add_g(&repaint_deadline, &rel) ;
  repaint = REPAINT_SHRUNK ;
}

 /* Called on every turn of the loop. */
void repaint_handle (void)
{
  if (repaint == REPAINT_NONE) return ;
  if (sess.state != SESSION_LIVE) { repaint = REPAINT_NONE ; return ; }
  switch (repaint)
  {
    case REPAINT_WANTED : repaint_shrink() ; return ;
    case REPAINT_SHRUNK : if (tain_future(&repaint_deadline)) return ; /* fallthrough */
    default :
      size_apply(sess.master) ;
      repaint = REPAINT_NONE ;
      return ;
  }
}
