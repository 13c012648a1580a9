/* ISC license. */

#include <skalibs/nonposix.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>

#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/posixplz.h>
#include <skalibs/exec.h>

#include <ptysplit/protocol.h>
#include <ptysplit/pty.h>
#include <ptysplit/fdpass.h>
#include <ptysplit/uidlist.h>
#include <ptysplit/client.h>

#include "ptysplit-usage.h"

#define USAGE "ptyexec [ -E ] [ -L ] [ -t timeout ] [ -T term ] [ -u uid ] [ -v verbosity ] socket prog..."
#define dieusage() strerr_dieusage(100, USAGE)

 /* However long ptyexec waited for the head to appear, a head that
    accepted the connection must answer within this. */
#define HANDSHAKE_MS 5000

static unsigned int verbosity = 1 ;

typedef struct options_s options, *options_ref ;
struct options_s
{
  unsigned int keepstderr : 1 ;
  unsigned int log : 1 ;
  unsigned int waiting : 1 ;
  unsigned int timeout ;
  char const *term ;
  ptysplit_uidlist uids ;
} ;
#define OPTIONS_ZERO { .keepstderr = 0, .log = 0, .waiting = 0, .timeout = 0, .term = 0, .uids = PTYSPLIT_UIDLIST_ZERO }

static void parse_options (int *argc, char const *const **argv, options *o)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (;;)
  {
    int opt = subgetopt_r(*argc, *argv, "ELt:T:u:v:", &l) ;
    if (opt == -1) break ;
    switch (opt)
    {
      case 'E' : o->keepstderr = 1 ; break ;
      case 'L' : o->log = 1 ; break ;
      case 't' :
        if (!uint0_scan(l.arg, &o->timeout)) ptysplit_dieinvalid("t", l.arg, "a timeout in milliseconds (0: wait forever)") ;
        o->waiting = 1 ; break ;
      case 'T' :
        if (strlen(l.arg) > PTYSPLIT_STRING_MAX) strerr_dief(100, "invalid -T: expected a terminal type of at most 255 bytes") ;
        o->term = l.arg ; break ;
      case 'u' :
        if (o->uids.n >= PTYSPLIT_UIDLIST_MAX) strerr_dief(100, "too many -u: at most 16 are accepted") ;
        if (!ptysplit_uidlist_add(&o->uids, l.arg)) ptysplit_dieinvalid("u", l.arg, PTYSPLIT_EXPECT_UID) ;
        break ;
      case 'v' : if (!uint0_scan(l.arg, &verbosity)) ptysplit_dieinvalid("v", l.arg, PTYSPLIT_EXPECT_VERBOSITY) ; break ;
      default : dieusage() ;
    }
  }
  *argc -= l.ind ; *argv += l.ind ;
}

 /* A job of an interactive shell leaves its process group: if the
    shell's terminal has that group in the foreground, the foreground
    goes back to the group joined, the shell's. Else the terminal would
    go on naming the group's number, which the new session takes: ^C
    typed there would reach the program. SIGTTOU is blocked, as we are
    in a background group when we ask. */
static void give_terminal_back (pid_t oldgroup, pid_t newgroup)
{
  sigset_t set, old ;
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0) return ;
  if (tcgetpgrp(fd) == oldgroup)
  {
    sigemptyset(&set) ;
    sigaddset(&set, SIGTTOU) ;
    sigprocmask(SIG_BLOCK, &set, &old) ;
    if (tcsetpgrp(fd, newgroup) < 0 && verbosity >= 2)
      strerr_warnwusys("give the shell's terminal back to the shell") ;
    sigprocmask(SIG_SETMASK, &old, 0) ;
  }
  fd_close(fd) ;
}

 /* Leads a session by whichever road is open; see doc/ptyexec.html. */
