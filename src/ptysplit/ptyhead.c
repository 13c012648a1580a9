/* ISC license. */

#include <skalibs/nonposix.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <signal.h>
#include <termios.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/posixplz.h>
#include <skalibs/error.h>

#include <ptysplit/config.h>
#include <ptysplit/protocol.h>
#include <ptysplit/pty.h>
#include <ptysplit/fdpass.h>
#include <ptysplit/uidlist.h>
#include <ptysplit/textlog.h>

#ifdef PTYSPLIT_USE_FDHOLDER
#include <s6/fdholder.h>
#endif

#include <skalibs/posixishard.h>

#define USAGE "ptyhead [ -1 ] [ -n ] [ -r ] [ -R ] [ -d notif ] [ -F fdholder ] [ -m mode ] [ -s ROWSxCOLS ] [ -T term ] [ -t timeout ] [ -u uid ] [ -v verbosity ] socket"
#define dieusage() strerr_dieusage(100, USAGE)

 /* Clients still in their handshake; past this, new ones wait in the backlog. */
#define MAXCLIENTS 64
#define BACKLOG 64
#define OUTBUF_SIZE 32768
#define INBUF_SIZE 4096
#define LOGBUF_SIZE 16384
 /* ms: how long an ended session's log may take to drain */
#define LOG_DRAIN_MS 1000
 /* Warnings about clients: a burst of this many per second, the rest counted. */
#define CLIENT_WARN_BURST 8

 /* Every death after start-up goes through here, so the terminal is
    never left raw and the socket never left behind. */
#define dieclean(e, ...) do { teardown() ; strerr_dief(e, __VA_ARGS__) ; } while (0)
#define diecleanusys(e, ...) do { teardown() ; strerr_diefusys(e, __VA_ARGS__) ; } while (0)

static unsigned int verbosity = 1 ;
static void teardown (void) ;

typedef struct options_s options, *options_ref ;
struct options_s
{
  unsigned int once : 1 ;
  unsigned int replace : 1 ;
  unsigned int readonly : 1 ;
  unsigned int dropping : 1 ;
  unsigned int mode ;
  unsigned int rows ;
  unsigned int cols ;
  unsigned int timeout ;
  int notif ;
  char const *term ;
  char const *holder ;
  ptysplit_uidlist uids ;
} ;
#define OPTIONS_ZERO { .once = 0, .replace = 0, .readonly = 0, .dropping = 0, .mode = 0600, .rows = PTYSPLIT_DEFAULT_ROWS, .cols = PTYSPLIT_DEFAULT_COLS, .timeout = 2000, .notif = -1, .term = 0, .holder = 0, .uids = PTYSPLIT_UIDLIST_ZERO }

 /* A byte queue between a reader and a writer: data lives in [start, end). */
typedef struct queue_s queue, *queue_ref ;
struct queue_s
{
  char *s ;
  size_t size ;
  size_t start ;
  size_t end ;
} ;
#define QUEUE_INIT(buf) { .s = (buf), .size = sizeof(buf), .start = 0, .end = 0 }

typedef struct client_s client, *client_ref ;
struct client_s
{
  int sock ;                                 /* -1: a free slot */
  uid_t uid ;
  tain deadline ;
  unsigned int nfds ;
  int fds[PTYSPLIT_FDPASS_MAXFDS] ;
  size_t len ;
  char buf[PTYSPLIT_REQUEST_MAX] ;
} ;

typedef struct session_s session, *session_ref ;
struct session_s
{
  int master ;                               /* -1: no program attached */
  unsigned int hungup : 1 ;                  /* the program is gone: draining */
  uint64_t dropped ;                         /* -n: output lost since the last repaint */
  int log ;                                  /* -1: no log fd came with the master */
  unsigned int logsock : 1 ;                 /* the log is a socket: send(MSG_DONTWAIT) */
  uint64_t logdropped ;                      /* log bytes lost since the last drop line */
  tain logdeadline ;                         /* after the hangup: the log's last chance */
  uint32_t pid ;
  char name[PTYSPLIT_STRING_MAX + 1] ;
} ;

 /* What ptyhead changed on its own terminal, to put back exactly. */
typedef struct terminal_s terminal, *terminal_ref ;
struct terminal_s
{
  unsigned int istty : 1 ;
  unsigned int raw : 1 ;
  unsigned int flagsaved : 1 ;
  unsigned int stdin_eof : 1 ;
  struct termios saved ;
  int flags0 ;
  int flags1 ;
} ;

