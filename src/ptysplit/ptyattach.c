/* ISC license. */

#include <skalibs/nonposix.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/cbuffer.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/error.h>

#include <ptysplit/protocol.h>
#include <ptysplit/uidlist.h>
#include <ptysplit/pty.h>
#include <ptysplit/client.h>

#include "ptysplit-usage.h"

#define USAGE "ptyattach [ -r ] [ -e char | -E ] [ -p ] [ -s ] [ -t timeout ] [ -u uid ] [ -v verbosity ] socket"
#define dieusage() strerr_dieusage(100, USAGE)

 /* However long ptyattach waited for the head to appear, a head that
    accepted the connection must answer within this, and a STATUS or
    PRINT text must keep coming at least this often. */
#define HANDSHAKE_MS 5000
#define DETACH_DEFAULT 0x1c
#define SCREEN_BUFSIZE 65536
#define KEYS_BUFSIZE (2 * PTYSPLIT_FRAME_MAX + 64)

 /* What a program may have left on: keypad and cursor-key modes, bracketed
    paste, mouse reports, attributes, a hidden cursor, the alternate screen. */
#define LEAVE_MODES "\033[?1l\033>\033[?2004l\033[?1000l\033[?1002l\033[?1003l\033[?1006l\033[m\033[?25h\033[?1049l"

static unsigned int verbosity = 1 ;

typedef struct options_s options, *options_ref ;
struct options_s
{
  unsigned int readonly : 1 ;
  unsigned int print : 1 ;
  unsigned int status : 1 ;
  unsigned int waiting : 1 ;
  unsigned int timeout ;
  int detach ;                           /* -1: none */
  ptysplit_uidlist uids ;
} ;
#define OPTIONS_ZERO { .readonly = 0, .print = 0, .status = 0, .waiting = 0, .timeout = 0, .detach = DETACH_DEFAULT, .uids = PTYSPLIT_UIDLIST_ZERO }

 /* A literal character, or ^X (^@ to ^_, ^a to ^z, ^?). */
static int detach_scan (char const *s)
{
  if (s[0] && !s[1]) return (unsigned char)s[0] ;
  if (s[0] != '^' || !s[1] || s[2]) return -1 ;
  if (s[1] == '?') return 0x7f ;
  if (s[1] >= '@' && s[1] <= '_') return s[1] - '@' ;
  if (s[1] >= 'a' && s[1] <= 'z') return s[1] - 'a' + 1 ;
  return -1 ;
}

static void parse_options (int *argc, char const *const **argv, options *o)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (;;)
  {
    int opt = subgetopt_r(*argc, *argv, "re:Epst:u:v:", &l) ;
    if (opt == -1) break ;
    switch (opt)
    {
      case 'r' : o->readonly = 1 ; break ;
      case 'e' :
        o->detach = detach_scan(l.arg) ;
        if (o->detach < 0) ptysplit_dieinvalid("e", l.arg, "one character or ^X") ;
        break ;
      case 'E' : o->detach = -1 ; break ;
      case 'p' : o->print = 1 ; break ;
      case 's' : o->status = 1 ; break ;
      case 't' : if (!uint0_scan(l.arg, &o->timeout)) ptysplit_dieinvalid("t", l.arg, "a timeout in milliseconds (0: wait forever)") ; o->waiting = 1 ; break ;
      case 'u' : if (!ptysplit_uidlist_add(&o->uids, l.arg)) ptysplit_dieinvalid("u", l.arg, PTYSPLIT_EXPECT_UID) ; break ;
      case 'v' : if (!uint0_scan(l.arg, &verbosity)) ptysplit_dieinvalid("v", l.arg, PTYSPLIT_EXPECT_VERBOSITY) ; break ;
      default : dieusage() ;
    }
  }
  *argc -= l.ind ; *argv += l.ind ;
  if (o->print && o->status) strerr_dief(100, "-p and -s cannot go together") ;
}


 /* the terminal: raw while attached, restored exactly on every way out */

static ptysplit_ttysave tty = PTYSPLIT_TTYSAVE_ZERO ;