static void become_session_leader (void)
{
  pid_t pid = getpid() ;
  pid_t parentgroup ;
  if (getsid(0) == pid) return ;
  if (setsid() >= 0) return ;
  if (errno != EPERM || getpgid(0) != pid)
    strerr_diefusys(111, "become a session leader") ;
  parentgroup = getpgid(getppid()) ;
  if (parentgroup < 0 || setpgid(0, parentgroup) < 0)
    strerr_diefusys(111, "become a session leader: ptyexec leads its process group and cannot join its parent's") ;
  give_terminal_back(pid, parentgroup) ;
  if (setsid() < 0)
    strerr_diefusys(111, "become a session leader after leaving its process group") ;
}

static void claim_terminal (int t, char const *name)
{
  if (ioctl(t, TIOCSCTTY, 0) < 0)
  {
    if (errno == EPERM)
      strerr_diefusys(111, "make ", name, " the controlling terminal (does the session already have one?)") ;
    strerr_diefusys(111, "make ", name, " the controlling terminal") ;
  }
}

static void deadline_in (tain *deadline, unsigned int ms)
{
  tain_from_millisecs(deadline, ms) ;
  tain_add_g(deadline, deadline) ;
}


 /* Returns 0, or the errno of a failed send. With -L, our stdout (the
    supervisor's log pipe) goes along with the master. */
static int send_request (int s, int m, int log, char const *path, char const *prog, tain const *deadline)
{
  char buf[PTYSPLIT_REQUEST_MAX] ;
  int fds[2] = { m, 1 } ;
  size_t len = ptysplit_request_pack_flags(buf, getpid(), prog, log ? PTYSPLIT_REQUEST_LOG : 0) ;
  ssize_t r ;
  ptysplit_client_wait(s, IOPAUSE_WRITE, deadline, path) ;
  r = ptysplit_sendfds(s, buf, len, fds, log ? 2 : 1) ;
  if (r < 0) return errno ;
  if ((size_t)r < len) strerr_dief(111, "short write of the request to the head at ", path) ;
  return 0 ;
}

 /* sendfailed: a head that refused us at once may have hung up before
    our request went out; its answer is still there to read. */
static void read_answer (int s, char const *path, tain const *deadline, ptysplit_answer *ans, int sendfailed)
{
  char buf[PTYSPLIT_ANSWER_MAX] ;
  size_t len = 0 ;
  for (;;)
  {
    size_t used ;
    ssize_t r ;
    ptysplit_client_wait(s, IOPAUSE_READ, deadline, path) ;
    r = sanitize_read(fd_read(s, buf + len, sizeof(buf) - len)) ;
    if (r < 0)
    {
      if (sendfailed) { errno = sendfailed ; strerr_diefusys(111, "send the terminal to the head at ", path) ; }
      if (errno == EPIPE) strerr_dief(111, "the head at ", path, " hung up without answering") ;
      strerr_diefusys(111, "read the answer of the head at ", path) ;
    }
    len += r ;
    switch (ptysplit_answer_parse(buf, len, ans, &used))
    {
      case PTYSPLIT_PARSE_COMPLETE : return ;
      case PTYSPLIT_PARSE_PARTIAL : if (len < sizeof(buf)) break ; /* fallthrough */
      default : strerr_dief(111, "invalid answer from the head at ", path) ;
    }
  }
}

static void handshake (int s, int m, int log, char const *path, char const *prog, ptysplit_answer *ans)
{
  tain deadline ;
  int sendfailed ;
  deadline_in(&deadline, HANDSHAKE_MS) ;
  sendfailed = send_request(s, m, log, path, prog, &deadline) ;
  if (sendfailed && sendfailed != EPIPE && sendfailed != ECONNRESET)
  {
    errno = sendfailed ;
    strerr_diefusys(111, "send the terminal to the head at ", path) ;
  }
  read_answer(s, path, &deadline, ans, sendfailed) ;
}

 /* Connects, checks and hands the master over. With -t, a head that
    answers busy is still draining the previous program (a supervisor
    restarts it within a second): it is retried until the deadline, like
    a head that is not listening yet. Any other refusal is final. */