static options opt = OPTIONS_ZERO ;
static char const *sockpath ;
static int lsock = -1 ;
static dev_t sockdev ;
static ino_t sockino ;
static session sess = { .master = -1, .hungup = 0, .dropped = 0, .log = -1, .logsock = 0, .logdropped = 0, .pid = 0, .name = "" } ;
static terminal term = { .istty = 0, .raw = 0, .flagsaved = 0, .stdin_eof = 0 } ;
static client clients[MAXCLIENTS] ;
static unsigned int nclients = 0 ;
static char outbuf[OUTBUF_SIZE] ;
static char inbuf[INBUF_SIZE] ;
static queue outq = QUEUE_INIT(outbuf) ;
static queue inq = QUEUE_INIT(inbuf) ;
static char logbuf[LOGBUF_SIZE] ;
static queue logq = QUEUE_INIT(logbuf) ;
static ptysplit_textlog logfilter = PTYSPLIT_TEXTLOG_ZERO ;


 /* ms from now, on the clock iopause_g keeps */
static void deadline_in (tain *d, unsigned int ms)
{
  tain_from_millisecs(d, ms) ;
  tain_add_g(d, d) ;
}


 /* queues */

static inline size_t queue_len (queue const *q) { return q->end - q->start ; }
static inline int queue_hasroom (queue const *q) { return q->start || q->end < q->size ; }
static inline void queue_clear (queue *q) { q->start = q->end = 0 ; }
static inline size_t queue_room (queue const *q) { return q->size - queue_len(q) ; }

 /* Appends len bytes, which the caller made sure fit. */
static void queue_put (queue *q, char const *s, size_t len)
{
  if (q->size - q->end < len)
  {
    memmove(q->s, q->s + q->start, q->end - q->start) ;
    q->end -= q->start ;
    q->start = 0 ;
  }
  memcpy(q->s + q->end, s, len) ;
  q->end += len ;
}

 /* One read into the queue: the result of fd_read. */
static ssize_t queue_fill (queue *q, int fd)
{
  ssize_t r ;
  if (q->end == q->size && q->start)
  {
    memmove(q->s, q->s + q->start, q->end - q->start) ;
    q->end -= q->start ;
    q->start = 0 ;
  }
  r = fd_read(fd, q->s + q->end, q->size - q->end) ;
  if (r > 0) q->end += r ;
  return r ;
}

 /* One write from the queue: the result of fd_write. */
static ssize_t queue_flush (queue *q, int fd)
{
  ssize_t r = fd_write(fd, q->s + q->start, queue_len(q)) ;
  if (r > 0)
  {
    q->start += r ;
    if (q->start == q->end) queue_clear(q) ;
  }
  return r ;
}


 /* the head's own terminal */

static void terminal_enter (void)
{
  term.flags0 = fcntl(0, F_GETFL) ;
  term.flags1 = fcntl(1, F_GETFL) ;
  term.flagsaved = term.flags0 >= 0 && term.flags1 >= 0 ;
  if (term.istty && tcgetattr(0, &term.saved) == 0)
  {
    struct termios raw = term.saved ;
    cfmakeraw(&raw) ;
    tcflush(0, TCIFLUSH) ;
    if (tcsetattr(0, TCSANOW, &raw) == 0) term.raw = 1 ;
  }
  if (term.flagsaved) ndelay_on(1) ;
}

static void terminal_leave (void)
{
  int e = errno ;
  if (term.raw) tcsetattr(0, TCSANOW, &term.saved) ;
  term.raw = 0 ;
  if (term.flagsaved)
  {
    fcntl(1, F_SETFL, term.flags1) ;
    fcntl(0, F_SETFL, term.flags0) ;
  }
  term.flagsaved = 0 ;
  errno = e ;
}

 /* stdin's size when it is a terminal that knows it, else -s. */
static void terminal_size (struct winsize *ws)
{
  if (term.istty && ioctl(0, TIOCGWINSZ, ws) == 0 && ws->ws_row && ws->ws_col) return ;
  ws->ws_row = opt.rows ;
  ws->ws_col = opt.cols ;
  ws->ws_xpixel = ws->ws_ypixel = 0 ;
}


 /* the listening socket */

static void socket_remove (void)
{
  struct stat st ;
  if (lsock < 0) return ;
  if (lstat(sockpath, &st) == 0 && st.st_dev == sockdev && st.st_ino == sockino)
    unlink_void(sockpath) ;
  fd_close(lsock) ;
  lsock = -1 ;
}

 /* Refuses anything at the path that is not a dead socket. */
