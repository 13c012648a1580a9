/* ISC license. */

#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/ioctl.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/error.h>
#include <skalibs/unixmessage.h>

#include <s6/fdholder.h>

#include <ptysplit/pty.h>

#include "ptyhead.h"

 /* -F: a copy of the master parked in an s6-fdholderd keeps the
    program's terminal open when the head dies; the next head with -F
    picks it up. The log fd (ptyexec -L) is parked beside it, under the
    same identifier + ":log", so the next head keeps logging.
    At start-up, the adoption waits for the holder (1 s at most): there
    is no session yet. After that, no -F operation waits: the requests
    go on one connection at a time, queued in the order they are made
    (s6-fdholderd answers them in turn), and the loop sends them and
    reads the answers. A holder that does not answer within 1 s costs a
    warning, never the session. */

 /* s: the deadline of one operation */
#define HOLDER_TIMEOUT_SECS 1
#define HOLDER_PREFIX "ptyhead:"
#define HOLDER_LOGSUFFIX ":log"
 /* answers awaited at once: a store is four requests, a delete two */
#define HOLDER_QUEUE 16

typedef enum holder_request_e holder_request ;
enum holder_request_e
{
  REQ_DELETE,
  REQ_DELETE_LOG,
  REQ_STORE,
  REQ_STORE_LOG
} ;

static char holder_id[S6_FDHOLDER_ID_SIZE + 1] ;
static char holder_logid[S6_FDHOLDER_ID_SIZE + 1] ;
static int parked = 0 ;                      /* as the holder's last answer says */

static s6_fdholder_t conn = S6_FDHOLDER_ZERO
static int conn_up = 0 ;
static holder_request expected[HOLDER_QUEUE] ;  /* the answers to come, in order */
static unsigned int nexpected = 0 ;
 /* copies of the fds being stored: the sender keeps only their numbers
    until they are sent, so the session may close its own meanwhile */
static int outgoing[HOLDER_QUEUE] ;
static unsigned int noutgoing = 0 ;
static tain conn_deadline = TAIN_ZERO ;
static unsigned int xholder = XNONE ;

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

static void outgoing_close (void)
{
  while (noutgoing) fd_close(outgoing[--noutgoing]) ;
}

static void holder_close (void)
{
  if (!conn_up) return ;
  s6_fdholder_end(&conn) ;
  conn_up = 0 ;
  nexpected = 0 ;
  outgoing_close() ;
}

static void holder_giveup (char const *why)
{
  char fmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, nexpected)] = 0 ;
  strerr_warnw("giving up on the fd holder at ", opt.holder, ": ", why, "; ", fmt, " requests unanswered") ;
  holder_close() ;
}

 /* A non-blocking connect: a UNIX socket's is done at once, or fails
    (EAGAIN when the holder's backlog is full: it is not accepting). */
static int holder_open (void)
{
  int fd ;
  if (conn_up) return 1 ;
  fd = ipc_stream_nbcoe() ;
  if (fd < 0) return 0 ;
  if (!ipc_connect(fd, opt.holder))
  {
    fd_close(fd) ;
    return 0 ;
  }
  s6_fdholder_init(&conn, fd) ;
  conn_up = 1 ;
  return 1 ;
}

static void holder_send (void)
{
  if (!unixmessage_sender_flush(&conn.connection.out) && !error_isagain(errno))
  {
    strerr_warnwusys("send to the fd holder at ", opt.holder, holder_hint(errno)) ;
    holder_close() ;
    return ;
  }
  if (unixmessage_sender_isempty(&conn.connection.out)) outgoing_close() ;
}

static int queue_delete (char const *id, holder_request req)
{
  if (nexpected == HOLDER_QUEUE) return (errno = ENOBUFS, 0) ;
  if (!s6_fdholder_delete_async(&conn, id)) return 0 ;
  expected[nexpected++] = req ;
  return 1 ;
}

static int queue_store (int fd, char const *id, holder_request req)
{
  tain limit ;
  int copy ;
  if (nexpected == HOLDER_QUEUE) return (errno = ENOBUFS, 0) ;
  copy = fcntl(fd, F_DUPFD_CLOEXEC, 0) ;
  if (copy < 0) return 0 ;
  tain_add_g(&limit, &tain_infinite_relative) ;
  if (!s6_fdholder_store_async(&conn, copy, id, &limit))
  {
    fd_close(copy) ;
    return 0 ;
  }
  outgoing[noutgoing++] = copy ;
  expected[nexpected++] = req ;
  return 1 ;
}

 /* Requests for one operation, queued then sent as far as they go. */