#define diesys_restored(e, ...) (ptysplit_tty_restore(&tty), strerr_diefsys(e, __VA_ARGS__))

static void term_setup (int istty)
{
  tty.flags0 = fcntl(0, F_GETFL) ;
  tty.flags1 = fcntl(1, F_GETFL) ;
  if (tty.flags0 < 0 || tty.flags1 < 0) strerr_diefusys(111, "get the flags of stdin and stdout") ;
  tty.flagsaved = 1 ;
  if (istty)
  {
    struct termios raw ;
    if (tcgetattr(0, &tty.saved) < 0) diesys_restored(111, "unable to get the terminal's attributes") ;
    raw = tty.saved ;
    cfmakeraw(&raw) ;
    if (tcsetattr(0, TCSANOW, &raw) < 0) diesys_restored(111, "unable to put the terminal in raw mode") ;
    tty.raw = 1 ;
  }
  if (ndelay_on(0) < 0 || ndelay_on(1) < 0) diesys_restored(111, "unable to make stdin and stdout non-blocking") ;
}

 /* After the program's screen: our terminal as a shell expects it, on a
    line of its own, with "[detached]" on a detach as dtach says it.
    Written while stdout is still non-blocking: a terminal that does not
    read never keeps us from leaving. */
static void term_leave (int detached)
{
  static char const leave[] = LEAVE_MODES "\r\n" ;
  static char const said[] = LEAVE_MODES "\r\n[detached]\r\n" ;
  if (tty.flagsaved && isatty(1))
  {
    if (detached) fd_write(1, said, sizeof(said) - 1) ;
    else fd_write(1, leave, sizeof(leave) - 1) ;
  }
  ptysplit_tty_restore(&tty) ;
}

 /* SIGTERM and co: the terminal back, then the signal's own death. */
static void die_of_signal (int sig)
{
  term_leave(0) ;
  selfpipe_finish() ;
  sig_restore(sig) ;
  raise(sig) ;
  sig_unblock(sig) ;
  _exit(111) ;
}


 /* the handshake */

static void deadline_in (tain *deadline, unsigned int ms)
{
  tain_from_millisecs(deadline, ms) ;
  tain_add_g(deadline, deadline) ;
}



 /* the handshake */

static uint8_t request_flags (options const *o)
{
  uint8_t flags = PTYSPLIT_REQUEST_VIEW ;
  if (o->readonly) flags |= PTYSPLIT_REQUEST_READONLY ;
  if (o->status) flags |= PTYSPLIT_REQUEST_STATUS ;
  if (o->print) flags |= PTYSPLIT_REQUEST_PRINT ;
  return flags ;
}

 /* Our terminal's size as a 'W' frame; 0 if it has none. */
static size_t size_frame (char *s, struct winsize *last)
{
  struct winsize ws ;
  if (ioctl(0, TIOCGWINSZ, &ws) < 0 || !ws.ws_row || !ws.ws_col) return 0 ;
  if (ws.ws_row == last->ws_row && ws.ws_col == last->ws_col && ws.ws_xpixel == last->ws_xpixel && ws.ws_ypixel == last->ws_ypixel) return 0 ;
  *last = ws ;
  return ptysplit_frame_pack_size(s, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel) ;
}

 /* The request, and a read-write viewer's size right after it. A head
    that refused at once may have hung up already: its answer is still
    there to read, so a failed send is not fatal yet. */
static void send_request (int s, char const *path, uint8_t flags, int sendsize, struct winsize *last, tain const *deadline)
{
  char buf[PTYSPLIT_REQUEST_MAX + PTYSPLIT_FRAME_HEADER_LEN + PTYSPLIT_FRAME_SIZE_LEN] ;
  size_t len = ptysplit_request_pack_flags(buf, getpid(), "ptyattach", flags) ;
  if (sendsize) len += size_frame(buf + len, last) ;
  ptysplit_client_wait(s, IOPAUSE_WRITE, deadline, path) ;
  if (fd_write(s, buf, len) < 0 && errno != EPIPE && errno != ECONNRESET)
    strerr_diefusys(111, "send the request to the head at ", path) ;
}

 /* Reads the answer and not a byte more of the head's: what followed it
    in the same read (the start of the stream) goes to extra. */
