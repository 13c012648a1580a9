/* ISC license. */

#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/ioctl.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/djbunix.h>

#include <s6/fdholder.h>

#include <ptysplit/pty.h>

#include "ptyhead.h"

 /* -F: a copy of the master parked in an s6-fdholderd keeps the
    program's terminal open when the head dies; the next head with -F
    picks it up. The log fd (ptyexec -L) is parked beside it, under the
    same identifier + ":log", so the next head keeps logging. Every
    operation is one short connection with a deadline, so a dead holder
    costs a warning, never the session. */

 /* s: the deadline of one operation */
#define HOLDER_TIMEOUT_SECS 1
#define HOLDER_PREFIX "ptyhead:"
#define HOLDER_LOGSUFFIX ":log"

static char holder_id[S6_FDHOLDER_ID_SIZE + 1] ;
static char holder_logid[S6_FDHOLDER_ID_SIZE + 1] ;
static int parked = 0 ;

int holder_parked (void)
{
  return parked ;
}

 /* The identifier: the prefix and the absolute path of our socket.
    Made before the socket exists, so a bad one leaves nothing behind. */
void holder_init (void)
{
  size_t plen = sizeof(HOLDER_PREFIX) - 1 ;
  size_t len = strlen(sockpath) ;
  size_t dlen = 0 ;
  if (!opt.holder) return ;
  memcpy(holder_id, HOLDER_PREFIX, plen) ;
  if (sockpath[0] != '/')
  {
    if (!getcwd(holder_id + plen, sizeof(holder_id) - plen - 1))
    {
      if (errno == ERANGE) strerr_dief(100, "socket path too long to name it in the fd holder: ", sockpath) ;
      strerr_diefusys(111, "get the working directory, to name the socket in the fd holder") ;
    }
    dlen = strlen(holder_id + plen) ;
    holder_id[plen + dlen++] = '/' ;
  }
  if (plen + dlen + len + sizeof(HOLDER_LOGSUFFIX) - 1 > S6_FDHOLDER_ID_SIZE)
    strerr_dief(100, "socket path too long to name it in the fd holder: ", sockpath) ;
  memcpy(holder_id + plen + dlen, sockpath, len + 1) ;
  memcpy(holder_logid, holder_id, plen + dlen + len) ;
  memcpy(holder_logid + plen + dlen + len, HOLDER_LOGSUFFIX, sizeof(HOLDER_LOGSUFFIX)) ;
}

 /* A holder whose rules do not know our uid closes the connection
    (ECONNRESET, EPIPE); one whose regexes do not match our identifier
    answers EPERM. Either way, say what is likely wrong. */
static char const *holder_hint (int e)
{
  static char buf[200 + UID_FMT] ;
  char fmt[UID_FMT] ;
  size_t len ;
  char const *what ;
  switch (e)
  {
    case ECONNRESET :
    case EPIPE : what = " (the fd holder hung up: do its rules, s6-fdholder-daemon -i or -x, allow uid " ; break ;
    case EPERM :
    case EACCES : what = " (the fd holder refused: do its rules' S6_FDHOLDER_STORE_REGEX and S6_FDHOLDER_RETRIEVE_REGEX match ptyhead: for uid " ; break ;
    default : return "" ;
  }
  fmt[uid_fmt(fmt, geteuid())] = 0 ;
  len = strlen(what) ;
  memcpy(buf, what, len) ;
  memcpy(buf + len, fmt, strlen(fmt)) ;
  len += strlen(fmt) ;
  memcpy(buf + len, "?)", 3) ;
  errno = e ;
  return buf ;
}

static int holder_connect (s6_fdholder_t *a, tain *deadline)
{
  tain_now_g() ;
  tain_addsec_g(deadline, HOLDER_TIMEOUT_SECS) ;
  return s6_fdholder_start_g(a, opt.holder, deadline) ;
}

