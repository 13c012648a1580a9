/* ISC license. */

#include <string.h>
#include <errno.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/ioctl.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/posixplz.h>
#include <skalibs/error.h>

#include <ptysplit/protocol.h>
#include <ptysplit/pty.h>
#include <ptysplit/fdpass.h>
#include <ptysplit/uidlist.h>

#include "ptyhead.h"

#include <skalibs/posixishard.h>

typedef struct client_s client, *client_ref ;
struct client_s
{
  int sock ;                                 /* -1: a free slot */
  unsigned int xindex ;
  uid_t uid ;
  tain deadline ;
  unsigned int nfds ;
  int fds[PTYSPLIT_FDPASS_MAXFDS] ;
  size_t len ;
  char buf[PTYSPLIT_REQUEST_MAX] ;
} ;

 /* What a client's first message is. */
typedef enum client_kind_e client_kind, *client_kind_ref ;
enum client_kind_e
{
  CLIENT_PROGRAM,                            /* ptyexec's request */
  CLIENT_VIEWER,                             /* ptyattach's request */
  CLIENT_CONSOLE                             /* an OCI runtime's console */
} ;

static client clients[MAXCLIENTS] ;
static unsigned int nclients = 0 ;
static unsigned int xlisten = XNONE ;
static tain listen_again = TAIN_ZERO ;        /* out of fds: the listener rests until then */

void clients_init (void)
{
  unsigned int i = 0 ;
  for (; i < MAXCLIENTS ; i++)
  {
    clients[i].sock = -1 ;
    clients[i].xindex = XNONE ;
  }
}

static void client_drop (client *c)
{
  ptysplit_closefds(c->fds, c->nfds) ;
  c->nfds = 0 ;
  fd_close(c->sock) ;
  c->sock = -1 ;
  c->xindex = XNONE ;
  nclients-- ;
}

void clients_close (void)
{
  unsigned int i = 0 ;
  for (; i < MAXCLIENTS ; i++) if (clients[i].sock >= 0) client_drop(clients + i) ;
}

static int client_send (client *c, char const *s, size_t len)
{
  return fd_send(c->sock, s, len, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)len ;
}

 /* Answers a refusal when the client speaks our protocol, warns, drops. */
static void client_reject (client *c, char const *reason, int native, int warn)
{
  if (native)
  {
    char buf[PTYSPLIT_ANSWER_MAX] ;
    client_send(c, buf, ptysplit_answer_pack_refuse(buf, reason)) ;
  }
  if (warn)
  {
    char fmt[UID_FMT] ;
    fmt[uid_fmt(fmt, c->uid)] = 0 ;
    client_warnw("refusing a client running as uid ", fmt, ": ", reason) ;
  }
  client_drop(c) ;
}

 /* The client's fd becomes the session; the old one ends if -r. */
static void client_attach (client *c, char const *name, uint32_t pid, int native)
{
  struct winsize ws ;
  int fd = c->fds[0] ;
  int log ;
  int r = ptysplit_pty_ismaster(fd) ;
  if (r < 0) { client_warnwusys("check a client's fd") ; client_reject(c, "bad request: cannot check the fd", native, 0) ; return ; }
  if (!r) { client_reject(c, "bad request: the fd is not a PTY master", native, 1) ; return ; }
  if (sess.state != SESSION_IDLE && !opt.replace) { client_reject(c, "busy", native, verbosity >= 2) ; return ; }
  size_wanted(&ws) ;
  if (ptysplit_pty_setsize(fd, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel) < 0)
  {
    client_warnwusys("set a client's window size") ;
    client_reject(c, "bad request: cannot set the window size", native, 0) ;
    return ;
  }
  if (native)
  {
    char buf[PTYSPLIT_ANSWER_MAX] ;
    size_t len = ptysplit_answer_pack_accept(buf, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel, opt.term) ;
    if (!client_send(c, buf, len))
    {
      client_warnwusys("answer a client") ;
      client_drop(c) ;
      return ;
    }
  }
   /* -r: holder_store below replaces the old master's entry */
  if (sess.state != SESSION_IDLE) session_end() ;
  log = c->nfds == 2 ? c->fds[1] : -1 ;
  c->nfds = 0 ;
  client_drop(c) ;
  session_start(fd, log, name, pid) ;
  holder_store(fd) ;
}

#define VIEWER_FLAGS (PTYSPLIT_REQUEST_READONLY | PTYSPLIT_REQUEST_STATUS | PTYSPLIT_REQUEST_PRINT)

 /* A viewer: the answer, then the connection belongs to the viewers.
    s: what came after the request (its first frames). */
