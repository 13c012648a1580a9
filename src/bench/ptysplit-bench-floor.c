/* ISC license. */

 /*
    The floor: the least work a head can do. It runs prog on a new PTY
    and copies bytes between its own stdin/stdout and the master with
    poll(), one read and one write per chunk, blocking writes, nothing
    else: no socket, no handshake, no bounded queues, no signals. Every
    head in the benchmark is compared with this.

      ptysplit-bench-floor prog...

    Its stdin is put in raw mode (if it is a terminal) and restored at
    the end, as a real head must; the program gets stdin's window size.
    It exits when the master hangs up (EIO or EOF), without waiting for
    the program: reaping it is not relaying work.
 */

#include <skalibs/nonposix.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <poll.h>
#include <termios.h>
#include <sys/ioctl.h>

#include <skalibs/strerr.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>

#define USAGE "ptysplit-bench-floor prog..."
#define dieusage() strerr_dieusage(100, USAGE)

#define CHUNK 65536

static int master_open (char *name, size_t len)
{
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (m < 0) strerr_diefu1sys(111, "posix_openpt") ;
  if (grantpt(m) < 0 || unlockpt(m) < 0) strerr_diefu1sys(111, "unlock the pty") ;
  if (ptsname_r(m, name, len)) strerr_diefu1sys(111, "ptsname_r") ;
  return m ;
}

 /* The child: a session of its own with the client end as its terminal. */
static void child_exec (char const *name, char const *const *argv, struct winsize const *ws)
{
  int s ;
  if (setsid() < 0) strerr_diefu1sys(111, "setsid") ;
  s = open(name, O_RDWR) ;
  if (s < 0) strerr_diefu2sys(111, "open ", name) ;
  ioctl(s, TIOCSCTTY, 0) ;
  ioctl(s, TIOCSWINSZ, ws) ;
  if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0) strerr_diefu1sys(111, "dup2") ;
  if (s > 2) close(s) ;
  execvp(argv[0], (char *const *)argv) ;
  strerr_dieexec(errno == ENOENT ? 127 : 126, argv[0]) ;
}

 /* One read, then the whole of it written: 0 when src is done. */
static int copy (int src, int dst, char *buf)
{
  ssize_t r = read(src, buf, CHUNK) ;
  if (r < 0 && errno == EINTR) return 1 ;
  if (r <= 0) return 0 ;
  if (allwrite(dst, buf, r) < (size_t)r) strerr_diefu1sys(111, "write") ;
  return 1 ;
}

static void relay (int m)
{
  static char buf[CHUNK] ;
  struct pollfd x[2] = { { .fd = m, .events = POLLIN }, { .fd = 0, .events = POLLIN } } ;
  nfds_t n = 2 ;
  for (;;)
  {
    if (poll(x, n, -1) < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefu1sys(111, "poll") ;
    }
    if (x[0].revents && !copy(m, 1, buf)) return ;
    if (n == 2 && x[1].revents && !copy(0, m, buf)) n = 1 ;
  }
}

int main (int argc, char const *const *argv)
{
  char name[64] ;
  struct winsize ws = { .ws_row = 24, .ws_col = 80 } ;
  struct termios saved, raw ;
  int istty, m ;
  pid_t pid ;
  PROG = "ptysplit-bench-floor" ;
  if (argc < 2) dieusage() ;
  istty = tcgetattr(0, &saved) == 0 ;
  if (istty) ioctl(0, TIOCGWINSZ, &ws) ;
  m = master_open(name, sizeof(name)) ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (!pid) child_exec(name, argv + 1, &ws) ;
  if (istty)
  {
    raw = saved ;
    cfmakeraw(&raw) ;
    tcsetattr(0, TCSANOW, &raw) ;
  }
  relay(m) ;
  if (istty) tcsetattr(0, TCSANOW, &saved) ;
  return 0 ;
}