static void socket_clear_stale (void)
{
  struct stat st ;
  int probe ;
  if (lstat(sockpath, &st) < 0)
  {
    if (errno == ENOENT) return ;
    strerr_diefusys(111, "stat ", sockpath) ;
  }
  if (S_ISLNK(st.st_mode)) strerr_dief(111, sockpath, " is a symbolic link: refusing to use it") ;
  if (!S_ISSOCK(st.st_mode)) strerr_dief(111, sockpath, " exists and is not a socket: refusing to touch it") ;
  probe = ipc_stream_nbcoe() ;
  if (probe < 0) strerr_diefusys(111, "create a socket") ;
  if (ipc_connect(probe, sockpath) || errno == EAGAIN)
    strerr_dief(111, "another head is listening on ", sockpath) ;
  if (errno != ECONNREFUSED) strerr_diefusys(111, "probe ", sockpath) ;
  fd_close(probe) ;
  if (unlink(sockpath) < 0 && errno != ENOENT) strerr_diefusys(111, "remove stale socket ", sockpath) ;
}

static void socket_create (void)
{
  struct stat st ;
  mode_t oldmask ;
  int r ;
  socket_clear_stale() ;
  lsock = ipc_stream_nbcoe() ;
  if (lsock < 0) strerr_diefusys(111, "create a socket") ;
   /* Born unreachable, then opened up to exactly -m. */
  oldmask = umask(0777) ;
  r = ipc_bind(lsock, sockpath) ;
  umask(oldmask) ;
  if (r < 0) strerr_diefusys(111, "bind to ", sockpath) ;
  if (lstat(sockpath, &st) < 0) strerr_diefusys(111, "stat ", sockpath) ;
  sockdev = st.st_dev ;
  sockino = st.st_ino ;
  if (chmod(sockpath, opt.mode) < 0) diecleanusys(111, "chmod ", sockpath) ;
  if (ipc_listen(lsock, BACKLOG) < 0) diecleanusys(111, "listen on ", sockpath) ;
}


 /* the log (ptyexec -L): a copy of what the program writes, as plain
    text, for the supervisor's logger. It has its own bounded queue and is
    written only when the logger can take it: a logger that does not keep
    up loses text, counted, and a line says how much once it reads again.
    It never blocks the program or the session. */

#define LOG_CHUNK 4096

static char const log_dropmsg[] = "ptyhead: dropped " ;
static char const log_dropend[] = " bytes of log text: the logger was not reading\n" ;

 /* A pipe or a terminal is reopened through /proc, for an O_NONBLOCK of
    our own: the program may share the original (fdmove -c 2 1). When that
    fails (the pipe is another user's), the original is used, writing at
    most PIPE_BUF bytes when it polls writable. A socket gets MSG_DONTWAIT. */
static void log_open (int fd)
{
  struct stat st ;
  char path[14 + UINT_FMT] = "/proc/self/fd/" ;
  int own ;
  static ptysplit_textlog const fresh = PTYSPLIT_TEXTLOG_ZERO ;
  sess.log = fd ;
  sess.logsock = 0 ;
  logfilter = fresh ;
  if (fstat(fd, &st) < 0) return ;
  if (S_ISSOCK(st.st_mode)) { sess.logsock = 1 ; return ; }
  if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) return ;
  path[14 + uint_fmt(path + 14, fd)] = 0 ;
  own = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
  if (own < 0) return ;
  fd_close(fd) ;
  sess.log = own ;
}

static void log_close (void)
{
  if (sess.log < 0) return ;
  fd_close(sess.log) ;
  sess.log = -1 ;
  queue_clear(&logq) ;
  sess.logdropped = 0 ;
}

 /* The drop line goes first, as soon as it fits. */
static void log_dropline (void)
{
  char line[sizeof(log_dropmsg) + UINT64_FMT + sizeof(log_dropend)] ;
  size_t len = sizeof(log_dropmsg) - 1 ;
  if (!sess.logdropped) return ;
  memcpy(line, log_dropmsg, len) ;
  len += uint64_fmt(line + len, sess.logdropped) ;
  memcpy(line + len, log_dropend, sizeof(log_dropend) - 1) ;
  len += sizeof(log_dropend) - 1 ;
  if (queue_room(&logq) < len) return ;
  queue_put(&logq, line, len) ;
  sess.logdropped = 0 ;
}

static void log_queue (char const *s, size_t len)
{
  if (!len) return ;
  log_dropline() ;
  if (sess.logdropped || queue_room(&logq) < len) sess.logdropped += len ;
  else queue_put(&logq, s, len) ;
}