static void client_serve_viewer (client *c, ptysplit_request const *req, char const *s, size_t len)
{
  struct winsize ws ;
  char buf[PTYSPLIT_ANSWER_MAX] ;
  if (req->flags & PTYSPLIT_REQUEST_LOG || c->nfds) { client_reject(c, "bad request: a viewer sends no fd", 1, 1) ; return ; }
  if ((req->flags & (PTYSPLIT_REQUEST_STATUS | PTYSPLIT_REQUEST_PRINT)) == (PTYSPLIT_REQUEST_STATUS | PTYSPLIT_REQUEST_PRINT))
  {
    client_reject(c, "bad request: status and print at once", 1, 1) ;
    return ;
  }
  if (viewers_full()) { client_reject(c, "busy: too many viewers", 1, verbosity >= 2) ; return ; }
  sizerule_get(&ws) ;
  if (!client_send(c, buf, ptysplit_answer_pack_accept(buf, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel, opt.term)))
  {
    client_warnwusys("answer a viewer") ;
    client_drop(c) ;
    return ;
  }
  if (!viewer_add(c->sock, c->uid, req->pid, req->flags, s, len))
  {
    client_warnwusys("add a viewer") ;
    client_drop(c) ;
    return ;
  }
  c->sock = -1 ;
  c->xindex = XNONE ;
  nclients-- ;
}

static void client_serve_program (client *c, ptysplit_request const *req)
{
  if (req->flags & ~PTYSPLIT_REQUEST_FLAGS || req->flags & VIEWER_FLAGS) { client_reject(c, "bad request: unsupported flags", 1, 1) ; return ; }
  if (req->flags & PTYSPLIT_REQUEST_LOG)
  {
    if (c->nfds != 2) { client_reject(c, "bad request: expected two fds, the master and the log", 1, 1) ; return ; }
  }
  else if (c->nfds != 1) { client_reject(c, "bad request: expected exactly one fd", 1, 1) ; return ; }
  client_attach(c, req->name, req->pid, 1) ;
}

 /* An OCI runtime's console: one fd, a path or a space, no answer. */
static void client_serve_console (client *c, size_t len)
{
  if (len >= PTYSPLIT_MESSAGE_MAX) { client_reject(c, "console message too long", 0, 1) ; return ; }
  if (c->nfds != 1) { client_reject(c, "console message without exactly one fd", 0, 1) ; return ; }
  client_attach(c, "console", 0, 0) ;
}

 /* The one place where what a client asked for is served. s, len: the
    console's message, or what came after a viewer's request. */
static void client_serve (client *c, client_kind kind, ptysplit_request const *req, char const *s, size_t len)
{
  switch (kind)
  {
    case CLIENT_PROGRAM : client_serve_program(c, req) ; break ;
    case CLIENT_VIEWER : client_serve_viewer(c, req, s, len) ; break ;
    case CLIENT_CONSOLE : client_serve_console(c, len) ; break ;
  }
}

 /* A complete request: a viewer's, or a program's. */
static void client_serve_request (client *c, ptysplit_request const *req, char const *s, size_t len)
{
  if (req->flags & ~(PTYSPLIT_REQUEST_FLAGS | PTYSPLIT_REQUEST_VIEW | VIEWER_FLAGS))
    client_reject(c, "bad request: unsupported flags", 1, 1) ;
  else if (req->flags & PTYSPLIT_REQUEST_VIEW) client_serve(c, CLIENT_VIEWER, req, s, len) ;
  else client_serve(c, CLIENT_PROGRAM, req, 0, 0) ;
}

 /* The request's length once its header is in, at most PTYSPLIT_REQUEST_MAX:
    a viewer's first frames may follow its request in the same read. */
static size_t request_prefix (char const *s, size_t len)
{
  size_t total ;
  if (len < PTYSPLIT_REQUEST_HEADER_LEN) return len ;
  total = PTYSPLIT_REQUEST_HEADER_LEN + (unsigned char)s[PTYSPLIT_MAGIC_LEN + 6] ;
  return len < total ? len : total ;
}