static size_t read_answer (int s, char const *path, tain const *deadline, ptysplit_answer *ans, char *extra)
{
  char buf[PTYSPLIT_ANSWER_MAX] ;
  size_t len = 0 ;
  for (;;)
  {
    size_t end, used ;
    ssize_t r ;
    ptysplit_client_wait(s, IOPAUSE_READ, deadline, path) ;
    r = sanitize_read(fd_read(s, buf + len, sizeof(buf) - len)) ;
    if (r < 0)
    {
      if (errno == EPIPE || errno == ECONNRESET) strerr_dief(111, "the head at ", path, " hung up without answering") ;
      strerr_diefusys(111, "read the answer of the head at ", path) ;
    }
    for (end = len + 1 ; end <= len + r ; end++)
    {
      int p = ptysplit_answer_parse(buf, end, ans, &used) ;
      if (p == PTYSPLIT_PARSE_COMPLETE)
      {
        memcpy(extra, buf + end, len + r - end) ;
        return len + r - end ;
      }
      if (p != PTYSPLIT_PARSE_PARTIAL) break ;
    }
    len += r ;
    if (end <= len || len == sizeof(buf)) strerr_dief(111, "invalid answer from the head at ", path) ;
  }
}


 /* -s and -p: the head's text, then its EOF */

static void copy_text (int s, char const *path, char const *extra, size_t extralen)
{
  if (allwrite(1, extra, extralen) < extralen) strerr_diefusys(111, "write to stdout") ;
  for (;;)
  {
    char buf[4096] ;
    tain deadline ;
    ssize_t r ;
    deadline_in(&deadline, HANDSHAKE_MS) ;
    ptysplit_client_wait(s, IOPAUSE_READ, &deadline, path) ;
    r = sanitize_read(fd_read(s, buf, sizeof(buf))) ;
    if (r < 0)
    {
      if (errno == EPIPE) break ;
      strerr_diefusys(111, "read from the head at ", path) ;
    }
    if (allwrite(1, buf, r) < (size_t)r) strerr_diefusys(111, "write to stdout") ;
  }
  _exit(0) ;
}


 /* attached: head -> stdout raw, stdin -> head as frames */

typedef struct view_s view, *view_ref ;
struct view_s
{
  int s ;
  char const *path ;
  unsigned int input : 1 ;               /* stdin still read */
  unsigned int headin : 1 ;              /* the head still sends */
  unsigned int headout : 1 ;             /* the head still takes frames */
  unsigned int winch : 1 ;               /* a size to send */
  unsigned int sendsize : 1 ;
  struct winsize last ;
  cbuffer screen ;
  cbuffer keys ;
} ;

static void detach (view *v)
{
  struct iovec iov[2] ;
   /* the keys typed before the detach character, if the head takes them at once */
  cbuffer_rpeek(&v->keys, iov) ;
  if (v->headout) fd_writev(v->s, iov, 2) ;
  term_leave(1) ;
  if (verbosity >= 2) strerr_warni("detached from the head at ", v->path) ;
  _exit(0) ;
}

static void handle_signals (view *v)
{
  for (;;)
  {
    int sig = selfpipe_read() ;
    switch (sig)
    {
      case -1 : diesys_restored(111, "unable to selfpipe_read") ;
      case 0 : return ;
      case SIGWINCH : v->winch = 1 ; break ;
      default : die_of_signal(sig) ;
    }
  }
}

static void queue_size (view *v)
{
  char frame[PTYSPLIT_FRAME_HEADER_LEN + PTYSPLIT_FRAME_SIZE_LEN] ;
  size_t len ;
  if (cbuffer_available(&v->keys) < sizeof(frame)) return ;
  v->winch = 0 ;
  len = size_frame(frame, &v->last) ;
  if (len) cbuffer_put(&v->keys, frame, len) ;
}

 /* Keys up to the detach character become one frame; it never leaves. */