static void log_feed (char const *s, size_t len)
{
  char out[PTYSPLIT_TEXTLOG_OUTMAX(LOG_CHUNK)] ;
  if (sess.log < 0) return ;
  while (len)
  {
    size_t n = len < LOG_CHUNK ? len : LOG_CHUNK ;
    log_queue(out, ptysplit_textlog_feed(&logfilter, s, n, out, sizeof(out))) ;
    s += n ; len -= n ;
  }
}

 /* At the hangup: the last partial line, and a deadline to drain. */
static void log_finish (void)
{
  char out[PTYSPLIT_TEXTLOG_LINEMAX + 1] ;
  if (sess.log < 0) return ;
  log_queue(out, ptysplit_textlog_flush(&logfilter, out, sizeof(out))) ;
  tain_now_g() ;
  deadline_in(&sess.logdeadline, LOG_DRAIN_MS) ;
}

static void log_write (void)
{
  size_t n = queue_len(&logq) < PIPE_BUF ? queue_len(&logq) : PIPE_BUF ;
  ssize_t r ;
  do r = sess.logsock ? send(sess.log, logq.s + logq.start, n, MSG_DONTWAIT | MSG_NOSIGNAL) : write(sess.log, logq.s + logq.start, n) ;
  while (r < 0 && errno == EINTR) ;
  if (r < 0)
  {
    if (error_isagain(errno)) return ;
    strerr_warnwusys("write to the program's log: the session goes on without it") ;
    log_close() ;
    return ;
  }
  logq.start += r ;
  if (logq.start == logq.end) queue_clear(&logq) ;
  log_dropline() ;
}

 /* The hung-up session waits for its log, until the deadline. */
static int log_pending (void)
{
  return sess.log >= 0 && queue_len(&logq) && tain_future(&sess.logdeadline) ;
}


 /* sessions */

static void session_info (char const *what)
{
  char fmt[UINT32_FMT] ;
  if (verbosity < 2) return ;
  fmt[uint32_fmt(fmt, sess.pid)] = 0 ;
  strerr_warni(what, ": ", sess.name, " (pid ", fmt, ")") ;
}

static void session_start (int master, int log, char const *name, uint32_t pid)
{
  size_t len = strlen(name) ;
  if (log >= 0) log_open(log) ;
  sess.master = master ;
  sess.hungup = 0 ;
  sess.dropped = 0 ;
  sess.pid = pid ;
  memcpy(sess.name, name, len + 1) ;
  ndelay_on(master) ;
  queue_clear(&inq) ;
  session_info("session started") ;
  terminal_enter() ;
}

static void session_end (void)
{
  terminal_leave() ;
  fd_close(sess.master) ;
  sess.master = -1 ;
  queue_clear(&inq) ;
  log_close() ;
  session_info("session ended") ;
}

static void teardown (void)
{
  unsigned int i = 0 ;
  int e = errno ;
  if (sess.master >= 0) session_end() ;
  else terminal_leave() ;
  for (; i < MAXCLIENTS ; i++) if (clients[i].sock >= 0)
  {
    ptysplit_closefds(clients[i].fds, clients[i].nfds) ;
    fd_close(clients[i].sock) ;
    clients[i].sock = -1 ;
  }
  socket_remove() ;
  errno = e ;
}

static void resize_master (void)
{
  struct winsize ws ;
  if (sess.master < 0 || !term.istty) return ;
  terminal_size(&ws) ;
  if (ptysplit_pty_setsize(sess.master, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel) < 0)
    strerr_warnwusys("set the program's window size") ;
}


 /* A program redraws its screen when its size changes: a change and
    back makes it repaint what -n dropped or what an adopted session
    showed on a head that is gone. */
static void force_repaint (void)
{
  struct winsize ws ;
  if (ioctl(sess.master, TIOCGWINSZ, &ws) < 0) return ;
  ptysplit_pty_setsize(sess.master, ws.ws_row, ws.ws_col > 1 ? ws.ws_col - 1 : ws.ws_col + 1, ws.ws_xpixel, ws.ws_ypixel) ;
  ptysplit_pty_setsize(sess.master, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel) ;
}

 /* -F: a copy of the master parked in an s6-fdholderd keeps the
    program's terminal open when the head dies; the next head with -F
    picks it up. Every operation is one short connection with a deadline,
    so a dead holder costs a warning, never the session. */

#define HOLDER_TIMEOUT 1000
#define HOLDER_PREFIX "ptyhead:"

#ifdef PTYSPLIT_USE_FDHOLDER