static void attach (int m, char const *path, char const *prog, options const *o, ptysplit_answer *ans)
{
  tain deadline = TAIN_INFINITE ;
  unsigned int backoff = PTYSPLIT_BACKOFF_MIN ;
  if (o->waiting && o->timeout) deadline_in(&deadline, o->timeout) ;
  for (;;)
  {
    int s = ptysplit_client_connect(path, &o->uids, o->waiting, o->timeout, &deadline, &backoff) ;
    handshake(s, m, o->log, path, prog, ans) ;
    fd_close(s) ;
    if (ans->accepted) return ;
    if (!o->waiting || strcmp(ans->text, "busy") || !tain_future(&deadline))
      strerr_dief(111, "the head at ", path, " refused: ", ans->text) ;
    ptysplit_backoff(&backoff, &deadline) ;
  }
}

static void install_stdio (int t, int keepstderr)
{
  int i = 0 ;
  for (; i < (keepstderr ? 2 : 3) ; i++)
    if (fd_copy(i, t) < 0) strerr_diefusys(111, "make the terminal the standard descriptors") ;
  fd_close(t) ;
}

 /* TTY always; TERM from -T, else from the head, else untouched. */
static size_t build_env (char *modif, char const *ttyname, char const *term)
{
  size_t len = 0 ;
  memcpy(modif, "TTY=", 4) ; len += 4 ;
  memcpy(modif + len, ttyname, strlen(ttyname) + 1) ; len += strlen(ttyname) + 1 ;
  if (term[0])
  {
    memcpy(modif + len, "TERM=", 5) ; len += 5 ;
    memcpy(modif + len, term, strlen(term) + 1) ; len += strlen(term) + 1 ;
  }
  return len ;
}

static void exec_program (char const *const *argv, char const *modif, size_t modiflen, int errfd)
{
  int e ;
  mexec_m(argv, modif, modiflen) ;
  e = errno ;
  fd_move(2, errfd) ;
  errno = e ;
  strerr_dieexec(e == ENOENT ? 127 : 126, argv[0]) ;
}

int main (int argc, char const *const *argv)
{
  options o = OPTIONS_ZERO ;
  ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
  char ttyname[PTYSPLIT_PTYNAME_MAX] ;
  char const *path ;
  int errfd, m, t ;
  PROG = "ptyexec" ;
  parse_options(&argc, &argv, &o) ;
  if (argc < 2) dieusage() ;
  path = argv[0] ;
  ptysplit_sockpath_check(path) ;
  if (!fd_sanitize()) strerr_diefusys(111, "make sure fds 0, 1 and 2 are open") ;
  errfd = fcntl(2, F_DUPFD_CLOEXEC, 3) ;
  if (errfd < 0) strerr_diefusys(111, "duplicate stderr") ;
  tain_now_set_stopwatch_g() ;

  m = ptysplit_pty_open(ttyname, sizeof(ttyname)) ;
  if (m < 0) strerr_diefusys(111, "allocate a pseudo-terminal") ;
   /* Held open until exec, so that the head sees a hangup if we die first. */
  t = open2(ttyname, O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (t < 0) strerr_diefusys(111, "open ", ttyname) ;
  become_session_leader() ;
  claim_terminal(t, ttyname) ;

  attach(m, path, argv[1], &o, &ans) ;
 /* The head set the size on the master before it answered, and both
    ends share it: applying the answer's size here would only undo a
    resize the head made since. */
  fd_close(m) ;
  if (verbosity >= 2)
    strerr_warni("attached to the head at ", path, " on ", ttyname, ans.textlen ? " with TERM=" : "", ans.text) ;
  install_stdio(t, o.keepstderr) ;
  {
    char modif[PTYSPLIT_PTYNAME_MAX + PTYSPLIT_STRING_MAX + 11] ;
    size_t modiflen = build_env(modif, ttyname, o.term ? o.term : ans.text) ;
    exec_program(argv + 1, modif, modiflen, errfd) ;
  }
}