static void write_keys (view *) ;

static void read_keys (view *v, options const *o)
{
  char buf[PTYSPLIT_FRAME_PAYLOAD_MAX] ;
  char const *stop ;
  size_t len ;
  ssize_t r = sanitize_read(fd_read(0, buf, sizeof(buf))) ;
  if (r < 0)
  {
    if (errno != EPIPE && errno != EIO) diesys_restored(111, "unable to read stdin") ;
    v->input = 0 ;
    return ;
  }
  stop = o->detach >= 0 ? memchr(buf, o->detach, r) : 0 ;
  len = stop ? (size_t)(stop - buf) : (size_t)r ;
  if (!o->readonly && v->headout && len)
  {
    char frame[PTYSPLIT_FRAME_MAX] ;
    cbuffer_put(&v->keys, frame, ptysplit_frame_pack_keys(frame, buf, len)) ;
     /* Sent at once: the socket nearly always takes it, and waiting
        for iopause to say so costs one more iopause per keystroke. */
    if (!stop) write_keys(v) ;
  }
  if (stop) detach(v) ;
}

static void write_screen (view *v)
{
  struct iovec iov[2] ;
  ssize_t r ;
  cbuffer_rpeek(&v->screen, iov) ;
  r = fd_writev(1, iov, 2) ;
  if (r < 0)
  {
    if (error_isagain(errno)) return ;
    diesys_restored(111, "unable to write to stdout") ;
  }
  cbuffer_RSEEK(&v->screen, r) ;
}

static void write_keys (view *v)
{
  struct iovec iov[2] ;
  ssize_t r ;
  cbuffer_rpeek(&v->keys, iov) ;
  r = fd_writev(v->s, iov, 2) ;
  if (r >= 0) { cbuffer_RSEEK(&v->keys, r) ; return ; }
  if (error_isagain(errno)) return ;
  if (errno != EPIPE && errno != ECONNRESET) diesys_restored(111, "unable to write to the head at ", v->path) ;
   /* the head is going: what it still sent is shown, then we leave */
  v->headout = 0 ;
  cbuffer_RSEEK(&v->keys, cbuffer_len(&v->keys)) ;
}

static void read_head (view *v)
{
  struct iovec iov[2] ;
  ssize_t r ;
  cbuffer_wpeek(&v->screen, iov) ;
  r = sanitize_read(fd_readv(v->s, iov, 2)) ;
   /* Likewise: stdout is tried now, iopause only waits when it is full. */
  if (r > 0) { cbuffer_WSEEK(&v->screen, r) ; write_screen(v) ; return ; }
  if (!r) return ;
  if (errno != EPIPE && errno != ECONNRESET) diesys_restored(111, "unable to read from the head at ", v->path) ;
  v->headin = v->headout = 0 ;
}

static void view_loop (view *v, options const *o, int spfd)
{
  for (;;)
  {
    iopause_fd x[4] = { { .fd = spfd, .events = IOPAUSE_READ, .revents = 0 } } ;
    unsigned int n = 1, xin = 0, xout = 0, xs = 0 ;
    short sev = 0 ;
    if (v->winch && v->sendsize && v->headout) queue_size(v) ;
    if (!v->headin && cbuffer_isempty(&v->screen))
    {
      term_leave(0) ;
      strerr_dief(111, "head at ", v->path, " went away") ;
    }
    if (v->input && cbuffer_available(&v->keys) >= PTYSPLIT_FRAME_MAX)
    {
      x[n].fd = 0 ; x[n].events = IOPAUSE_READ ; xin = n++ ;
    }
    if (!cbuffer_isempty(&v->screen))
    {
      x[n].fd = 1 ; x[n].events = IOPAUSE_WRITE ; xout = n++ ;
    }
    if (v->headin && cbuffer_available(&v->screen)) sev |= IOPAUSE_READ ;
    if (v->headout && !cbuffer_isempty(&v->keys)) sev |= IOPAUSE_WRITE ;
    if (sev)
    {
      x[n].fd = v->s ; x[n].events = sev ; xs = n++ ;
    }
    if (iopause_g(x, n, 0) < 0) diesys_restored(111, "unable to iopause") ;
    if (x[0].revents & IOPAUSE_READ) handle_signals(v) ;
    if (xout && x[xout].revents & (IOPAUSE_WRITE | IOPAUSE_EXCEPT)) write_screen(v) ;
    if (xs && x[xs].revents & (IOPAUSE_WRITE | IOPAUSE_EXCEPT) && v->headout && !cbuffer_isempty(&v->keys)) write_keys(v) ;
    if (xs && x[xs].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT) && v->headin && cbuffer_available(&v->screen)) read_head(v) ;
    if (xin && x[xin].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) read_keys(v, o) ;
  }
}