static char holder_id[S6_FDHOLDER_ID_SIZE + 1] ;

 /* The identifier: the prefix and the absolute path of our socket.
    Made before the socket exists, so a bad one leaves nothing behind. */
static void holder_init (void)
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
  if (plen + dlen + len > S6_FDHOLDER_ID_SIZE)
    strerr_dief(100, "socket path too long to name it in the fd holder: ", sockpath) ;
  memcpy(holder_id + plen + dlen, sockpath, len + 1) ;
}

static int holder_connect (s6_fdholder_t *a, tain *deadline)
{
  tain_now_g() ;
  deadline_in(deadline, HOLDER_TIMEOUT) ;
  return s6_fdholder_start_g(a, opt.holder, deadline) ;
}

static void holder_delete (void)
{
  s6_fdholder_t a = S6_FDHOLDER_ZERO
  tain deadline ;
  if (!opt.holder) return ;
  if (!holder_connect(&a, &deadline))
  {
    strerr_warnwusys("connect to the fd holder at ", opt.holder, " to delete ", holder_id) ;
    return ;
  }
  if (!s6_fdholder_delete_g(&a, holder_id, &deadline) && errno != ENOENT)
    strerr_warnwusys("delete ", holder_id, " from the fd holder at ", opt.holder) ;
  s6_fdholder_end(&a) ;
}

 /* Replaces whatever the holder had under our name with this master. */
static void holder_store (int master)
{
  s6_fdholder_t a = S6_FDHOLDER_ZERO
  tain deadline, limit ;
  if (!opt.holder) return ;
  if (!holder_connect(&a, &deadline))
  {
    strerr_warnwusys("connect to the fd holder at ", opt.holder, " to store ", holder_id) ;
    return ;
  }
  tain_add_g(&limit, &tain_infinite_relative) ;
  if (!s6_fdholder_delete_g(&a, holder_id, &deadline) && errno != ENOENT)
    strerr_warnwusys("delete the previous ", holder_id, " from the fd holder at ", opt.holder) ;
  else if (!s6_fdholder_store_g(&a, master, holder_id, &limit, &deadline))
    strerr_warnwusys("store ", holder_id, " in the fd holder at ", opt.holder) ;
  s6_fdholder_end(&a) ;
}

 /* At start-up: the holder must answer; a master it holds for us is
    the current session at once, sized and made to repaint. */
static void holder_adopt (void)
{
  s6_fdholder_t a = S6_FDHOLDER_ZERO
  tain deadline ;
  struct winsize ws ;
  int fd, r ;
  if (!opt.holder) return ;
  if (!holder_connect(&a, &deadline))
    diecleanusys(111, "connect to the fd holder at ", opt.holder) ;
  fd = s6_fdholder_retrieve_g(&a, holder_id, &deadline) ;
  if (fd < 0 && errno != ENOENT)
    diecleanusys(111, "retrieve ", holder_id, " from the fd holder at ", opt.holder) ;
  s6_fdholder_end(&a) ;
  if (fd < 0) return ;
  r = ptysplit_pty_ismaster(fd) ;
  if (r <= 0)
  {
    strerr_warnw("the fd holder had something else than a PTY master under ", holder_id, ": deleting it") ;
    fd_close(fd) ;
    holder_delete() ;
    return ;
  }
  terminal_size(&ws) ;
  ptysplit_pty_setsize(fd, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel) ;
  session_start(fd, -1, "adopted from the fd holder", 0) ;
  force_repaint() ;
}

#else

static void holder_init (void)
{
  if (opt.holder) strerr_dief(100, "-F: this ptyhead was built without s6-fdholder support (libs6-dev was missing at build time)") ;
}

static void holder_adopt (void) { }

static void holder_store (int master) { (void)master ; }
static void holder_delete (void) { }

#endif


 /* clients in their handshake */

 /* A flood of bad clients must not flood the operator's terminal, nor
    block the head on a stderr nobody reads: warnings about clients are
    rate-limited, and the next one let through says how many were not. */
static int client_warn_allowed (void)
{
  static tain refill = TAIN_ZERO ;
  static unsigned int tokens = 0 ;
  static unsigned long suppressed = 0 ;
  tain_now_g() ;
  if (!tain_future(&refill))
  {
    tain_addsec_g(&refill, 1) ;
    tokens = CLIENT_WARN_BURST ;
    if (suppressed)
    {
      char fmt[ULONG_FMT] ;
      fmt[ulong_fmt(fmt, suppressed)] = 0 ;
      strerr_warnw("suppressed ", fmt, " warnings about clients in the last second") ;
      suppressed = 0 ;
    }
  }
  if (tokens) { tokens-- ; return 1 ; }
  suppressed++ ;
  return 0 ;
}