static int holder_delete_one (s6_fdholder_t *a, char const *id, tain const *deadline)
{
  if (s6_fdholder_delete_g(a, id, deadline) || errno == ENOENT) return 1 ;
  strerr_warnwusys("delete ", id, " from the fd holder at ", opt.holder, holder_hint(errno)) ;
  return 0 ;
}

void holder_delete (void)
{
  s6_fdholder_t a = S6_FDHOLDER_ZERO
  tain deadline ;
  if (!opt.holder) return ;
  parked = 0 ;
  if (!holder_connect(&a, &deadline))
  {
    strerr_warnwusys("connect to the fd holder at ", opt.holder, " to delete ", holder_id) ;
    return ;
  }
  if (holder_delete_one(&a, holder_id, &deadline)) holder_delete_one(&a, holder_logid, &deadline) ;
  s6_fdholder_end(&a) ;
}

 /* Replaces whatever the holder had under our name with this master,
    and the session's log fd, if any, beside it. */
void holder_store (int master)
{
  s6_fdholder_t a = S6_FDHOLDER_ZERO
  tain deadline, limit ;
  if (!opt.holder) return ;
  parked = 0 ;
  if (!holder_connect(&a, &deadline))
  {
    strerr_warnwusys("connect to the fd holder at ", opt.holder, " to store ", holder_id) ;
    return ;
  }
  tain_add_g(&limit, &tain_infinite_relative) ;
  if (holder_delete_one(&a, holder_id, &deadline) && holder_delete_one(&a, holder_logid, &deadline))
  {
    if (!s6_fdholder_store_g(&a, master, holder_id, &limit, &deadline))
      strerr_warnwusys("store ", holder_id, " in the fd holder at ", opt.holder, holder_hint(errno)) ;
    else
    {
      parked = 1 ;
      if (log_fd() >= 0 && !s6_fdholder_store_g(&a, log_fd(), holder_logid, &limit, &deadline))
        strerr_warnwusys("store ", holder_logid, " in the fd holder at ", opt.holder, holder_hint(errno)) ;
    }
  }
  s6_fdholder_end(&a) ;
}

 /* The program leads the session of its terminal: its pid, or 0. */
static uint32_t holder_sid (int master)
{
  pid_t sid ;
  return ioctl(master, TIOCGSID, &sid) == 0 && sid > 0 ? (uint32_t)sid : 0 ;
}

 /* At start-up: the holder must answer; a master it holds for us is
    the current session at once, sized and made to repaint, with its
    log if one was parked beside it. */
void holder_adopt (void)
{
  s6_fdholder_t a = S6_FDHOLDER_ZERO
  tain deadline ;
  int fd, r ;
  int log = -1 ;
  if (!opt.holder) return ;
  if (!holder_connect(&a, &deadline))
    diecleanusys(111, "connect to the fd holder at ", opt.holder) ;
  fd = s6_fdholder_retrieve_g(&a, holder_id, &deadline) ;
  if (fd < 0 && errno != ENOENT)
    diecleanusys(111, "retrieve ", holder_id, " from the fd holder at ", opt.holder, holder_hint(errno)) ;
  if (fd >= 0)
  {
    log = s6_fdholder_retrieve_g(&a, holder_logid, &deadline) ;
    if (log < 0 && errno != ENOENT)
      strerr_warnwusys("retrieve ", holder_logid, " from the fd holder at ", opt.holder, ": the adopted program is not logged") ;
  }
  s6_fdholder_end(&a) ;
  if (fd < 0) return ;
  r = ptysplit_pty_ismaster(fd) ;
  if (r <= 0)
  {
    strerr_warnw("the fd holder had something else than a PTY master under ", holder_id, ": deleting it") ;
    fd_close(fd) ;
    if (log >= 0) fd_close(log) ;
    holder_delete() ;
    return ;
  }
  size_apply(fd) ;
  session_start(fd, log, "adopted from the fd holder", holder_sid(fd)) ;
  parked = 1 ;
  repaint_request() ;
}