static int trap_signals (void)
{
  sigset_t set ;
  int fd = selfpipe_init() ;
  if (fd < 0) strerr_diefusys(111, "selfpipe_init") ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGWINCH) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGHUP) ;
  sigaddset(&set, SIGINT) ;
  sigaddset(&set, SIGQUIT) ;
  if (!selfpipe_trapset(&set)) strerr_diefusys(111, "trap signals") ;
  return fd ;
}

static void attach (int s, char const *path, options const *o, int istty, struct winsize const *last, char const *extra, size_t extralen)
{
  static char screenbuf[SCREEN_BUFSIZE + 1] ;
  static char keysbuf[KEYS_BUFSIZE + 1] ;
  view v = { .s = s, .path = path, .input = 1, .headin = 1, .headout = 1, .winch = 1, .sendsize = istty && !o->readonly, .last = *last } ;
  int spfd = trap_signals() ;
  cbuffer_init(&v.screen, screenbuf, sizeof(screenbuf)) ;
  cbuffer_init(&v.keys, keysbuf, sizeof(keysbuf)) ;
  cbuffer_put(&v.screen, extra, extralen) ;
  term_setup(istty) ;
  view_loop(&v, o, spfd) ;
}

int main (int argc, char const *const *argv)
{
  options o = OPTIONS_ZERO ;
  ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
  struct winsize last = { .ws_row = 0, .ws_col = 0, .ws_xpixel = 0, .ws_ypixel = 0 } ;
  char extra[PTYSPLIT_ANSWER_MAX] ;
  size_t extralen ;
  char const *path ;
  tain deadline = TAIN_INFINITE ;
  unsigned int backoff = PTYSPLIT_BACKOFF_MIN ;
  int istty, s ;
  PROG = "ptyattach" ;
  parse_options(&argc, &argv, &o) ;
  if (argc != 1) dieusage() ;
  path = argv[0] ;
  ptysplit_sockpath_check(path) ;
  if (!fd_sanitize()) strerr_diefusys(111, "make sure fds 0, 1 and 2 are open") ;
  if (sig_ignore(SIGPIPE) < 0) strerr_diefusys(111, "ignore SIGPIPE") ;
  tain_now_set_stopwatch_g() ;
  if (o.waiting && o.timeout) deadline_in(&deadline, o.timeout) ;
  istty = !o.print && !o.status && isatty(0) ;

  s = ptysplit_client_connect(path, &o.uids, o.waiting, o.timeout, &deadline, &backoff) ;
  deadline_in(&deadline, HANDSHAKE_MS) ;
  send_request(s, path, request_flags(&o), istty && !o.readonly, &last, &deadline) ;
  extralen = read_answer(s, path, &deadline, &ans, extra) ;
  if (!ans.accepted) strerr_dief(111, "head at ", path, " refused: ", ans.text) ;
  if (o.print || o.status) copy_text(s, path, extra, extralen) ;
  if (verbosity >= 2)
    strerr_warni("attached to the head at ", path, o.readonly ? " (read-only)" : "", ans.textlen ? ", its TERM is " : "", ans.text) ;
  attach(s, path, &o, istty, &last, extra, extralen) ;
  return 111 ;
}