#define client_warnw(...) do { if (client_warn_allowed()) strerr_warnw(__VA_ARGS__) ; } while (0)
#define client_warnwusys(...) do { if (client_warn_allowed()) strerr_warnwusys(__VA_ARGS__) ; } while (0)
#define client_warni(...) do { if (client_warn_allowed()) strerr_warni(__VA_ARGS__) ; } while (0)

static void client_drop (client *c)
{
  ptysplit_closefds(c->fds, c->nfds) ;
  c->nfds = 0 ;
  fd_close(c->sock) ;
  c->sock = -1 ;
  nclients-- ;
}

static int client_send (client *c, char const *s, size_t len)
{
  ssize_t r ;
  do r = send(c->sock, s, len, MSG_NOSIGNAL | MSG_DONTWAIT) ;
  while (r < 0 && errno == EINTR) ;
  return r == (ssize_t)len ;
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
  if (sess.master >= 0 && !opt.replace) { client_reject(c, "busy", native, verbosity >= 2) ; return ; }
  terminal_size(&ws) ;
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
  if (sess.master >= 0) session_end() ;
  log = c->nfds == 2 ? c->fds[1] : -1 ;
  c->nfds = 0 ;
  client_drop(c) ;
  session_start(fd, log, name, pid) ;
  holder_store(fd) ;
}