static void client_read (client *c)
{
  char msg[PTYSPLIT_REQUEST_MAX + PTYSPLIT_MESSAGE_MAX] ;
  int fds[PTYSPLIT_FDPASS_MAXFDS] ;
  unsigned int nfds ;
  ptysplit_request req ;
  size_t used ;
  ssize_t r = ptysplit_recvfds(c->sock, msg + c->len, PTYSPLIT_MESSAGE_MAX, fds, &nfds) ;
  if (r < 0)
  {
    if (error_isagain(errno)) return ;
    if (errno == EPROTO) client_reject(c, "bad request: too many fds", 1, 1) ;
    else { client_warnwusys("read from a client") ; client_drop(c) ; }
    return ;
  }
  if (c->nfds + nfds > PTYSPLIT_FDPASS_MAXFDS)
  {
    ptysplit_closefds(fds, nfds) ;
    client_reject(c, "bad request: too many fds", 1, 1) ;
    return ;
  }
  memcpy(c->fds + c->nfds, fds, nfds * sizeof(int)) ;
  c->nfds += nfds ;
  if (!r) { client_drop(c) ; return ; }
  if (!c->len && ptysplit_request_parse(msg, r, &req, &used) == PTYSPLIT_PARSE_FOREIGN)
  {
    client_serve(c, CLIENT_CONSOLE, 0, msg, r) ;
    return ;
  }
   /* what came before, then this: a viewer's first frames may follow its request */
  memcpy(msg, c->buf, c->len) ;
  r += c->len ;
  switch (ptysplit_request_parse(msg, request_prefix(msg, r), &req, &used))
  {
    case PTYSPLIT_PARSE_COMPLETE :
      if (!(req.flags & PTYSPLIT_REQUEST_VIEW) && (size_t)r > used)
      {
        client_reject(c, (size_t)r > sizeof(c->buf) ? "bad request: message too long" : "bad request: malformed message", 1, 1) ;
        return ;
      }
      client_serve_request(c, &req, msg + used, r - used) ;
      return ;
    case PTYSPLIT_PARSE_PARTIAL :
      memcpy(c->buf, msg, r) ;
      c->len = r ;
      return ;
    default : client_reject(c, "bad request: malformed message", 1, 1) ; return ;
  }
}

static client *client_slot (void)
{
  unsigned int i = 0 ;
  for (; i < MAXCLIENTS ; i++) if (clients[i].sock < 0) return clients + i ;
  return 0 ;
}

static void clients_accept (void)
{
  while (nclients < MAXCLIENTS)
  {
    client *c ;
    gid_t gid ;
    int fd = ipc_accept_nbcoe(socket_fd(), 0, 0, 0) ;
    if (fd < 0)
    {
      if (error_isagain(errno)) return ;
      client_warnwusys("accept a connection") ;
       /* the connection stays in the backlog and the socket readable:
          polling it now would only spin */
      if (errno == EMFILE || errno == ENFILE) tain_addsec_g(&listen_again, 1) ;
      return ;
    }
    c = client_slot() ;
    c->sock = fd ;
    c->xindex = XNONE ;
    c->nfds = 0 ;
    c->len = 0 ;
    nclients++ ;
    tain_add_g(&c->deadline, &opt.handshake) ;
    if (getpeereid(fd, &c->uid, &gid) < 0)
    {
      client_warnwusys("get a client's credentials") ;
      client_drop(c) ;
    }
    else if (!ptysplit_uidlist_allows(&opt.uids, c->uid))
      client_reject(c, "not authorized", 1, 1) ;
  }
}

static void client_expire (client *c)
{
  char fmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, opt.timeout)] = 0 ;
  if (c->len || c->nfds) client_warnw("dropping a client that did not finish its request within ", fmt, " ms") ;
  else if (verbosity >= 2) client_warni("dropping a client that sent nothing within ", fmt, " ms") ;
  client_drop(c) ;
}

void clients_prepare_iopause (iopause_fd *x, unsigned int *n, tain *deadline)
{
  unsigned int i = 0 ;
  xlisten = XNONE ;
  if (tain_future(&listen_again)) deadline_min(deadline, &listen_again) ;
  else if (nclients < MAXCLIENTS) xlisten = x_add(x, n, socket_fd(), IOPAUSE_READ) ;
  for (; i < MAXCLIENTS ; i++) if (clients[i].sock >= 0)
  {
    clients[i].xindex = x_add(x, n, clients[i].sock, IOPAUSE_READ) ;
    deadline_min(deadline, &clients[i].deadline) ;
  }
}

void clients_handle (iopause_fd const *x)
{
  unsigned int i = 0 ;
  for (; i < MAXCLIENTS ; i++) if (clients[i].sock >= 0 && clients[i].xindex != XNONE)
  {
    if (x[clients[i].xindex].revents) client_read(clients + i) ;
    else if (!tain_future(&clients[i].deadline)) client_expire(clients + i) ;
  }
  if (xrevents(x, xlisten) & IOPAUSE_READ) clients_accept() ;
}