static int holder_begin (char const *what)
{
  if (holder_open()) return 1 ;
  strerr_warnwusys("connect to the fd holder at ", opt.holder, " to ", what, " ", holder_id) ;
  return 0 ;
}

static void holder_queued (int ok)
{
  if (!ok)
  {
    holder_giveup(errno == ENOBUFS ? "too many requests unanswered" : strerror(errno)) ;
    return ;
  }
  tain_now_g() ;
  tain_addsec_g(&conn_deadline, HOLDER_TIMEOUT_SECS) ;
  holder_send() ;
}

void holder_delete (void)
{
  if (!opt.holder || !holder_begin("delete")) return ;
  holder_queued(queue_delete(holder_id, REQ_DELETE) && queue_delete(holder_logid, REQ_DELETE_LOG)) ;
}

 /* Replaces whatever the holder had under our name with this master,
    and the session's log fd, if any, beside it. */
void holder_store (int master)
{
  if (!opt.holder || !holder_begin("store")) return ;
  holder_queued(queue_delete(holder_id, REQ_DELETE) && queue_delete(holder_logid, REQ_DELETE_LOG)
    && queue_store(master, holder_id, REQ_STORE)
    && (log_fd() < 0 || queue_store(log_fd(), holder_logid, REQ_STORE_LOG))) ;
}

 /* One answer, for the oldest request: a byte, 0 or an errno. A delete
    of what is not there is done. The master's own entry says whether
    it is parked. */
static void holder_answer (unixmessage *m)
{
  holder_request req = expected[0] ;
  int isdelete = req == REQ_DELETE || req == REQ_DELETE_LOG ;
  char const *id = req == REQ_DELETE || req == REQ_STORE ? holder_id : holder_logid ;
  int e ;
  memmove(expected, expected + 1, --nexpected * sizeof(holder_request)) ;
  if (m->len != 1 || m->nfds)
  {
    unixmessage_drop(m) ;
    strerr_warnw("the fd holder at ", opt.holder, " gave an answer that is not one") ;
    e = EPROTO ;
  }
  else e = (unsigned char)m->s[0] ;
  if (isdelete && e == ENOENT) e = 0 ;
  if (e)
    strerr_warnwu(isdelete ? "delete " : "store ", id, isdelete ? " from" : " in", " the fd holder at ", opt.holder, ": ", strerror(e), holder_hint(e)) ;
  else if (req == REQ_DELETE) parked = 0 ;
  else if (req == REQ_STORE) parked = 1 ;
}

static void holder_read (void)
{
  while (conn_up)
  {
    unixmessage m ;
    int r = unixmessage_receive(&conn.connection.in, &m) ;
    if (!r) return ;
    if (r < 0)
    {
      strerr_warnwusys("read from the fd holder at ", opt.holder, holder_hint(errno)) ;
      holder_close() ;
      return ;
    }
    if (!nexpected)
    {
      unixmessage_drop(&m) ;
      holder_giveup("it answered a request never made") ;
      return ;
    }
    holder_answer(&m) ;
  }
}

void holder_prepare_iopause (iopause_fd *x, unsigned int *n, tain *deadline)
{
  xholder = XNONE ;
  if (!conn_up) return ;
  xholder = x_add(x, n, unixmessage_sender_fd(&conn.connection.out),
    IOPAUSE_READ | (unixmessage_sender_isempty(&conn.connection.out) ? 0 : IOPAUSE_WRITE)) ;
  deadline_min(deadline, &conn_deadline) ;
}

void holder_handle (iopause_fd const *x)
{
  short r = xrevents(x, xholder) ;
  if (!conn_up) return ;
  if (r & IOPAUSE_WRITE) holder_send() ;
  if (conn_up && r & (IOPAUSE_READ | IOPAUSE_EXCEPT)) holder_read() ;
  if (!conn_up) return ;
  if (!nexpected && unixmessage_sender_isempty(&conn.connection.out)) holder_close() ;
  else if (!tain_future(&conn_deadline)) holder_giveup("it did not answer within 1 second") ;
}

 /* On the way out: what is queued (a store, so that the program
    outlives this head) gets its 1 second to be answered. */
void holder_finish (void)
{
  while (conn_up)
  {
    iopause_fd x[1] ;
    unsigned int n = 0 ;
    tain deadline = tain_infinite ;
    holder_prepare_iopause(x, &n, &deadline) ;
    if (iopause_g(x, n, &deadline) < 0) break ;
    holder_handle(x) ;
  }
  holder_close() ;
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