static void client_serve_request (client *c, ptysplit_request const *req)
{
  if (req->flags & ~PTYSPLIT_REQUEST_FLAGS) { client_reject(c, "bad request: unsupported flags", 1, 1) ; return ; }
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

static void client_read (client *c)
{
  char msg[PTYSPLIT_MESSAGE_MAX] ;
  int fds[PTYSPLIT_FDPASS_MAXFDS] ;
  unsigned int nfds ;
  ptysplit_request req ;
  size_t used ;
  ssize_t r = ptysplit_recvfds(c->sock, msg, sizeof(msg), fds, &nfds) ;
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
    client_serve_console(c, r) ;
    return ;
  }
  if ((size_t)r > sizeof(c->buf) - c->len) { client_reject(c, "bad request: message too long", 1, 1) ; return ; }
  memcpy(c->buf + c->len, msg, r) ;
  c->len += r ;
  switch (ptysplit_request_parse(c->buf, c->len, &req, &used))
  {
    case PTYSPLIT_PARSE_COMPLETE : client_serve_request(c, &req) ; return ;
    case PTYSPLIT_PARSE_PARTIAL : return ;
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
    int fd = ipc_accept_nbcoe(lsock, 0, 0, 0) ;
    if (fd < 0)
    {
      if (!error_isagain(errno)) client_warnwusys("accept a connection") ;
      return ;
    }
    c = client_slot() ;
    c->sock = fd ;
    c->nfds = 0 ;
    c->len = 0 ;
    nclients++ ;
    if (opt.timeout) deadline_in(&c->deadline, opt.timeout) ;
    else c->deadline = tain_infinite ;
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


 /* the proxy */

static void handle_signals (void)
{
  for (;;) switch (selfpipe_read())
  {
    case -1 : diecleanusys(111, "selfpipe_read") ;
    case 0 : return ;
    case SIGWINCH : resize_master() ; break ;
    case SIGTERM :
    case SIGINT :
    case SIGHUP :
      teardown() ;
      _exit(0) ;
  }
}

static void stdout_write (void)
{
  if (queue_flush(&outq, 1) < 0 && !error_isagain(errno))
    diecleanusys(111, "write to stdout") ;
  if (sess.dropped && sess.master >= 0 && !sess.hungup && queue_len(&outq) < outq.size / 2)
  {
    if (verbosity >= 2)
    {
      char fmt[UINT64_FMT] ;
      fmt[uint64_fmt(fmt, sess.dropped)] = 0 ;
      strerr_warni("dropped ", fmt, " bytes of output while the terminal was not reading") ;
    }
    sess.dropped = 0 ;
    force_repaint() ;
  }
}

 /* -n with a full queue: read and count, so the program never blocks. */
static ssize_t master_discard (void)
{
  char scratch[OUTBUF_SIZE / 4] ;
  ssize_t r = fd_read(sess.master, scratch, sizeof(scratch)) ;
  if (r > 0)
  {
    sess.dropped += r ;
    log_feed(scratch, r) ;
  }
  return r ;
}

static void master_write (void)
{
  if (queue_flush(&inq, sess.master) < 0 && !error_isagain(errno))
    queue_clear(&inq) ;
}

static void stdin_read (void)
{
  ssize_t r ;
  if (opt.readonly)
  {
    char discard[INBUF_SIZE] ;
    r = fd_read(0, discard, sizeof(discard)) ;
  }
  else
  {
    r = queue_fill(&inq, 0) ;
     /* Written at once: the master is nearly always ready, and waiting
        for iopause to say so costs one more iopause per keystroke. */
    if (r > 0) { master_write() ; return ; }
  }
  if (r < 0 && error_isagain(errno)) return ;
  if (r <= 0)
  {
    if (r < 0 && errno != EIO) strerr_warnwusys("read from stdin") ;
    term.stdin_eof = 1 ;
  }
}

 /* EIO (or 0) is the program's hangup: then only the output is drained. */
static void master_read (void)
{
  ssize_t r ;
  if (queue_hasroom(&outq))
  {
    r = queue_fill(&outq, sess.master) ;
    if (r > 0)
    {
      log_feed(outq.s + outq.end - r, r) ;
       /* Likewise: stdout is tried now, iopause only waits when it is full. */
      stdout_write() ;
      return ;
    }
  }
  else r = master_discard() ;
  if (r > 0 || (r < 0 && error_isagain(errno))) return ;
  if (r < 0 && errno != EIO) strerr_warnwusys("read from the program's terminal") ;
  sess.hungup = 1 ;
  queue_clear(&inq) ;
  log_finish() ;
}

static void session_maybe_finish (void)
{
  if (sess.master < 0 || !sess.hungup || queue_len(&outq) || log_pending()) return ;
  session_end() ;
  holder_delete() ;
  if (opt.once)
  {
    teardown() ;
    _exit(0) ;
  }
}

static unsigned int add_fd (iopause_fd *x, unsigned int *n, int fd, short events)
{
  x[*n].fd = fd ;
  x[*n].events = events ;
  x[*n].revents = 0 ;
  return (*n)++ ;
}

static void loop (int spfd)
{
  for (;;)
  {
    iopause_fd x[6 + MAXCLIENTS] ;
    unsigned int xclient[MAXCLIENTS] ;
    unsigned int n = 0, i ;
    unsigned int ilisten = 0, istdin = 0, istdout = 0, imaster = 0, ilog = 0 ;
    tain deadline = tain_infinite ;
    add_fd(x, &n, spfd, IOPAUSE_READ) ;
    if (queue_len(&outq)) istdout = add_fd(x, &n, 1, IOPAUSE_WRITE) ;
    if (sess.master >= 0 && !sess.hungup)
    {
      short events = (queue_hasroom(&outq) || opt.dropping ? IOPAUSE_READ : 0) | (queue_len(&inq) ? IOPAUSE_WRITE : 0) ;
      if (events) imaster = add_fd(x, &n, sess.master, events) ;
      if (!term.stdin_eof && queue_hasroom(&inq)) istdin = add_fd(x, &n, 0, IOPAUSE_READ) ;
    }
    if (sess.log >= 0 && queue_len(&logq))
    {
      ilog = add_fd(x, &n, sess.log, IOPAUSE_WRITE) ;
      if (sess.hungup && tain_less(&sess.logdeadline, &deadline)) deadline = sess.logdeadline ;
    }
    if (nclients < MAXCLIENTS) ilisten = add_fd(x, &n, lsock, IOPAUSE_READ) ;
    for (i = 0 ; i < MAXCLIENTS ; i++) if (clients[i].sock >= 0)
    {
      xclient[i] = add_fd(x, &n, clients[i].sock, IOPAUSE_READ) ;
      if (tain_less(&clients[i].deadline, &deadline)) deadline = clients[i].deadline ;
    }

    if (iopause_g(x, n, &deadline) < 0) diecleanusys(111, "iopause") ;

    if (x[0].revents & IOPAUSE_READ) handle_signals() ;
    if (istdout && x[istdout].revents) stdout_write() ;
    if (imaster && sess.master >= 0 && !sess.hungup)
    {
      if (x[imaster].revents & IOPAUSE_WRITE || (queue_len(&inq) && x[imaster].revents & IOPAUSE_EXCEPT)) master_write() ;
      if (x[imaster].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT) && (queue_hasroom(&outq) || opt.dropping)) master_read() ;
    }
    if (istdin && sess.master >= 0 && !sess.hungup && x[istdin].revents) stdin_read() ;
    if (ilog && sess.log >= 0 && x[ilog].revents) log_write() ;
    session_maybe_finish() ;
    for (i = 0 ; i < MAXCLIENTS ; i++) if (clients[i].sock >= 0 && x[xclient[i]].fd == clients[i].sock)
    {
      if (x[xclient[i]].revents) client_read(clients + i) ;
      else if (!tain_future(&clients[i].deadline)) client_expire(clients + i) ;
    }
    if (ilisten && x[ilisten].revents & IOPAUSE_READ) clients_accept() ;
  }
}


 /* start-up */

static int parse_size (char const *s, unsigned int *rows, unsigned int *cols)
{
  size_t pos = uint_scan(s, rows) ;
  if (!pos || s[pos] != 'x' || !uint0_scan(s + pos + 1, cols)) return 0 ;
  return *rows && *cols && *rows <= 0xffff && *cols <= 0xffff ;
}

static void parse_options (int *argc, char const *const **argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (;;)
  {
    int opt_c = subgetopt_r(*argc, *argv, "1nrRd:F:m:s:T:t:u:v:", &l) ;
    if (opt_c == -1) break ;
    switch (opt_c)
    {
      case '1' : opt.once = 1 ; break ;
      case 'n' : opt.dropping = 1 ; break ;
      case 'r' : opt.replace = 1 ; break ;
      case 'R' : opt.readonly = 1 ; break ;
      case 'd' : { unsigned int fd ; if (!uint0_scan(l.arg, &fd)) dieusage() ; opt.notif = fd ; break ; }
      case 'F' : opt.holder = l.arg ; break ;
      case 'm' : if (!uint0_oscan(l.arg, &opt.mode) || opt.mode > 0777) dieusage() ; break ;
      case 's' : if (!parse_size(l.arg, &opt.rows, &opt.cols)) dieusage() ; break ;
      case 'T' : if (strlen(l.arg) > PTYSPLIT_STRING_MAX) dieusage() ; opt.term = l.arg ; break ;
      case 't' : if (!uint0_scan(l.arg, &opt.timeout)) dieusage() ; break ;
      case 'u' : if (!ptysplit_uidlist_add(&opt.uids, l.arg)) dieusage() ; break ;
      case 'v' : if (!uint0_scan(l.arg, &verbosity)) dieusage() ; break ;
      default : dieusage() ;
    }
  }
  *argc -= l.ind ; *argv += l.ind ;
}

static void check_notif (void)
{
  if (opt.notif < 0) return ;
  if (opt.notif < 3) strerr_dief(100, "notification fd must be 3 or more") ;
  if (fcntl(opt.notif, F_GETFD) < 0) strerr_diefsys(100, "invalid notification fd") ;
}

static void choose_term (void)
{
  if (!opt.term)
  {
    char const *t = getenv("TERM") ;
    opt.term = t && strlen(t) <= PTYSPLIT_STRING_MAX ? t : "" ;
  }
}

static int signals_init (void)
{
  sigset_t set ;
  int fd = selfpipe_init() ;
  if (fd < 0) strerr_diefusys(111, "init selfpipe") ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGINT) ;
  sigaddset(&set, SIGHUP) ;
  sigaddset(&set, SIGWINCH) ;
  if (!selfpipe_trapset(&set)) strerr_diefusys(111, "trap signals") ;
  if (sig_ignore(SIGPIPE) < 0) strerr_diefusys(111, "ignore SIGPIPE") ;
  return fd ;
}

int main (int argc, char const *const *argv)
{
  unsigned int i = 0 ;
  int spfd ;
  PROG = "ptyhead" ;
  parse_options(&argc, &argv) ;
  if (argc < 1) dieusage() ;
  sockpath = argv[0] ;
  if (!sockpath[0]) strerr_dief(100, "empty socket path") ;
  if (strlen(sockpath) > IPCPATH_MAX)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, IPCPATH_MAX)] = 0 ;
    strerr_dief(100, "socket path too long (more than ", fmt, " bytes): ", sockpath) ;
  }
  check_notif() ;
  if (!fd_sanitize()) strerr_diefusys(111, "make sure fds 0, 1 and 2 are open") ;
  choose_term() ;
  term.istty = isatty(0) ;
  for (; i < MAXCLIENTS ; i++) clients[i].sock = -1 ;
  tain_now_set_stopwatch_g() ;
  holder_init() ;
  spfd = signals_init() ;
  socket_create() ;
  if (verbosity >= 2) strerr_warni("listening on ", sockpath) ;
  holder_adopt() ;
  if (opt.notif >= 0)
  {
    fd_write(opt.notif, "\n", 1) ;
    fd_close(opt.notif) ;
  }
  loop(spfd) ;
}
