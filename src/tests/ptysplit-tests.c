/* ISC license. */

 /*
    The integration tests: real ptyhead and ptyexec processes, a head on
    an outer terminal that the harness owns (it reads the screen, types
    keys, resizes), and ptysplit-probe as the program. Run from the top
    of the tree: ./ptysplit-tests [ name-substring ]
 */

#include <skalibs/nonposix.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <termios.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <sched.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/error.h>

#include <ptysplit/protocol.h>
#include <ptysplit/fdpass.h>
#include <ptysplit/pty.h>

#include "ptysplit-harness.h"

#define FLOOD_BYTES 1048576
#define STALL_BYTES (16 << 20)       /* what a program writes at a frozen viewer */

static char sock[128] ;
static char const *headenv[] = { "TERM=xterm-test", 0 } ;
static char const *execenv[] = { "TERM=caller-term", 0 } ;


 /* helpers */

static int report_of (hhead *h, hproc *p, size_t from, char const *tag, hreport *r)
{
  if (h_report(h->screen, from, tag, r, H_LONG)) return 1 ;
  h_pump(0) ;
  return FAIL("no report from the program (tag ", tag, ") within 5 s; screen: ", h_show(h->screen, from),
    "; ptyexec ", h_status(p), ", its stderr: ", h_show(&p->errs, 0)) ;
}

static hproc *probe (char const *const *opts, char const *mode, char const *tag, char const *const *env, unsigned int flags)
{
  char const *prog[] = { "./ptysplit-probe", mode, tag, 0 } ;
  return h_ptyexec(sock, opts, prog, env, flags) ;
}

 /* A head on a 37x101 terminal, the probe under ptyexec, its report. */
static int session (hhead **hp, hproc **pp, char const *const *hopts, char const *const *xopts, char const *mode, char const *tag, hreport *r)
{
  *hp = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!*hp) return 0 ;
  *pp = probe(xopts, mode, tag, execenv, 0) ;
  if (!*pp) return 0 ;
  return report_of(*hp, *pp, 0, tag, r) ;
}

static int exits (hproc *p, int code, char const *what)
{
  if (!h_wait(p, H_LONG)) return FAIL(what, ": still running after 5 s; stderr: ", h_show(&p->errs, 0)) ;
  if (h_exitcode(p) != code)
    return FAIL(what, ": expected exit code ", h_u(code), ", got ", h_status(p), "; stderr: ", h_show(&p->errs, 0)) ;
  return 1 ;
}

static int has (stralloc const *sa, char const *text, char const *what)
{
  if (h_find(sa, 0, text) != (size_t)-1) return 1 ;
  return FAIL(what, ": expected ", h_showb(text, strlen(text)), ", got ", h_show(sa, 0)) ;
}

static int hasnot (stralloc const *sa, size_t from, char const *text, char const *what)
{
  if (h_find(sa, from, text) == (size_t)-1) return 1 ;
  return FAIL(what, ": did not expect ", h_showb(text, strlen(text)), ", got ", h_show(sa, from)) ;
}

static int shows (hhead *h, size_t from, char const *text, char const *what)
{
  if (h_expect(h->screen, from, text, H_LONG)) return 1 ;
  return FAIL(what, ": expected ", h_showb(text, strlen(text)), " on the screen within 5 s, got ", h_show(h->screen, from)) ;
}

static int quit (hhead *h, hproc *p)
{
  if (!h_type(h, "quit\r")) return 0 ;
  return exits(p, 0, "the program told to quit") ;
}

static int gone (char const *path, char const *what)
{
  struct stat st ;
  if (lstat(path, &st) < 0 && errno == ENOENT) return 1 ;
  return FAIL(what, ": ", path, " still exists") ;
}

static int is_socket (char const *path, char const *what)
{
  struct stat st ;
  if (lstat(path, &st) < 0) return FAIL(what, ": ", path, ": ", strerror(errno)) ;
  if (!S_ISSOCK(st.st_mode)) return FAIL(what, ": ", path, " is not a socket any more") ;
  return 1 ;
}

 /* One more program, to show the head still serves. */
static int serves (hhead *h, char const *tag)
{
  hreport r ;
  size_t from = h->screen->len ;
  hproc *p = probe(0, "report", tag, execenv, 0) ;
  if (!p) return 0 ;
  if (!report_of(h, p, from, tag, &r)) return 0 ;
  return exits(p, 0, "a program run afterwards") ;
}

static int root_only (void)
{
  uid_t uid ;
  gid_t gid ;
  if (geteuid()) return SKIP("needs root (to run clients and heads as nobody)") ;
  if (!h_nobody(&uid, &gid)) return SKIP("no nobody user") ;
  return 1 ;
}


 /* 1. size and TERM */

static int t_size_term (void)
{
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, 0, 0, "report", "st", &r)) return 0 ;
  if (!h_check(&r, "size", "37x101") || !h_check(&r, "term", "xterm-test")) return 0 ;
  return exits(p, 0, "the program") ;
}

 /* Pixel sizes travel too, at start and on SIGWINCH. */
static int t_pixels (void)
{
  struct winsize ws = { .ws_row = 37, .ws_col = 101, .ws_xpixel = 808, .ws_ypixel = 592 } ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  if (ioctl(h->master, TIOCSWINSZ, &ws) < 0) return FAIL("harness: unable to TIOCSWINSZ") ;
  p = probe(0, "report", "px", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "px", &r)) return 0 ;
  if (!h_check(&r, "size", "37x101") || !h_check(&r, "pixels", "808x592")) return 0 ;
  return exits(p, 0, "the program") ;
}

static int t_term_exec_T (void)
{
  char const *xopts[] = { "-T", "other-term", 0 } ;
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, 0, xopts, "report", "tx", &r)) return 0 ;
  if (!h_check(&r, "term", "other-term") || !h_check(&r, "size", "37x101")) return 0 ;
  return exits(p, 0, "the program") ;
}

static int t_term_head_T (void)
{
  char const *hopts[] = { "-T", "head-term", 0 } ;
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, hopts, 0, "report", "th", &r)) return 0 ;
  if (!h_check(&r, "term", "head-term")) return 0 ;
  return exits(p, 0, "the program") ;
}

static int t_term_head_empty (void)
{
  char const *env[] = { "TERM=", 0 } ;
  hhead *h = h_head(sock, 0, env, 0, 37, 101) ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  p = probe(0, "report", "te", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "te", &r)) return 0 ;
  if (!h_check(&r, "term", "caller-term")) return 0 ;
  return exits(p, 0, "the program") ;
}

static int t_term_head_unset (void)
{
  hhead *h = h_head(sock, 0, 0, 0, 37, 101) ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  p = probe(0, "report", "tu1", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "tu1", &r)) return 0 ;
  if (!h_check(&r, "term", "caller-term") || !exits(p, 0, "the first program") || !h_restored(h, H_LONG)) return 0 ;
  p = probe(0, "report", "tu2", 0, 0) ;
  if (!p || !report_of(h, p, r.end, "tu2", &r)) return 0 ;
  if (!h_check(&r, "term", "(unset)")) return 0 ;
  return exits(p, 0, "the second program") ;
}


 /* 2. what the program is started with */

static int t_program_env (void)
{
  hhead *h ; hproc *p ; hreport r ;
  char const *tty ;
  if (!session(&h, &p, 0, 0, "report", "env", &r)) return 0 ;
  tty = h_field(&r, "tty") ;
  if (strncmp(tty, "/dev/pts/", 9)) return FAIL("TTY is ", tty, ", expected a /dev/pts/N path (", r.line, ")") ;
  if (!strcmp(tty, h->ttyname)) return FAIL("TTY is the head's own terminal ", tty) ;
  if (!h_check(&r, "ttyname", tty)) return 0 ;
  if (!h_check(&r, "sid", "1") || !h_check(&r, "ctty", "1") || !h_check(&r, "fg", "1")) return 0 ;
  if (!h_check(&r, "std", "111") || !h_check(&r, "fds", "none")) return 0 ;
  if (!h_check(&r, "sigmask", "none") || !h_check(&r, "ign", "none")) return 0 ;
  if (!h_check(&r, "pid", h_u(p->pid))) return 0 ;
  return exits(p, 0, "the program") ;
}


 /* 3. keys and ^C */

static int t_keys (void)
{
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, 0, 0, "echo", "keys", &r)) return 0 ;
  if (!h_type(h, "hello world\r") || !shows(h, r.end, "GOT hello world", "a typed line")) return 0 ;
  if (!h_type(h, "x\033[Ay\r") || !shows(h, r.end, "GOT x\033[Ay", "a line with an escape sequence")) return 0 ;
  if (!h_type(h, "\303\251t\303\251\r") || !shows(h, r.end, "GOT \303\251t\303\251", "a line with 8-bit bytes")) return 0 ;
  return quit(h, p) ;
}

static int t_ctrl_c (void)
{
  hhead *h ; hproc *p ; hreport r ;
  size_t from ;
  if (!session(&h, &p, 0, 0, "echo", "cc", &r)) return 0 ;
  if (!h_type(h, "\003") || !shows(h, r.end, "INT", "^C typed on the head")) return 0 ;
  from = h->screen->len ;
  if (!h_type(h, "again\r") || !shows(h, from, "GOT again", "a line after ^C")) return 0 ;
  return quit(h, p) ;
}


 /* Keys typed on an idle head belong to nobody: the next program never reads them. */
static int t_idle_keys (void)
{
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  hproc *p ;
  hreport r ;
  size_t from ;
  if (!h) return 0 ;
  if (!h_type(h, "idle-keys\r") || !shows(h, 0, "idle-keys", "the idle terminal's echo")) return 0 ;
  p = probe(0, "echo", "ik", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "ik", &r)) return 0 ;
  from = h->screen->len ;
  if (!h_type(h, "fresh\r") || !shows(h, from, "GOT fresh", "a line typed during the session")) return 0 ;
  if (!hasnot(h->screen, r.end, "GOT idle-keys", "the screen")) return 0 ;
  return quit(h, p) ;
}


 /* 4. raw during a session, exact restore after */

static int restore (unsigned int flags, char const *tag)
{
  hhead *h = h_head(sock, 0, headenv, flags, 37, 101) ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  p = probe(0, "echo", tag, execenv, 0) ;
  if (!p || !report_of(h, p, 0, tag, &r)) return 0 ;
  if (!h_israw(h)) return 0 ;
  if (!quit(h, p)) return 0 ;
  if (!h_restored(h, H_LONG)) return 0 ;
   /* and again: a second session must not see a half-restored terminal */
  p = probe(0, "echo", tag, execenv, 0) ;
  if (!p || !report_of(h, p, r.end, tag, &r)) return 0 ;
  if (!h_israw(h)) return 0 ;
  if (!quit(h, p)) return 0 ;
  return h_restored(h, H_LONG) ;
}

static int t_restore (void)
{
  return restore(0, "rs") ;
}

static int t_restore_nonblock (void)
{
  return restore(H_NONBLOCK, "rsnb") ;
}


 /* 5. SIGWINCH */

static int t_winch (void)
{
  hhead *h ; hproc *p ; hreport r ;
  size_t from ;
  if (!session(&h, &p, 0, 0, "echo", "wi", &r)) return 0 ;
  if (!h_resize(h, 50, 132) || !shows(h, r.end, "WINCH 50 132", "a resize of the head's terminal")) return 0 ;
  from = h->screen->len ;
  if (!h_resize(h, 20, 70) || !shows(h, from, "WINCH 20 70", "a second resize")) return 0 ;
  if (!quit(h, p) || !h_restored(h, H_LONG)) return 0 ;
   /* resized while idle: the next program starts with the new size */
  if (!h_resize(h, 33, 77)) return 0 ;
  h_sleep(50) ;
  from = h->screen->len ;
  p = probe(0, "report", "wi2", execenv, 0) ;
  if (!p || !report_of(h, p, from, "wi2", &r)) return 0 ;
  if (!h_check(&r, "size", "33x77")) return 0 ;
  return exits(p, 0, "the program") ;
}

 /* Keys pile up that the program never reads: its output still flows. */
static int t_input_backlog (void)
{
  char buf[4096] ;
  hhead *h ; hproc *p ; hreport r ;
  size_t total = 0 ;
  tain d ;
  if (!session(&h, &p, 0, 0, "deaf", "deaf", &r)) return 0 ;
  memset(buf, 'k', sizeof(buf)) ;
  h_deadline(&d, 2000) ;
  while (!h_expired(&d))
  {
    ssize_t w = write(h->master, buf, sizeof(buf)) ;
    if (w > 0) { total += w ; continue ; }
    if (w < 0 && !error_isagain(errno)) return FAIL("unable to type: ", strerror(errno)) ;
    h_pump(20) ;
    w = write(h->master, buf, sizeof(buf)) ;
    if (w > 0) { total += w ; continue ; }
    break ;
  }
  if (!h_resize(h, 44, 88) || !shows(h, r.end, "WINCH 44 88", "output with a backlog of typed keys")) return 0 ;
  if (p->done) return FAIL("the program died: ", h_status(p)) ;
  if (kill(p->pid, SIGTERM) < 0) return FAIL("unable to kill the program") ;
  if (!h_wait(p, H_LONG)) return FAIL("the program did not die") ;
  if (!h_restored(h, H_LONG)) return 0 ;
  return serves(h, "afterbacklog") ;
}


 /* 6. one head, five programs */

static int t_successive (void)
{
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  unsigned int i = 0 ;
  size_t from = 0 ;
  int nfds ;
  if (!h) return 0 ;
  nfds = h_nfds(h->p->pid) ;
  for (; i < 5 ; i++)
  {
    char tag[8] = "seq" ;
    hreport r ;
    hproc *p ;
    tag[3] = '1' + i ; tag[4] = 0 ;
    p = probe(0, "report", tag, execenv, 0) ;
    if (!p || !report_of(h, p, from, tag, &r)) return 0 ;
    if (!h_check(&r, "size", "37x101")) return 0 ;
    if (!exits(p, 0, tag)) return 0 ;
    if (!h_restored(h, H_LONG)) return 0 ;
    from = r.end ;
  }
  return h_nfds_back(h->p, nfds, H_LONG) ;
}


 /* 7, 8. no head, waiting for one */

static int t_no_head (void)
{
  char const *path = h_path("nosock") ;
  char const *prog[] = { "./ptysplit-probe", "report", "nh", 0 } ;
  hproc *p = h_ptyexec(path, 0, prog, execenv, 0) ;
  if (!p || !exits(p, 111, "ptyexec without a head")) return 0 ;
  return has(&p->errs, path, "ptyexec's message") ;
}

static int t_not_listening (void)
{
  hproc *p ;
  if (!h_stale(sock)) return 0 ;
  p = probe(0, "report", "nl", execenv, 0) ;
  if (!p || !exits(p, 111, "ptyexec on a socket nobody listens on")) return 0 ;
  return has(&p->errs, sock, "ptyexec's message") ;
}

static int t_wait_appears (void)
{
  char const *xopts[] = { "-t", "3000", 0 } ;
  hhead *h ;
  hreport r ;
  hproc *p = probe(xopts, "report", "wa", execenv, 0) ;
  if (!p) return 0 ;
  h_sleep(500) ;
  if (p->done) return FAIL("ptyexec -t 3000 gave up before the head appeared: ", h_status(p), "; stderr: ", h_show(&p->errs, 0)) ;
  h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h || !report_of(h, p, 0, "wa", &r)) return 0 ;
  if (!h_check(&r, "size", "37x101")) return 0 ;
  return exits(p, 0, "the program") ;
}

static int t_wait_timeout (void)
{
  char const *xopts[] = { "-t", "300", 0 } ;
  tain start ;
  unsigned int ms ;
  hproc *p ;
  h_start(&start) ;
  p = probe(xopts, "report", "wt", execenv, 0) ;
  if (!p || !exits(p, 111, "ptyexec -t 300 without a head")) return 0 ;
  ms = h_since(&start) ;
  if (ms < 250) return FAIL("ptyexec -t 300 gave up after ", h_u(ms), " ms") ;
  return has(&p->errs, sock, "ptyexec's message") ;
}


 /* 9. exec failures */

 /* PATH: the test's own directory, then the system's, all searchable by anyone. */
static int exec_fails (char const *prog0, int code)
{
  char const *prog[] = { prog0, "arg", 0 } ;
  char pathvar[128] = "PATH=" ;
  char const *env[] = { "TERM=caller-term", pathvar, 0 } ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  hproc *p ;
  size_t len = strlen(h_dir) ;
  if (!h) return 0 ;
  memcpy(pathvar + 5, h_dir, len) ;
  memcpy(pathvar + 5 + len, ":/usr/bin:/bin", 15) ;
  p = h_ptyexec(sock, 0, prog, env, 0) ;
  if (!p || !exits(p, code, "ptyexec with a program it cannot exec")) return 0 ;
  if (!has(&p->errs, "unable to exec", "ptyexec's stderr")) return 0 ;
  if (!has(&p->errs, prog0, "ptyexec's stderr")) return 0 ;
  if (!h_restored(h, H_LONG)) return 0 ;
  h_sleep(50) ;
  if (!hasnot(h->screen, 0, "unable to exec", "the head's screen")) return 0 ;
  return serves(h, "after") ;
}

static int t_exec_missing (void)
{
  return exec_fails(h_path("no-such-program"), 127) ;
}

static int t_exec_missing_path (void)
{
  return exec_fails("ptysplit-no-such-program", 127) ;
}

 /* A program found in PATH, and its options left alone by ptyexec. */
static int t_exec_path_args (void)
{
  char const *xopts[] = { "-t", "1000", 0 } ;
  char const *prog[] = { "sh", "-c", "echo \"ARGS:$*\"", "sh", "-E", "-t", "x", 0 } ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  hproc *p ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, xopts, prog, execenv, 0) ;
  if (!p || !shows(h, 0, "ARGS:-E -t x", "sh found in PATH")) return 0 ;
  return exits(p, 0, "sh") ;
}

static int t_exec_noexec (void)
{
  char const *path = h_path("not-executable") ;
  if (!openwritenclose_unsafe(path, "#!/bin/sh\nexit 0\n", 17) || chmod(path, 0644) < 0)
    return FAIL("harness: unable to write ", path) ;
  return exec_fails(path, 126) ;
}


 /* 10. busy, and -r */

static int t_busy (void)
{
  hhead *h ; hproc *p, *p2 ; hreport r ;
  size_t from ;
  if (!session(&h, &p, 0, 0, "echo", "b1", &r)) return 0 ;
  p2 = probe(0, "report", "b2", execenv, 0) ;
  if (!p2 || !exits(p2, 111, "a second ptyexec while a session runs")) return 0 ;
  if (!has(&p2->errs, "busy", "the second ptyexec's message")) return 0 ;
  if (p->done) return FAIL("the first program died: ", h_status(p)) ;
  if (!h_israw(h)) return 0 ;
  from = h->screen->len ;
  if (!h_type(h, "after\r") || !shows(h, from, "GOT after", "the first program after the refusal")) return 0 ;
  if (!hasnot(h->screen, 0, "tag=b2", "the screen")) return 0 ;
  return quit(h, p) ;
}

 /* With -t, busy is retried until the deadline: a supervisor's restart
    that arrives while the head still drains the old program gets in as
    soon as it is gone; past the deadline, busy is final. */
static int t_busy_retry (void)
{
  char const *wait_long[] = { "-t", "5000", 0 } ;
  char const *wait_short[] = { "-t", "300", 0 } ;
  hhead *h ; hproc *p, *p2, *p3 ; hreport r ;
  if (!session(&h, &p, 0, 0, "echo", "w1", &r)) return 0 ;
  p3 = probe(wait_short, "report", "w3", execenv, 0) ;
  if (!p3 || !exits(p3, 111, "ptyexec -t 300 while a session runs")) return 0 ;
  if (!has(&p3->errs, "busy", "its message")) return 0 ;
  p2 = probe(wait_long, "echo", "w2", execenv, 0) ;
  if (!p2) return 0 ;
  h_sleep(300) ;
  if (p2->done) return FAIL("ptyexec -t 5000 gave up while the head was busy: ", h_status(p2), ": ", h_show(&p2->errs, 0)) ;
  if (!quit(h, p)) return 0 ;
  if (!report_of(h, p2, r.end, "w2", &r)) return 0 ;
  return quit(h, p2) ;
}

static int t_replace (void)
{
  char const *hopts[] = { "-r", 0 } ;
  hhead *h ; hproc *p, *p2 ; hreport r ;
  size_t from ;
  if (!session(&h, &p, hopts, 0, "echo", "r1", &r)) return 0 ;
  p2 = probe(0, "echo", "r2", execenv, 0) ;
  if (!p2 || !report_of(h, p2, r.end, "r2", &r)) return 0 ;
  if (!h_wait(p, H_LONG)) return FAIL("the replaced program still runs after 5 s") ;
  if (h_signalled(p) != SIGHUP) return FAIL("the replaced program should have got SIGHUP, it ", h_status(p)) ;
  if (p2->done) return FAIL("the new program died: ", h_status(p2)) ;
  from = h->screen->len ;
  if (!h_type(h, "second\r") || !shows(h, from, "GOT second", "the new program")) return 0 ;
  if (!quit(h, p2)) return 0 ;
  return h_restored(h, H_LONG) ;
}

 /* -r with ptyexec -L (issue 14, defect 12): the replaced session's log
    gets its last partial line, and its output still queued is not
    painted into the new session. */
static int t_replace_log (void)
{
  char const *hopts[] = { "-r", 0 } ;
  char const *xopts[] = { "-L", 0 } ;
  char const *prog[] = { "sh", "-c", "printf partial-old ; exec sleep 100", 0 } ;
  hhead *h ; hproc *p, *p2 ; hreport r ;
  h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, xopts, prog, execenv, H_OUTPIPE) ;
  if (!p || !shows(h, 0, "partial-old", "the first program")) return 0 ;
  p2 = probe(0, "echo", "rl2", execenv, 0) ;
  if (!p2 || !report_of(h, p2, 0, "rl2", &r)) return 0 ;
  if (!h_expect(&p->outs, 0, "partial-old\n", H_LONG))
    return FAIL("the replaced session's log lost its last partial line: ", h_show(&p->outs, 0)) ;
  return quit(h, p2) ;
}


 /* -r (issue 14, defect 12): the replaced session's output still queued
    for the head's terminal, which was not reading, is dropped and
    counted at -v 2, not painted into the new session. */
static int t_replace_queued_output (void)
{
  char const *hopts[] = { "-r", "-v", "2", 0 } ;
  char bytes[UINT_FMT] ;
  char const *prog[] = { "./ptysplit-probe", "floodecho", bytes, "rq1", 0 } ;
  hhead *h ; hproc *p, *p2 ; hreport r ;
  bytes[uint_fmt(bytes, STALL_BYTES)] = 0 ;
  h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, 0, prog, execenv, 0) ;
  if (!p || !report_of(h, p, 0, "rq1", &r)) return 0 ;
  h->paused = 1 ;
  if (!h_type(h, "go\r")) return 0 ;
  h_sleep(1000) ;
  p2 = probe(0, "echo", "rq2", execenv, 0) ;
  if (!p2) return 0 ;
  h_sleep(500) ;
  h->paused = 0 ;
  if (!report_of(h, p2, r.end, "rq2", &r)) return 0 ;
  if (!h_expect(h->screen, 0, "bytes of output while the terminal was not reading", H_LONG))
    return FAIL("the replaced session's queued output was painted into the new session, not dropped and counted at -v 2") ;
  return quit(h, p2) ;
}

 /* 11, 12. -1, -R */

static int t_once (void)
{
  char const *hopts[] = { "-1", 0 } ;
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, hopts, 0, "report", "one", &r)) return 0 ;
  if (!exits(p, 0, "the program")) return 0 ;
  if (!exits(h->p, 0, "ptyhead -1 after its program")) return 0 ;
  if (!gone(sock, "after ptyhead -1")) return 0 ;
  return h_restored(h, H_LONG) ;
}

static int t_readonly (void)
{
  char const *hopts[] = { "-R", 0 } ;
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, hopts, 0, "echo", "ro", &r)) return 0 ;
  if (!h_type(h, "typed-keys\r")) return 0 ;
  h_sleep(300) ;
  if (!h_resize(h, 40, 100) || !shows(h, r.end, "WINCH 40 100", "output under -R")) return 0 ;
  h_sleep(50) ;
  if (!hasnot(h->screen, r.end, "typed-keys", "the screen under -R")) return 0 ;
  if (p->done) return FAIL("the program died: ", h_status(p)) ;
  if (kill(p->pid, SIGTERM) < 0) return FAIL("unable to kill the program") ;
  if (!h_wait(p, H_LONG)) return FAIL("the program did not die") ;
  return h_restored(h, H_LONG) ;
}


 /* 13. -E */

static int t_keep_stderr (void)
{
  char const *xopts[] = { "-E", 0 } ;
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, 0, xopts, "stderr", "ke", &r)) return 0 ;
  if (!h_check(&r, "std", "110")) return 0 ;
  if (!exits(p, 0, "the program") || !h_restored(h, H_LONG)) return 0 ;
  if (!shows(h, 0, "PROBE-STDOUT", "the program's stdout")) return 0 ;
  if (!h_eof(p, H_LONG)) return FAIL("ptyexec's stderr still open after the program ended") ;
  if (!has(&p->errs, "PROBE-STDERR", "ptyexec's stderr under -E")) return 0 ;
  return hasnot(h->screen, 0, "PROBE-STDERR", "the screen under -E") ;
}

static int t_stderr_pty (void)
{
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, 0, 0, "stderr", "se", &r)) return 0 ;
  if (!h_check(&r, "std", "111")) return 0 ;
  if (!exits(p, 0, "the program") || !h_restored(h, H_LONG)) return 0 ;
  if (!shows(h, 0, "PROBE-STDERR", "the program's stderr without -E")) return 0 ;
  if (!h_eof(p, H_LONG)) return FAIL("ptyexec's stderr still open after the program ended") ;
  return hasnot(&p->errs, 0, "PROBE-STDERR", "ptyexec's stderr without -E") ;
}


 /* 14. a head without a terminal */

static int t_notty_size (void)
{
  char const *hopts[] = { "-s", "30x90", 0 } ;
  hhead *h = h_head(sock, hopts, headenv, H_NOTTY, 0, 0) ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  p = probe(0, "echo", "nt", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "nt", &r)) return 0 ;
  if (!h_check(&r, "size", "30x90")) return 0 ;
  if (!h_type(h, "piped\n") || !shows(h, r.end, "GOT piped", "a line on the head's stdin")) return 0 ;
  if (!h_type(h, "quit\n") || !exits(p, 0, "the program")) return 0 ;
  h_sleep(50) ;
  if (h->p->done) return FAIL("ptyhead ended with its program: ", h_status(h->p), "; stderr: ", h_show(&h->p->errs, 0)) ;
  return serves(h, "nt2") ;
}

static int t_notty_default (void)
{
  hhead *h = h_head(sock, 0, headenv, H_NOTTY | H_NULLIN, 0, 0) ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  p = probe(0, "report", "nd", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "nd", &r)) return 0 ;
  if (!h_check(&r, "size", "24x80") || !h_check(&r, "term", "xterm-test")) return 0 ;
  return exits(p, 0, "the program") ;
}


 /* -v 2: a line when a session starts and when it ends, naming the program. */
static int t_verbose (void)
{
  char const *hopts[] = { "-v", "2", 0 } ;
  hhead *h = h_head(sock, hopts, headenv, H_NOTTY | H_NULLIN, 0, 0) ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  p = probe(0, "report", "v2", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "v2", &r) || !exits(p, 0, "the program")) return 0 ;
  if (!h_expect(&h->p->errs, 0, "ended", H_LONG)) return FAIL("ptyhead -v 2 did not log the end of the session: ", h_show(&h->p->errs, 0)) ;
  if (!has(&h->p->errs, "started", "ptyhead -v 2's log")) return 0 ;
  if (!has(&h->p->errs, "ptysplit-probe", "ptyhead -v 2's log")) return 0 ;
  return has(&h->p->errs, h_u(p->pid), "ptyhead -v 2's log") ;
}


 /* By default, a session that goes well leaves nothing on stderr. */
static int t_quiet (void)
{
  hhead *h = h_head(sock, 0, headenv, H_NOTTY | H_NULLIN, 0, 0) ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  p = probe(0, "report", "q", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "q", &r) || !exits(p, 0, "the program")) return 0 ;
  if (!serves(h, "q2")) return 0 ;
  h_sleep(100) ;
  if (h->p->errs.len) return FAIL("ptyhead wrote on stderr: ", h_show(&h->p->errs, 0)) ;
  return 1 ;
}


 /* 15. readiness */

static int t_ready (void)
{
  int s ;
  hhead *h = h_head(sock, 0, headenv, H_NOTIFCHECK, 37, 101) ;
  if (!h) return 0 ;
  s = ipc_stream_nbcoe() ;
  if (s < 0) return FAIL("harness: unable to create a socket") ;
  if (!ipc_connect(s, sock))
  {
    int e = errno ;
    fd_close(s) ;
    return FAIL("connect right after the readiness newline: ", strerror(e)) ;
  }
  fd_close(s) ;
  return serves(h, "rd") ;
}

static int t_ready_bad (void)
{
  char const *argv1[] = { "./ptyhead", "-d", "1", sock, 0 } ;
  char const *argv9[] = { "./ptyhead", "-d", "9", sock, 0 } ;
  hproc *p = h_spawn(argv1, headenv, 0) ;
  if (!p || !exits(p, 100, "ptyhead -d 1")) return 0 ;
  if (!has(&p->errs, "ptyhead: fatal: ", "ptyhead -d 1's message")) return 0 ;
  p = h_spawn(argv9, headenv, 0) ;
  if (!p || !exits(p, 100, "ptyhead -d 9 (closed)")) return 0 ;
  if (!has(&p->errs, "ptyhead: fatal: ", "ptyhead -d 9's message")) return 0 ;
  return gone(sock, "after a bad -d") ;
}


 /* 16. the socket path */

static int t_socket_live (void)
{
  char const *argv[] = { "./ptyhead", sock, 0 } ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  hproc *p ;
  if (!h) return 0 ;
  p = h_spawn(argv, headenv, 0) ;
  if (!p || !exits(p, 111, "a second ptyhead on a live socket")) return 0 ;
  if (!has(&p->errs, "another head is listening", "the second ptyhead's message")) return 0 ;
  if (!is_socket(sock, "after the second head")) return 0 ;
  return serves(h, "live") ;
}

static int t_socket_stale (void)
{
  hhead *h ;
  if (!h_stale(sock)) return 0 ;
  h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  return serves(h, "stale") ;
}

static int refuses_path (char const *what)
{
  char const *argv[] = { "./ptyhead", sock, 0 } ;
  hproc *p = h_spawn(argv, headenv, 0) ;
  if (!p || !exits(p, 111, what)) return 0 ;
  return 1 ;
}

static int t_socket_file (void)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok ;
  if (!openwritenclose_unsafe(sock, "precious\n", 9)) return FAIL("harness: unable to write ", sock) ;
  if (!refuses_path("ptyhead on a regular file")) return 0 ;
  if (!openslurpclose(&sa, sock)) return FAIL("the regular file at the socket path is gone: ", strerror(errno)) ;
  ok = sa.len == 9 && !memcmp(sa.s, "precious\n", 9) ;
  stralloc_free(&sa) ;
  return ok ? 1 : FAIL("the regular file at the socket path was changed") ;
}

static int t_socket_dir (void)
{
  struct stat st ;
  char const *inside = h_path("sock/keep") ;
  if (mkdir(sock, 0700) < 0 || !openwritenclose_unsafe(inside, "x", 1)) return FAIL("harness: unable to mkdir ", sock) ;
  if (!refuses_path("ptyhead on a directory")) return 0 ;
  if (stat(sock, &st) < 0 || !S_ISDIR(st.st_mode)) return FAIL("the directory at the socket path is gone") ;
  if (stat(inside, &st) < 0) return FAIL("the directory at the socket path was emptied") ;
  return 1 ;
}

static int symlink_untouched (char const *target)
{
  char buf[256] ;
  ssize_t r = readlink(sock, buf, sizeof(buf) - 1) ;
  if (r < 0) return FAIL("the symlink at the socket path is gone: ", strerror(errno)) ;
  buf[r] = 0 ;
  if (strcmp(buf, target)) return FAIL("the symlink now points to ", buf, " instead of ", target) ;
  return 1 ;
}

static int t_socket_symlink (void)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *missing = h_path("missing-target") ;
  char const *file = h_path("file-target") ;
  int ok ;
  if (symlink(missing, sock) < 0) return FAIL("harness: unable to symlink: ", strerror(errno)) ;
  if (!refuses_path("ptyhead on a dangling symlink")) return 0 ;
  if (!symlink_untouched(missing) || !gone(missing, "the dangling symlink was followed")) return 0 ;
  if (unlink(sock) < 0) return FAIL("harness: unable to unlink ", sock) ;
  if (!openwritenclose_unsafe(file, "data\n", 5) || symlink(file, sock) < 0) return FAIL("harness: unable to symlink") ;
  if (!refuses_path("ptyhead on a symlink to a file")) return 0 ;
  if (!symlink_untouched(file)) return 0 ;
  if (!openslurpclose(&sa, file)) return FAIL("the symlink's target is gone") ;
  ok = sa.len == 5 && !memcmp(sa.s, "data\n", 5) ;
  stralloc_free(&sa) ;
  return ok ? 1 : FAIL("the symlink's target was changed") ;
}

static int mode_is (char const *path, unsigned int want)
{
  struct stat st ;
  if (lstat(path, &st) < 0) return FAIL("no socket at ", path, ": ", strerror(errno)) ;
  if ((st.st_mode & 07777) != want)
    return FAIL("the socket's mode is 0", h_u((st.st_mode >> 6 & 7) * 100 + (st.st_mode >> 3 & 7) * 10 + (st.st_mode & 7)), ", expected 0", h_u((want >> 6 & 7) * 100 + (want >> 3 & 7) * 10 + (want & 7))) ;
  return 1 ;
}

static int t_socket_mode (void)
{
  char const *hopts[] = { "-m", "0660", 0 } ;
  char const *sock2 = h_path("sock2") ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h || !mode_is(sock, 0600)) return 0 ;
  h = h_head(sock2, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  return mode_is(sock2, 0660) ;
}

static int t_socket_removed (void)
{
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h || !is_socket(sock, "while the head runs")) return 0 ;
  if (kill(h->p->pid, SIGTERM) < 0) return FAIL("unable to kill the head") ;
  if (!exits(h->p, 0, "an idle ptyhead on SIGTERM")) return 0 ;
  if (!gone(sock, "after the head exited")) return 0 ;
  return h_restored(h, H_LONG) ;
}

static int t_socket_not_ours (void)
{
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  if (unlink(sock) < 0 || !h_stale(sock)) return FAIL("harness: unable to replace the socket") ;
  if (kill(h->p->pid, SIGTERM) < 0) return FAIL("unable to kill the head") ;
  if (!exits(h->p, 0, "ptyhead on SIGTERM")) return 0 ;
  return is_socket(sock, "a socket that the head did not create, after it exited") ;
}


 /* 17. signals to the head during a session */

static int head_signal (int sig, char const *tag)
{
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, 0, 0, "echo", tag, &r)) return 0 ;
  if (!h_israw(h)) return 0 ;
  if (kill(h->p->pid, sig) < 0) return FAIL("unable to kill the head") ;
  if (!exits(h->p, 0, "ptyhead killed during a session")) return 0 ;
  if (!h_restored(h, 200)) return 0 ;
  if (!gone(sock, "after the head exited")) return 0 ;
  if (!h_wait(p, H_LONG)) return FAIL("the program still runs 5 s after its head died") ;
  if (h_signalled(p) != SIGHUP) return FAIL("the program should have got SIGHUP, it ", h_status(p)) ;
  return 1 ;
}

static int t_head_sigterm (void)
{
  return head_signal(SIGTERM, "sterm") ;
}

static int t_head_sigint (void)
{
  return head_signal(SIGINT, "sint") ;
}

static int t_head_sighup (void)
{
  return head_signal(SIGHUP, "shup") ;
}


 /* The viewer's terminal goes away (a tmux window killed): the head ends cleanly. */
static int t_viewer_gone (void)
{
  hhead *h ; hproc *p ; hreport r ;
  if (!session(&h, &p, 0, 0, "echo", "vg", &r)) return 0 ;
  fd_close(h->master) ;
  h->master = -1 ;
  if (!exits(h->p, 0, "ptyhead whose terminal hung up")) return 0 ;
  if (!gone(sock, "after the head exited")) return 0 ;
  if (!h_wait(p, H_LONG)) return FAIL("the program still runs 5 s after its head died") ;
  if (h_signalled(p) != SIGHUP) return FAIL("the program should have got SIGHUP, it ", h_status(p)) ;
  return 1 ;
}

 /* The terminal goes away while the program floods it: the head's
    write fails with EIO before SIGHUP is read, and that too is a
    hangup: exit 0, no "unable to write" (issue 14, defect 8). */
static int t_viewer_gone_mid_output (void)
{
  char const *prog[] = { "./ptysplit-probe", "flood", "100000000", "vo", 0 } ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  hproc *p ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, 0, prog, execenv, 0) ;
  if (!p || !shows(h, 0, "FLOODSTART", "the flood")) return 0 ;
  fd_close(h->master) ;
  h->master = -1 ;
  if (!exits(h->p, 0, "ptyhead whose terminal went away during output")) return 0 ;
  if (!hasnot(&h->p->errs, 0, "unable to", "the head's stderr")) return 0 ;
  return gone(sock, "after the head exited") ;
}

 /* /proc/PID/stat from its third field (the state) on, or 0. */
static char const *proc_stat (pid_t pid, char *buf, size_t len)
{
  char path[32] = "/proc/" ;
  char const *c ;
  ssize_t r ;
  int fd ;
  size_t n = 6 + pid_fmt(path + 6, pid) ;
  memcpy(path + n, "/stat", 6) ;
  fd = open_read(path) ;
  if (fd < 0) return 0 ;
  r = fd_read(fd, buf, len - 1) ;
  fd_close(fd) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  c = strrchr(buf, ')') ;
  return c && c[1] == ' ' ? c + 2 : 0 ;
}

static int stopped (pid_t pid)
{
  char buf[1024] ;
  char const *c = proc_stat(pid, buf, sizeof(buf)) ;
  return c && c[0] == 'T' ;
}

 /* Waits for the head to be stopped (1) or its terminal raw (0). */
static int wait_for (hhead *h, int stop)
{
  tain d ;
  h_deadline(&d, H_LONG) ;
  while (!h_expired(&d))
  {
    struct termios t ;
    if (stop ? stopped(h->p->pid) : tcgetattr(h->client, &t) == 0 && !(t.c_lflag & ICANON)) return 1 ;
    h_pump(10) ;
  }
  return stop ? FAIL("ptyhead did not stop") : h_israw(h) ;
}

 /* Job control (issue 14, defect 13): SIGTSTP gives the terminal back
    as it was and stops the head; after SIGCONT it is raw again, even
    when the shell put it back to cooked while the head was stopped. */
static int t_job_control (void)
{
  hhead *h ; hproc *p ; hreport r ;
  size_t from ;
  if (!session(&h, &p, 0, 0, "echo", "jc", &r)) return 0 ;
  if (!h_israw(h)) return 0 ;
  kill(h->p->pid, SIGTSTP) ;
  if (!h_restored(h, H_LONG) || !wait_for(h, 1)) return 0 ;
  kill(h->p->pid, SIGCONT) ;
  if (!wait_for(h, 0)) return 0 ;
  kill(h->p->pid, SIGSTOP) ;
  if (!wait_for(h, 1)) return 0 ;
  if (tcsetattr(h->client, TCSANOW, &h->before) < 0) return FAIL("harness: unable to tcsetattr: ", strerror(errno)) ;
  kill(h->p->pid, SIGCONT) ;
  if (!wait_for(h, 0)) return 0 ;
  from = h->screen->len ;
  if (!h_type(h, "after\r") || !shows(h, from, "GOT after", "keys after the stop")) return 0 ;
  return quit(h, p) ;
}


 /* The head's stdout closes under it (a pipe whose reader died): EPIPE
    is fatal, 111, and the terminal on its stdin is restored first. */
static int t_stdout_epipe (void)
{
  char const *prog[] = { "./ptysplit-probe", "flood", "100000000", "ep", 0 } ;
  hhead *h = h_head(sock, 0, headenv, H_OUTPIPE, 37, 101) ;
  hproc *p ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, 0, prog, execenv, 0) ;
  if (!p || !h_expect(&h->p->outs, 0, "FLOODSTART", H_LONG)) return FAIL("the program's output did not reach the head's stdout pipe") ;
  if (!h_israw(h)) return 0 ;
  fd_close(h->p->out) ;
  h->p->out = -1 ;
  if (!exits(h->p, 111, "ptyhead whose stdout pipe closed")) return 0 ;
  if (!has(h->screen, "write to stdout", "its last words on its terminal")) return 0 ;
  if (!h_restored(h, H_LONG)) return 0 ;
  if (!gone(sock, "after the head died")) return 0 ;
  if (!h_wait(p, H_LONG)) return FAIL("the program still runs 5 s after its head died") ;
  return 1 ;
}


 /* 18. the three roads to a session */

static int road (unsigned int flags, char const *tag)
{
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  hproc *p ;
  hreport r ;
  size_t from ;
  if (!h) return 0 ;
  p = probe(0, "echo", tag, execenv, flags) ;
  if (!p || !report_of(h, p, 0, tag, &r)) return 0 ;
  if (!h_check(&r, "sid", "1") || !h_check(&r, "ctty", "1") || !h_check(&r, "fg", "1") || !h_check(&r, "pid", h_u(p->pid))) return 0 ;
  if (!h_check(&r, "ttyname", h_field(&r, "tty"))) return 0 ;
  if (!h_type(h, "\003") || !shows(h, r.end, "INT", "^C typed on the head")) return 0 ;
  from = h->screen->len ;
  if (!h_type(h, "more\r") || !shows(h, from, "GOT more", "a line after ^C")) return 0 ;
  return quit(h, p) ;
}

static int t_road_session_leader (void)
{
  return road(H_SETSID, "sl") ;
}

static int t_road_group_leader (void)
{
  return road(H_SETPGID, "gl") ;
}

static int t_road_plain (void)
{
  return road(0, "pl") ;
}


 /* 19. usage */

static int usage_case (char const *const *argv, char const *prog)
{
  stralloc what = STRALLOC_ZERO ;
  char const *const *a = argv ;
  hproc *p ;
  int ok ;
  for (; *a ; a++)
  {
    stralloc_cats(&what, *a) ;
    if (a[1]) stralloc_cats(&what, " ") ;
  }
  stralloc_0(&what) ;
  p = h_spawn(argv, execenv, 0) ;
  ok = p && exits(p, 100, what.s) ;
  if (ok && h_find(&p->errs, 0, prog) == (size_t)-1)
    ok = FAIL(what.s, ": expected ", prog, " on stderr, got ", h_show(&p->errs, 0)) ;
  stralloc_free(&what) ;
  return ok ;
}

static int t_usage_ptyexec (void)
{
  char const *u = "ptyexec: usage: " ;
  char const *c1[] = { "./ptyexec", 0 } ;
  char const *c2[] = { "./ptyexec", sock, 0 } ;
  char const *c3[] = { "./ptyexec", "-Z", sock, "./ptysplit-probe", 0 } ;
  char const *c4[] = { "./ptyexec", "-t", 0 } ;
  return usage_case(c1, u) && usage_case(c2, u) && usage_case(c3, u) && usage_case(c4, u) ;
}

 /* A bad option value names the option, the value and what it takes. */
static int t_badvalue_ptyexec (void)
{
  char term[300] ;
  char const *c1[] = { "./ptyexec", "-u", "nobody", sock, "./ptysplit-probe", 0 } ;
  char const *c2[] = { "./ptyexec", "-t", "12x", sock, "./ptysplit-probe", 0 } ;
  char const *c3[] = { "./ptyexec", "-t", "abc", sock, "./ptysplit-probe", 0 } ;
  char const *c4[] = { "./ptyexec", "-v", "x", sock, "./ptysplit-probe", 0 } ;
  char const *c5[] = { "./ptyexec", "-T", term, sock, "./ptysplit-probe", 0 } ;
  char const *c6[] = { "./ptyexec", "-u", "1", "-u", "2", "-u", "3", "-u", "4", "-u", "5", "-u", "6", "-u", "7", "-u", "8",
    "-u", "9", "-u", "10", "-u", "11", "-u", "12", "-u", "13", "-u", "14", "-u", "15", "-u", "16", "-u", "17", sock, "./ptysplit-probe", 0 } ;
  memset(term, 'x', sizeof(term) - 1) ; term[sizeof(term) - 1] = 0 ;
  return usage_case(c1, "ptyexec: fatal: invalid -u: nobody: expected a numeric uid (see id -u USER)\n")
    && usage_case(c2, "ptyexec: fatal: invalid -t: 12x: expected a timeout in milliseconds (0: wait forever)\n")
    && usage_case(c3, "ptyexec: fatal: invalid -t: abc: expected a timeout in milliseconds")
    && usage_case(c4, "ptyexec: fatal: invalid -v: x: expected a number")
    && usage_case(c5, "ptyexec: fatal: invalid -T: expected a terminal type of at most 255 bytes\n")
    && usage_case(c6, "ptyexec: fatal: too many -u: at most 16 are accepted\n") ;
}

static int t_usage_ptyhead (void)
{
  char const *u = "ptyhead: usage: " ;
  char const *c1[] = { "./ptyhead", 0 } ;
  char const *c2[] = { "./ptyhead", "-t", "abc", sock, 0 } ;
  char const *c3[] = { "./ptyhead", "-Z", sock, 0 } ;
  char const *c4[] = { "./ptyhead", "-s", "0x80", sock, 0 } ;
  char const *c5[] = { "./ptyhead", "-s", "24", sock, 0 } ;
  char const *c6[] = { "./ptyhead", "-s", "24x", sock, 0 } ;
  char const *c7[] = { "./ptyhead", "-m", "0999", sock, 0 } ;
  char const *c8[] = { "./ptyhead", "-m", "01777", sock, 0 } ;
  char const *c9[] = { "./ptyhead", "-u", "abc", sock, 0 } ;
  char const *c10[] = { "./ptyhead", "-s", "x", sock, 0 } ;
  char const *c11[] = { "./ptyhead", "-s", "100x", sock, 0 } ;
  char const *c12[] = { "./ptyhead", "-t", "2147483648", sock, 0 } ;
  char const *c13[] = { "./ptyhead", "-t", "3000000000", sock, 0 } ;
  char const *c14[] = { "./ptyhead", "-v", "x", sock, 0 } ;
  char const *c15[] = { "./ptyhead", "-d", "-3", sock, 0 } ;
  char const *c16[] = { "./ptyhead", "-T", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789", sock, 0 } ;
   /* what was wrong and what was expected (issue 15); -t past 2^31 - 1 ms
      would break the deadlines (issue 14, defect 6) */
  if (!(usage_case(c1, u) && usage_case(c3, u)
    && usage_case(c2, "ptyhead: fatal: invalid -t: abc: expected milliseconds, 0 (none) to 2147483647")
    && usage_case(c4, "ptyhead: fatal: invalid -s: 0x80: expected ROWSxCOLS")
    && usage_case(c5, "ptyhead: fatal: invalid -s: 24: expected ROWSxCOLS")
    && usage_case(c6, "ptyhead: fatal: invalid -s: 24x: expected ROWSxCOLS")
    && usage_case(c7, "ptyhead: fatal: invalid -m: 0999: expected an octal mode")
    && usage_case(c8, "ptyhead: fatal: invalid -m: 01777: expected an octal mode")
    && usage_case(c9, "ptyhead: fatal: invalid -u: abc: expected a numeric uid")
    && usage_case(c10, "ptyhead: fatal: invalid -s: x: expected ROWSxCOLS")
    && usage_case(c11, "ptyhead: fatal: invalid -s: 100x: expected ROWSxCOLS, each 1 to 65535")
    && usage_case(c12, "ptyhead: fatal: invalid -t: 2147483648: expected milliseconds")
    && usage_case(c13, "ptyhead: fatal: invalid -t: 3000000000: expected milliseconds")
    && usage_case(c14, "ptyhead: fatal: invalid -v: x: expected a number")
    && usage_case(c15, "ptyhead: fatal: invalid -d: -3: expected a file descriptor number")
    && usage_case(c16, "ptyhead: fatal: invalid -T: 01234"))) return 0 ;
  return gone(sock, "after usage errors") ;
}

static int t_path_too_long (void)
{
  char path[160] ;
  char const *x[] = { "./ptyexec", path, "./ptysplit-probe", "report", 0 } ;
  char const *hd[] = { "./ptyhead", path, 0 } ;
  size_t len = strlen(h_dir) ;
  hproc *p ;
  memcpy(path, h_dir, len) ;
  path[len++] = '/' ;
  while (len < 120) path[len++] = 'p' ;
  path[len] = 0 ;
  p = h_spawn(x, execenv, 0) ;
  if (!p || !exits(p, 100, "ptyexec with a 120-byte socket path")) return 0 ;
  if (!has(&p->errs, "ptyexec: fatal: ", "ptyexec's message")) return 0 ;
  p = h_spawn(hd, execenv, 0) ;
  if (!p || !exits(p, 100, "ptyhead with a 120-byte socket path")) return 0 ;
  if (!has(&p->errs, "ptyhead: fatal: ", "ptyhead's message")) return 0 ;
  return gone(path, "after ptyhead refused it") ;
}


 /* 20. peer credentials */

static hproc *probe_as_nobody (char const *const *opts, char const *tag, unsigned int flags)
{
  char const *argv[16] ;
  unsigned int n = 0 ;
  char const *x = h_copybin("ptyexec") ;
  char const *pr = h_copybin("ptysplit-probe") ;
  if (!x || !pr) return 0 ;
  argv[n++] = x ;
  if (opts) for (; *opts && n < 10 ; opts++) argv[n++] = *opts ;
  argv[n++] = sock ;
  argv[n++] = pr ;
  argv[n++] = "report" ;
  argv[n++] = tag ;
  argv[n] = 0 ;
  return h_spawn(argv, execenv, H_NOBODY | flags) ;
}

static int t_peer_client_refused (void)
{
  char const *hopts[] = { "-m", "0666", 0 } ;
  hhead *h ;
  hproc *p ;
  int r = root_only() ;
  if (r <= 0) return r ;
  if (chmod(h_dir, 0755) < 0) return FAIL("harness: unable to chmod ", h_dir) ;
  h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = probe_as_nobody(0, "nb", 0) ;
  if (!p || !exits(p, 111, "ptyexec as nobody on a root head")) return 0 ;
  if (!has(&p->errs, "not authorized", "ptyexec's message")) return 0 ;
  if (!shows(h, 0, "not authorized", "the head's warning")) return 0 ;
  if (!hasnot(h->screen, 0, "tag=nb", "the screen")) return 0 ;
  return serves(h, "root") ;
}

 /*
    The same, with the head refusing before ptyexec has even sent its
    request: the head real-time, both on one CPU, so the head runs the
    moment the connection arrives. (A loaded machine does it by chance.)
 */
static int t_peer_client_refused_fast (void)
{
  char const *hopts[] = { "-m", "0666", 0 } ;
  hhead *h ;
  hproc *p ;
  unsigned int i = 0 ;
  int r = root_only() ;
  if (r <= 0) return r ;
  if (chmod(h_dir, 0755) < 0) return FAIL("harness: unable to chmod ", h_dir) ;
  h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  if (!h_fastpin(h->p->pid)) return SKIP("unable to make the head real-time on one CPU: ", strerror(errno)) ;
  for (; i < 3 ; i++)
  {
    p = probe_as_nobody(0, "nbf", H_PIN) ;
    if (!p || !exits(p, 111, "ptyexec as nobody on a root head")) return 0 ;
    if (!has(&p->errs, "not authorized", "ptyexec's message when the head refuses at once")) return 0 ;
  }
  return serves(h, "root") ;
}

static int t_peer_client_allowed (void)
{
  char uidfmt[UID_FMT] ;
  char const *hopts[] = { "-m", "0666", "-u", uidfmt, 0 } ;
  hhead *h ;
  hproc *p ;
  hreport rep ;
  uid_t uid ;
  gid_t gid ;
  int r = root_only() ;
  if (r <= 0) return r ;
  h_nobody(&uid, &gid) ;
  uidfmt[uid_fmt(uidfmt, uid)] = 0 ;
  if (chmod(h_dir, 0755) < 0) return FAIL("harness: unable to chmod ", h_dir) ;
  h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = probe_as_nobody(0, "nbok", 0) ;
  if (!p || !report_of(h, p, 0, "nbok", &rep)) return 0 ;
  if (!h_check(&rep, "size", "37x101")) return 0 ;
  return exits(p, 0, "the program run by nobody") ;
}

 /* A head run by nobody, in a directory of nobody's. */
static hhead *nobody_head (uid_t *uid)
{
  gid_t gid ;
  char const *dir = h_path("nobody") ;
  char const *path = h_path("nobody/sock") ;
  if (!h_nobody(uid, &gid)) return 0 ;
  if (chmod(h_dir, 0755) < 0 || mkdir(dir, 0755) < 0 || chown(dir, *uid, gid) < 0)
  {
    FAIL("harness: unable to make ", dir, ": ", strerror(errno)) ;
    return 0 ;
  }
  memcpy(sock, path, strlen(path) + 1) ;
  return h_head(sock, 0, headenv, H_NOBODY, 37, 101) ;
}

static int t_peer_head_refused (void)
{
  stralloc want = STRALLOC_ZERO ;
  hhead *h ;
  hproc *p ;
  uid_t uid ;
  int ok ;
  int r = root_only() ;
  if (r <= 0) return r ;
  h = nobody_head(&uid) ;
  if (!h) return 0 ;
  p = probe(0, "report", "hn", execenv, 0) ;
  if (!p || !exits(p, 111, "ptyexec as root with a head run by nobody")) return 0 ;
  if (!stralloc_cats(&want, "refusing head at ") || !stralloc_cats(&want, sock)
   || !stralloc_cats(&want, ": it runs as uid ") || !stralloc_cats(&want, h_u(uid)) || !stralloc_0(&want))
    return FAIL("harness: out of memory") ;
  ok = has(&p->errs, want.s, "ptyexec's message") ;
  stralloc_free(&want) ;
  if (!ok) return 0 ;
  return hasnot(h->screen, 0, "tag=hn", "the screen") ;
}

static int t_peer_head_allowed (void)
{
  char uidfmt[UID_FMT] ;
  char const *xopts[] = { "-u", uidfmt, 0 } ;
  hhead *h ;
  hproc *p ;
  hreport rep ;
  uid_t uid ;
  int r = root_only() ;
  if (r <= 0) return r ;
  h = nobody_head(&uid) ;
  if (!h) return 0 ;
  uidfmt[uid_fmt(uidfmt, uid)] = 0 ;
  p = probe(xopts, "report", "hnok", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "hnok", &rep)) return 0 ;
  if (!h_check(&rep, "size", "37x101") || !h_check(&rep, "term", "xterm-test")) return 0 ;
  if (!exits(p, 0, "the program")) return 0 ;
  return h_restored(h, H_LONG) ;
}


 /* 21. the handshake */

static int t_silent_client (void)
{
  char const *hopts[] = { "-t", "5000", 0 } ;
  hhead *h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  hproc *p ;
  hreport r ;
  tain start ;
  unsigned int ms ;
  int s ;
  tain d ;
  if (!h) return 0 ;
  s = h_connect(sock) ;
  if (s < 0) return 0 ;
  h_start(&start) ;
  p = probe(0, "report", "sc", execenv, 0) ;
  if (!p) { fd_close(s) ; return 0 ; }
  if (!h_report(h->screen, 0, "sc", &r, 4000))
  {
    fd_close(s) ;
    return FAIL("a silent client blocked ptyexec: no report within 4 s; ptyexec ", h_status(p), ", stderr: ", h_show(&p->errs, 0)) ;
  }
  ms = h_since(&start) ;
  h_deadline(&d, 0) ;
  if (h_readable(s, &d) != 0)
  {
    fd_close(s) ;
    return FAIL("the silent client was dropped or answered before its 5 s handshake timeout (after ", h_u(ms), " ms)") ;
  }
  fd_close(s) ;
  return exits(p, 0, "the program") ;
}

static int t_silent_client_dropped (void)
{
  char const *hopts[] = { "-t", "300", 0 } ;
  hhead *h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
  tain start ;
  unsigned int ms ;
  int s, r ;
  if (!h) return 0 ;
  s = h_connect(sock) ;
  if (s < 0) return 0 ;
  h_start(&start) ;
  r = h_answer(s, &ans, H_LONG) ;
  ms = h_since(&start) ;
  fd_close(s) ;
  if (r < 0) return FAIL("a silent client was not dropped within 5 s (head -t 300)") ;
  if (r > 0) return FAIL("a silent client got an answer: ", ans.text) ;
  if (ms < 250) return FAIL("a silent client was dropped after ", h_u(ms), " ms, before the 300 ms timeout") ;
  return serves(h, "afterdrop") ;
}

 /* 1 if the head refused what was sent with a reason containing want. */
static int refused (char const *payload, size_t len, int const *fds, unsigned int nfds, char const *want, char const *what)
{
  ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
  int r ;
  int s = h_connect(sock) ;
  if (s < 0) return 0 ;
  if (ptysplit_sendfds(s, payload, len, fds, nfds) != (ssize_t)len)
  {
    fd_close(s) ;
    return FAIL("harness: unable to send ", what, ": ", strerror(errno)) ;
  }
  r = h_answer(s, &ans, H_LONG) ;
  fd_close(s) ;
  if (r < 0) return FAIL(what, ": no answer from the head within 5 s") ;
  if (!r) return FAIL(what, ": the head hung up without answering") ;
  if (ans.accepted) return FAIL(what, ": the head accepted it") ;
  if (!strstr(ans.text, want)) return FAIL(what, ": the head refused with \"", ans.text, "\", expected \"", want, "\"") ;
  return 1 ;
}

static int t_bad_requests (void)
{
  char req[PTYSPLIT_REQUEST_MAX] ;
  char bad[PTYSPLIT_REQUEST_MAX] ;
  size_t len = ptysplit_request_pack(req, getpid(), "raw") ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  int p[2], f, two[2], m, c, e ;
  char name[64] ;
  char const *file = h_path("regular") ;
  int nfds ;
  if (!h) return 0 ;
  nfds = h_nfds(h->p->pid) ;
  if (!refused(req, len, 0, 0, "one fd", "a request without an fd")) return 0 ;
  memcpy(bad, req, len) ;
  bad[PTYSPLIT_MAGIC_LEN] = 99 ;
  if (!refused(bad, len, 0, 0, "malformed", "a request of protocol version 99")) return 0 ;
  memcpy(bad, req, len) ;
  bad[PTYSPLIT_MAGIC_LEN + 1] = 0x80 ;
  if (!refused(bad, len, 0, 0, "unsupported flags", "a request with an unknown flag")) return 0 ;
  bad[PTYSPLIT_MAGIC_LEN + 1] = PTYSPLIT_REQUEST_READONLY ;
  if (!refused(bad, len, 0, 0, "unsupported flags", "a program's request with a viewer's flag")) return 0 ;
  bad[PTYSPLIT_MAGIC_LEN + 1] = PTYSPLIT_REQUEST_VIEW | PTYSPLIT_REQUEST_LOG ;
  if (!refused(bad, len, 0, 0, "a viewer sends no fd", "a viewer's request with LOG")) return 0 ;
  bad[PTYSPLIT_MAGIC_LEN + 1] = PTYSPLIT_REQUEST_VIEW | PTYSPLIT_REQUEST_STATUS | PTYSPLIT_REQUEST_PRINT ;
  if (!refused(bad, len, 0, 0, "status and print", "a viewer's request with STATUS and PRINT")) return 0 ;
  {
    char logreq[PTYSPLIT_REQUEST_MAX] ;
    size_t loglen = ptysplit_request_pack_flags(logreq, getpid(), "raw", PTYSPLIT_REQUEST_LOG) ;
    if (!refused(logreq, loglen, 0, 0, "two fds", "a log request without fds")) return 0 ;
  }
  if (pipecoe(p) < 0) return FAIL("harness: unable to pipe") ;
  two[0] = p[0] ; two[1] = p[1] ;
  e = !refused(req, len, p, 1, "not a PTY master", "a request with a pipe") ;
  memcpy(bad, req, len) ;
  bad[PTYSPLIT_MAGIC_LEN + 1] = PTYSPLIT_REQUEST_VIEW ;
  if (!e) e = !refused(bad, len, p, 1, "a viewer sends no fd", "a viewer's request with an fd") ;
  if (!e) e = !refused(req, len, two, 2, "one fd", "a request with two fds") ;
  fd_close(p[0]) ; fd_close(p[1]) ;
  if (e) return 0 ;
  if (!openwritenclose_unsafe(file, "x", 1)) return FAIL("harness: unable to write ", file) ;
  f = open2(file, O_RDWR | O_CLOEXEC) ;
  if (f < 0) return FAIL("harness: unable to open ", file) ;
  e = !refused(req, len, &f, 1, "not a PTY master", "a request with a regular file") ;
  fd_close(f) ;
  if (e) return 0 ;
  m = ptysplit_pty_open(name, sizeof(name)) ;
  if (m < 0) return FAIL("harness: unable to open a pty") ;
  c = open2(name, O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  if (c < 0) { fd_close(m) ; return FAIL("harness: unable to open ", name) ; }
  e = !refused(req, len, &c, 1, "not a PTY master", "a request with a PTY client end") ;
  fd_close(c) ;
  fd_close(m) ;
  if (e) return 0 ;
  if (h->p->done) return FAIL("the head died: ", h_status(h->p)) ;
  if (!h_nfds_back(h->p, nfds, H_LONG)) return 0 ;
  return serves(h, "afterbad") ;
}

 /* A socket instead of a master, ten fds, and 64 KiB payloads, native and
    foreign: each refused, the head keeps serving, its fd count comes back. */
static int t_hostile_payloads (void)
{
  char req[PTYSPLIT_REQUEST_MAX] ;
  size_t len = ptysplit_request_pack(req, getpid(), "raw") ;
  static char big[65536] ;
  int sv[2], ten[10], i, e, s, nfds ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  nfds = h_nfds(h->p->pid) ;
  if (ipc_pair_coe(sv) < 0) return FAIL("harness: unable to make a socketpair") ;
  e = !refused(req, len, sv, 1, "not a PTY master", "a request with a socket") ;
  fd_close(sv[0]) ; fd_close(sv[1]) ;
  if (e) return 0 ;
  for (i = 0 ; i < 10 ; i++) ten[i] = 0 ;
  {
    ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
    s = h_connect(sock) ;
    if (s < 0) return 0 ;
    if (h_sendfds_raw(s, req, len, ten, 10) != (ssize_t)len) { fd_close(s) ; return FAIL("harness: unable to send ten fds") ; }
    e = h_answer(s, &ans, H_LONG) ;
    fd_close(s) ;
    if (e <= 0 || ans.accepted || !strstr(ans.text, "too many fds"))
      return FAIL("a request with ten fds: expected the refusal \"too many fds\", got ", e <= 0 ? "no answer" : ans.text) ;
  }
  memcpy(big, req, len) ;
  memset(big + len, 'x', sizeof(big) - len) ;
  s = h_connect(sock) ;
  if (s < 0) return 0 ;
  if (ndelay_on(s) < 0) { fd_close(s) ; return FAIL("harness: unable to ndelay_on") ; }
  if (fd_write(s, big, sizeof(big)) <= 0) { fd_close(s) ; return FAIL("harness: unable to send 64 KiB") ; }
  {
    ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
    e = h_answer(s, &ans, H_LONG) ;
    fd_close(s) ;
    if (e <= 0 || ans.accepted || !strstr(ans.text, "too long"))
      return FAIL("a 64 KiB request: expected a refusal saying \"too long\", got ", e <= 0 ? "no answer" : ans.text) ;
  }
  memset(big, 'y', sizeof(big)) ;
  s = h_connect(sock) ;
  if (s < 0) return 0 ;
  if (ndelay_on(s) < 0 || fd_write(s, big, sizeof(big)) <= 0) { fd_close(s) ; return FAIL("harness: unable to send 64 KiB") ; }
  if (!h_eof_fd(s, H_LONG)) { fd_close(s) ; return FAIL("a 64 KiB foreign payload: the head did not drop the client") ; }
  fd_close(s) ;
  if (h->p->done) return FAIL("the head died: ", h_status(h->p)) ;
  if (!h_nfds_back(h->p, nfds, H_LONG)) return 0 ;
  return serves(h, "afterhostile") ;
}

 /* 200 connections at once, each sending a request with no fd: all of them
    answered, the head's memory bounded, and then a real program served.
    The head's terminal is not read meanwhile, as when its screen is not
    drained: only rate-limiting its warnings keeps it from blocking on
    stderr. Past the second, the next warning says how many were held back. */
 /* The CPU time a process has used, in clock ticks (Linux /proc). */
static unsigned long cputicks (pid_t pid)
{
  char buf[1024] ;
  unsigned long u = 0, s = 0 ;
  unsigned int field = 3 ;
  char const *c = proc_stat(pid, buf, sizeof(buf)) ;
  if (!c) return 0 ;
  for (; *c && field < 14 ; c++) if (*c == ' ') field++ ;
  c += ulong_scan(c, &u) ;
  if (*c == ' ') ulong_scan(c + 1, &s) ;
  return u + s ;
}

 /* Out of fds (issue 14, defect 7): a head limited to 68 fds gets 100
    connections. accept() fails with EMFILE while the socket stays
    readable: the head must not spin, and serves again once the
    connections go. */
static int t_emfile (void)
{
  struct rlimit old, low ;
  int s[100] ;
  unsigned int n = 0, i ;
  unsigned long t0, t1 ;
  hhead *h ; hproc *p ; hreport r ;
  if (getrlimit(RLIMIT_NOFILE, &old) < 0) return FAIL("harness: getrlimit: ", strerror(errno)) ;
  low = old ;
  low.rlim_cur = 68 ;  /* the harness dups to 64..67 in the child */
  if (setrlimit(RLIMIT_NOFILE, &low) < 0) return FAIL("harness: setrlimit: ", strerror(errno)) ;
  h = h_head(sock, 0, headenv, 0, 37, 101) ;
  setrlimit(RLIMIT_NOFILE, &old) ;
  if (!h) return 0 ;
  for (; n < 100 ; n++)
  {
    s[n] = h_connect(sock) ;
    if (s[n] < 0) break ;
  }
  h_sleep(300) ;
  t0 = cputicks(h->p->pid) ;
  h_sleep(1000) ;
  t1 = cputicks(h->p->pid) ;
  for (i = 0 ; i < n ; i++) fd_close(s[i]) ;
  if (n < 100) return FAIL("only ", h_u(n), " of 100 connections went through") ;
  if (t1 - t0 > 20) return FAIL("a head out of fds used ", h_u(t1 - t0), " ticks of CPU in one second: it spins on accept") ;
  p = probe(0, "echo", "emf", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "emf", &r)) return 0 ;
  return quit(h, p) ;
}

static int t_flood_200 (void)
{
  char req[PTYSPLIT_REQUEST_MAX] ;
  size_t len = ptysplit_request_pack(req, getpid(), "flood") ;
  int s[200] ;
  unsigned int i, n = 0, answered = 0 ;
  unsigned long rss0, rss1 ;
  size_t from ;
  int nfds ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  nfds = h_nfds(h->p->pid) ;
  rss0 = h_rss(h->p->pid) ;
  for (; n < 200 ; n++)
  {
    s[n] = h_connect(sock) ;
    if (s[n] < 0) break ;
    if (ptysplit_sendfds(s[n], req, len, 0, 0) != (ssize_t)len) { n++ ; break ; }
  }
  for (i = 0 ; i < n ; i++)
  {
    ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
    if (h_answer(s[i], &ans, H_LONG) > 0 && !ans.accepted) answered++ ;
    fd_close(s[i]) ;
  }
  rss1 = h_rss(h->p->pid) ;
  if (n < 200) return FAIL("only ", h_u(n), " of 200 connections went through") ;
  if (answered < 200) return FAIL("only ", h_u(answered), " of 200 clients got a refusal") ;
  if (rss1 > rss0 + 512) return FAIL("the head's RSS grew from ", h_u(rss0), " kB to ", h_u(rss1), " kB") ;
  if (!h_nfds_back(h->p, nfds, H_LONG)) return 0 ;
  from = h->screen->len ;
  h_sleep(1100) ;
  if (!refused(req, len, 0, 0, "exactly one fd", "a request after the flood")) return 0 ;
  if (!h_expect(h->screen, from, "warnings about clients in the last second", H_LONG))
    return FAIL("no warning saying how many warnings were suppressed: ", h_show(h->screen, from)) ;
  return serves(h, "afterflood") ;
}

 /* What a ptyexec killed before exec looks like to the head: a master
    whose client end closes. The session ends cleanly, the next is served. */
static int t_client_dies_before_exec (void)
{
  char req[PTYSPLIT_REQUEST_MAX] ;
  char name[64] ;
  size_t len = ptysplit_request_pack(req, getpid(), "dying") ;
  ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
  int m, c, s, r ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  m = ptysplit_pty_open(name, sizeof(name)) ;
  if (m < 0) return FAIL("harness: unable to open a pty") ;
  c = open2(name, O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  s = h_connect(sock) ;
  if (c < 0 || s < 0) { fd_close(m) ; return FAIL("harness: unable to open the client end or connect") ; }
  if (ptysplit_sendfds(s, req, len, &m, 1) != (ssize_t)len) { fd_close(m) ; fd_close(c) ; fd_close(s) ; return FAIL("harness: unable to send the master") ; }
  r = h_answer(s, &ans, H_LONG) ;
  fd_close(s) ; fd_close(m) ; fd_close(c) ;
  if (r <= 0 || !ans.accepted) return FAIL("the head did not accept a valid master") ;
  if (!h_restored(h, H_LONG)) return 0 ;
  return serves(h, "afterdying") ;
}

 /* The program killed in the middle of its output: the head drains what
    came, restores its terminal and serves the next one. */
static int t_program_killed_mid_output (void)
{
  char const *prog[] = { "./ptysplit-probe", "flood", "100000000", "km", 0 } ;
  hhead *h ; hproc *p ; hreport r ;
  h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, 0, prog, execenv, 0) ;
  if (!p || !report_of(h, p, 0, "km", &r)) return 0 ;
  if (!h_expect(h->screen, r.end, "FLOODSTART", H_LONG)) return FAIL("the flood did not start") ;
  kill(p->pid, SIGKILL) ;
  if (!h_wait(p, H_LONG)) return FAIL("the program survived SIGKILL") ;
  if (!h_restored(h, H_LONG)) return 0 ;
  if (h->p->done) return FAIL("the head died: ", h_status(h->p)) ;
  return serves(h, "afterkill") ;
}

 /* The head killed mid-session: the program gets a hangup. */
static int t_head_killed (void)
{
  hhead *h ; hproc *p ; hreport r ;
  h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = probe(0, "echo", "hk", execenv, 0) ;
  if (!p || !report_of(h, p, 0, "hk", &r)) return 0 ;
  kill(h->p->pid, SIGKILL) ;
  if (!h_wait(p, H_LONG)) return FAIL("the program did not end after its head was killed") ;
  if (!h_signalled(p) && h_exitcode(p) == 0) return FAIL("the program ended normally, expected a hangup: ", h_status(p)) ;
  return 1 ;
}

 /* More silent clients than the head has slots for: ptyexec still gets in. */
static int t_many_silent_clients (void)
{
  char const *hopts[] = { "-t", "1000", 0 } ;
  hhead *h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  int s[70] ;
  unsigned int i, n = 0 ;
  int nfds, ok ;
  hproc *p ;
  hreport r ;
  if (!h) return 0 ;
  nfds = h_nfds(h->p->pid) ;
  for (; n < 70 ; n++)
  {
    s[n] = h_connect(sock) ;
    if (s[n] < 0) break ;
  }
  ok = n == 70 ;
  if (ok)
  {
    p = probe(0, "report", "many", execenv, 0) ;
    ok = p && report_of(h, p, 0, "many", &r) && exits(p, 0, "the program") ;
  }
  for (i = 0 ; i < n ; i++) fd_close(s[i]) ;
  if (!ok) return 0 ;
  return h_nfds_back(h->p, nfds, H_LONG) ;
}

 /* Not our magic and no fd: a broken console-socket client, dropped unanswered. */
static int t_foreign_without_fd (void)
{
  ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  int s, r ;
  if (!h) return 0 ;
  s = h_connect(sock) ;
  if (s < 0) return 0 ;
  if (fd_write(s, "garbage\n", 8) != 8) { fd_close(s) ; return FAIL("harness: unable to write") ; }
  r = h_answer(s, &ans, H_LONG) ;
  fd_close(s) ;
  if (r < 0) return FAIL("garbage without an fd: the connection is still open after 5 s") ;
  if (r > 0 && ans.accepted) return FAIL("garbage without an fd was accepted") ;
  return serves(h, "aftergarbage") ;
}

 /* An idle head on a terminal says what it waits for, on a line the
    session clears; the terminal's title is the program's name while it
    runs, and the old one comes back after (issue 15). */
static int t_waiting_and_title (void)
{
  char want[160] = "ptyhead: waiting for a program on " ;
  hhead *h ; hproc *p ; hreport r ;
  size_t from ;
  memcpy(want + 34, sock, strlen(sock) + 1) ;
  h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h || !shows(h, 0, want, "an idle head")) return 0 ;
  from = h->screen->len ;
  p = probe(0, "echo", "wt", execenv, 0) ;
  if (!p || !report_of(h, p, from, "wt", &r)) return 0 ;
  if (!has(h->screen, "\r\033[K\033[22;0t\033]0;./ptysplit-probe\007", "the session's start")) return 0 ;
  from = h->screen->len ;
  if (!quit(h, p)) return 0 ;
  if (!shows(h, from, "\033[23;0t", "the session's end: the old title back")) return 0 ;
  return shows(h, from, want, "the head idle again") ;
}

 /* A warning while the terminal is raw ends with CR LF, so that the
    next line starts at the left and does not staircase (issue 15). */
static int t_warning_raw_crlf (void)
{
  hhead *h ; hproc *p ; hreport r ;
  size_t from ;
  int s ;
  if (!session(&h, &p, 0, 0, "echo", "crlf", &r)) return 0 ;
  from = h->screen->len ;
  s = h_connect(sock) ;
  if (s < 0) return 0 ;
  if (fd_write(s, "garbage\n", 8) != 8) { fd_close(s) ; return FAIL("harness: unable to write") ; }
  if (!shows(h, from, "without exactly one fd\r\n", "a warning during a session")) { fd_close(s) ; return 0 ; }
  fd_close(s) ;
  return quit(h, p) ;
}

 /* What runc --console-socket sends: "/dev/pts/ptmx" and a master. */
static int t_console_socket (void)
{
  ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
  char name[64] ;
  char buf[64] ;
  hhead *h = h_head(sock, 0, headenv, 0, 37, 101) ;
  struct winsize ws ;
  int s, r, m, c ;
  if (!h) return 0 ;
  m = ptysplit_pty_open(name, sizeof(name)) ;
  if (m < 0) return FAIL("harness: unable to open a pty") ;
  c = open2(name, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK) ;
  if (c < 0) { fd_close(m) ; return FAIL("harness: unable to open ", name) ; }
  s = h_connect(sock) ;
  if (s < 0) { fd_close(c) ; fd_close(m) ; return 0 ; }
  r = ptysplit_sendfds(s, "/dev/pts/ptmx", 13, &m, 1) ;
  fd_close(m) ;
  if (r != 13) { fd_close(s) ; fd_close(c) ; return FAIL("harness: unable to send the console") ; }
  r = h_answer(s, &ans, H_LONG) ;
  fd_close(s) ;
  if (r > 0) { fd_close(c) ; return FAIL("the head answered a console-socket client") ; }
  if (r < 0) { fd_close(c) ; return FAIL("the head kept a console-socket client connected for 5 s") ; }
  if (ioctl(c, TIOCGWINSZ, &ws) < 0 || ws.ws_row != 37 || ws.ws_col != 101)
  {
    fd_close(c) ;
    return FAIL("the console's size is ", h_u(ws.ws_row), "x", h_u(ws.ws_col), ", expected 37x101") ;
  }
  if (fd_write(c, "console-output\n", 15) != 15) { fd_close(c) ; return FAIL("harness: unable to write to the console") ; }
  if (!shows(h, 0, "console-output", "the console's output")) { fd_close(c) ; return 0 ; }
   /* the console is a cooked terminal: a line is what can be read */
  if (!h_type(h, "k\r")) { fd_close(c) ; return 0 ; }
  {
    tain d ;
    ssize_t n = 0 ;
    h_deadline(&d, H_LONG) ;
    while (n <= 0 && !h_expired(&d))
    {
      n = read(c, buf, sizeof(buf)) ;
      if (n <= 0) h_pump(10) ;
    }
    if (n <= 0 || buf[0] != 'k') { fd_close(c) ; return FAIL("a key typed on the head did not reach the console") ; }
  }
  fd_close(c) ;
  return h_restored(h, H_LONG) ;
}


 /* A master from another devpts instance, as a container's console is:
    its number names nothing, or another PTY, under the head's /dev/pts
    (issue 14, defect 16). A child mounts a new instance in a mount
    namespace of its own, keeps opening masters there until one's number
    has no /dev/pts/N here, and hands that master and its client end over.
    Returns 1 with both in *m and *c, 0 on a failure, -1 to skip. */
static int other_devpts_pty (int *m, int *c)
{
  char tag[8] ;
  int p[2], fds[2] ;
  unsigned int n = 2 ;
  pid_t pid ;
  int wstat ;
  ssize_t r ;
  if (ipc_pair_b(p) < 0) return FAIL("harness: socketpair: ", strerror(errno)) ;
  pid = fork() ;
  if (pid < 0) { fd_close(p[0]) ; fd_close(p[1]) ; return FAIL("harness: fork: ", strerror(errno)) ; }
  if (!pid)
  {
    char dir[96], path[128], num[UINT_FMT] ;
    unsigned int i = 0, no = 0 ;
    int unlock = 0 ;
    fd_close(p[0]) ;
    memcpy(dir, h_dir, strlen(h_dir)) ;
    memcpy(dir + strlen(h_dir), "/devpts", 8) ;
    if (unshare(CLONE_NEWNS) < 0 || mount(0, "/", 0, MS_REC | MS_PRIVATE, 0) < 0
     || mkdir(dir, 0700) < 0 || mount("devpts", dir, "devpts", 0, "newinstance,ptmxmode=0666,mode=0620") < 0)
      _exit(2) ;
    for (;; i++)
    {
      if (i == 256) _exit(3) ;
      memcpy(path, dir, strlen(dir)) ;
      memcpy(path + strlen(dir), "/ptmx", 6) ;
      fds[0] = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC) ;
      if (fds[0] < 0 || ioctl(fds[0], TIOCSPTLCK, &unlock) < 0 || ioctl(fds[0], TIOCGPTN, &no) < 0) _exit(3) ;
      num[uint_fmt(num, no)] = 0 ;
      memcpy(path, "/dev/pts/", 9) ;
      memcpy(path + 9, num, strlen(num) + 1) ;
      if (access(path, F_OK) < 0 && errno == ENOENT) break ;
    }
    memcpy(path, dir, strlen(dir)) ;
    path[strlen(dir)] = '/' ;
    memcpy(path + strlen(dir) + 1, num, strlen(num) + 1) ;
    fds[1] = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK) ;
    if (fds[1] < 0 || ptysplit_sendfds(p[1], "pty", 3, fds, 2) != 3) _exit(3) ;
    _exit(0) ;
  }
  fd_close(p[1]) ;
  if (waitpid(pid, &wstat, 0) != pid) { fd_close(p[0]) ; return FAIL("harness: waitpid: ", strerror(errno)) ; }
  if (WIFEXITED(wstat) && WEXITSTATUS(wstat) == 2) { fd_close(p[0]) ; return SKIP("unable to mount a devpts instance of its own in a mount namespace") ; }
  if (!WIFEXITED(wstat) || WEXITSTATUS(wstat)) { fd_close(p[0]) ; return FAIL("harness: no master from another devpts instance") ; }
  r = ptysplit_recvfds(p[0], tag, sizeof(tag), fds, &n) ;
  fd_close(p[0]) ;
  if (r != 3 || n != 2) return FAIL("harness: the master and client end did not come back") ;
  *m = fds[0] ; *c = fds[1] ;
  return 1 ;
}

static int t_console_other_devpts (void)
{
  ptysplit_answer ans = PTYSPLIT_ANSWER_ZERO ;
  hhead *h ;
  int s, r, m = -1, c = -1 ;
  if (geteuid()) return SKIP("needs root, to mount a devpts instance") ;
  r = other_devpts_pty(&m, &c) ;
  if (r <= 0) return r ;
  h = h_head(sock, 0, headenv, 0, 24, 80) ;
  if (!h) { fd_close(m) ; fd_close(c) ; return 0 ; }
  s = h_connect(sock) ;
  if (s < 0) { fd_close(m) ; fd_close(c) ; return 0 ; }
  r = ptysplit_sendfds(s, "/dev/pts/ptmx", 13, &m, 1) ;
  fd_close(m) ;
  if (r != 13) { fd_close(s) ; fd_close(c) ; return FAIL("harness: unable to send the console") ; }
  r = h_answer(s, &ans, H_LONG) ;
  fd_close(s) ;
  if (r) { fd_close(c) ; return FAIL("the head answered a console-socket client, or kept it for 5 s") ; }
  if (fd_write(c, "other-devpts-output\n", 20) != 20) { fd_close(c) ; return FAIL("harness: unable to write to the console") ; }
  r = shows(h, 0, "other-devpts-output", "the output of a console from another devpts instance") ;
  fd_close(c) ;
  return r ? h_restored(h, H_LONG) : 0 ;
}

 /* 22. large output */

static int t_large_output (void)
{
  hhead *h ; hproc *p ; hreport r ;
  char bytes[UINT_FMT] ;
  char const *prog[] = { "./ptysplit-probe", "flood", bytes, "fl", 0 } ;
  size_t start, end, i ;
  bytes[uint_fmt(bytes, FLOOD_BYTES)] = 0 ;
  h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, 0, prog, execenv, 0) ;
  if (!p || !report_of(h, p, 0, "fl", &r)) return 0 ;
  if (!h_expect(h->screen, r.end, "FLOODEND", 20000))
    return FAIL("the end of 1 MiB of output did not arrive within 20 s; got ", h_u(h->screen->len), " bytes") ;
  start = h_find(h->screen, r.end, "FLOODSTART\r\n") ;
  end = h_find(h->screen, r.end, "\r\nFLOODEND") ;
  if (start == (size_t)-1 || end == (size_t)-1 || end < start + 12) return FAIL("no FLOODSTART before FLOODEND") ;
  start += 12 ;
  if (end - start != FLOOD_BYTES) return FAIL("expected ", h_u(FLOOD_BYTES), " bytes of output, got ", h_u(end - start)) ;
  for (i = 0 ; i < FLOOD_BYTES ; i++)
    if (h->screen->s[start + i] != 'a' + (char)(i % 4096 % 26))
      return FAIL("output byte ", h_u(i), " is wrong: ", h_showb(h->screen->s + start + i, 16)) ;
  if (!exits(p, 0, "the program")) return 0 ;
  return h_restored(h, H_LONG) ;
}


 /* ptyexec against a fake head: the harness listens and speaks the protocol itself */

static int fake_listen (void)
{
  int l = ipc_stream_nbcoe() ;
  if (l < 0) return FAIL("harness: unable to create a socket: ", strerror(errno)), -1 ;
  if (ipc_bind(l, sock) < 0 || ipc_listen(l, 8) < 0)
  {
    int e = errno ;
    fd_close(l) ;
    return FAIL("harness: unable to listen on ", sock, ": ", strerror(e)), -1 ;
  }
  return l ;
}

 /* Accepts one client and reads its request: returns the connection, *m the master. */
static int fake_serve (int l, int *m)
{
  char buf[PTYSPLIT_MESSAGE_MAX] ;
  size_t len = 0 ;
  int fds[PTYSPLIT_FDPASS_MAXFDS] ;
  unsigned int nfds = 0 ;
  int c = -1 ;
  tain d ;
  *m = -1 ;
  h_deadline(&d, H_LONG) ;
  for (;;)
  {
    if (h_readable(c >= 0 ? c : l, &d) <= 0) break ;
    if (c < 0)
    {
      c = ipc_accept_nbcoe(l, 0, 0, 0) ;
      if (c < 0 && !error_isagain(errno)) break ;
      continue ;
    }
    {
      ptysplit_request req ;
      size_t used ;
      int got[PTYSPLIT_FDPASS_MAXFDS] ;
      unsigned int n, i ;
      ssize_t k = ptysplit_recvfds(c, buf + len, sizeof(buf) - len, got, &n) ;
      if (k < 0 && error_isagain(errno)) continue ;
      if (k <= 0) break ;
      len += k ;
      for (i = 0 ; i < n ; i++)
        if (nfds < PTYSPLIT_FDPASS_MAXFDS) fds[nfds++] = got[i] ; else fd_close(got[i]) ;
      if (ptysplit_request_parse(buf, len, &req, &used) != PTYSPLIT_PARSE_PARTIAL)
      {
        if (nfds != 1)
        {
          while (nfds--) fd_close(fds[nfds]) ;
          break ;
        }
        *m = fds[0] ;
        return c ;
      }
    }
  }
  if (c >= 0) fd_close(c) ;
  while (nfds--) fd_close(fds[nfds]) ;
  return FAIL("the fake head got no complete request with one fd from ptyexec within 5 s"), -1 ;
}

 /* Reads the master until text comes, into sa. */
static int master_until (int m, stralloc *sa, char const *text, unsigned int ms)
{
  tain d ;
  h_deadline(&d, ms) ;
  ndelay_on(m) ;
  while (h_find(sa, 0, text) == (size_t)-1)
  {
    char buf[4096] ;
    ssize_t r ;
    if (h_readable(m, &d) <= 0) return 0 ;
    r = read(m, buf, sizeof(buf)) ;
    if (r < 0 && error_isagain(errno)) continue ;
    if (r <= 0) return 0 ;
    if (!stralloc_catb(sa, buf, r)) return 0 ;
  }
  return 1 ;
}

 /* An answer in two pieces; the program gets its TERM, and the size the
    head set on the master. With rows and cols given, the head resizes
    the master to them while its answer is on its way, as a resize
    during the handshake does: ptyexec must not set the answer's size over it
    (issue 14, defect 5). */
static int fake_head_accept (unsigned int rows, unsigned int cols, char const *want)
{
  char ans[PTYSPLIT_ANSWER_MAX] ;
  stralloc sa = STRALLOC_ZERO ;
  hreport r ;
  size_t len ;
  hproc *p ;
  int l, c, m, ok ;
  l = fake_listen() ;
  if (l < 0) return 0 ;
  p = probe(0, "report", "fake", execenv, 0) ;
  c = p ? fake_serve(l, &m) : -1 ;
  fd_close(l) ;
  if (c < 0) return 0 ;
  ptysplit_pty_setsize(m, 11, 22, 0, 0) ;
  len = ptysplit_answer_pack_accept(ans, 11, 22, 0, 0, "fake-term") ;
  ok = fd_write(c, ans, 5) == 5 ;
  h_sleep(100) ;
  if (rows) ptysplit_pty_setsize(m, rows, cols, 0, 0) ;
  ok = ok && fd_write(c, ans + 5, len - 5) == (ssize_t)(len - 5) ;
  fd_close(c) ;
  if (!ok)
  {
    fd_close(m) ;
    h_wait(p, H_LONG) ;
    return FAIL("ptyexec did not wait for the rest of an answer sent in two pieces: it ", h_status(p), ", stderr: ", h_show(&p->errs, 0)) ;
  }
  ok = master_until(m, &sa, "\n", H_LONG) && h_report(&sa, 0, "fake", &r, 0) ;
  fd_close(m) ;
  if (!ok)
  {
    h_pump(0) ;
    ok = FAIL("no report on the master the fake head got: ", h_show(&sa, 0), "; ptyexec ", h_status(p), ", stderr: ", h_show(&p->errs, 0)) ;
    stralloc_free(&sa) ;
    return ok ;
  }
  stralloc_free(&sa) ;
  if (!h_check(&r, "size", want) || !h_check(&r, "term", "fake-term") || !h_check(&r, "sid", "1")) return 0 ;
  if (!h_wait(p, H_LONG)) return FAIL("the program still runs after its master was closed") ;
  return 1 ;
}

static int t_fake_head_accept (void)
{
  return fake_head_accept(0, 0, "11x22") ;
}

static int t_fake_head_resize_after_answer (void)
{
  return fake_head_accept(30, 100, "30x100") ;
}

static int fake_head_fails (char const *answer, size_t len, char const *want, char const *what)
{
  hproc *p ;
  int l, c, m ;
  l = fake_listen() ;
  if (l < 0) return 0 ;
  p = probe(0, "report", "fake", execenv, 0) ;
  c = p ? fake_serve(l, &m) : -1 ;
  fd_close(l) ;
  if (c < 0) return 0 ;
  fd_close(m) ;
  if (len && fd_write(c, answer, len) != (ssize_t)len) { fd_close(c) ; return FAIL("harness: unable to answer") ; }
  fd_close(c) ;
  if (!exits(p, 111, what)) return 0 ;
  return has(&p->errs, want, what) ;
}

static int t_fake_head_refusal (void)
{
  char ans[PTYSPLIT_ANSWER_MAX] ;
  size_t len = ptysplit_answer_pack_refuse(ans, "a reason of its own") ;
  return fake_head_fails(ans, len, "refused: a reason of its own", "ptyexec refused by a head") ;
}

static int t_fake_head_hangup (void)
{
  return fake_head_fails("", 0, "hung up without answering", "ptyexec whose head hung up") ;
}

static int t_fake_head_junk (void)
{
  return fake_head_fails("HTTP/1.0 200 OK\r\n\r\n", 19, "invalid answer", "ptyexec answered junk") ;
}

 /* A head that never answers: ptyexec gives up on its own. */
static int t_fake_head_wedged (void)
{
  tain start ;
  unsigned int ms ;
  hproc *p ;
  int l = fake_listen() ;
  if (l < 0) return 0 ;
  h_start(&start) ;
  p = probe(0, "report", "wedged", execenv, 0) ;
  if (!p) { fd_close(l) ; return 0 ; }
  if (!h_wait(p, 15000))
  {
    fd_close(l) ;
    return FAIL("ptyexec still waits for a head that never answers after 15 s") ;
  }
  fd_close(l) ;
  ms = h_since(&start) ;
  if (h_exitcode(p) != 111) return FAIL("ptyexec with a wedged head: expected exit code 111, got ", h_status(p)) ;
  if (!has(&p->errs, sock, "ptyexec's message")) return 0 ;
  if (ms < 1000) return FAIL("ptyexec gave up on a wedged head after ", h_u(ms), " ms only") ;
  return 1 ;
}


 /* a viewer that stops reading */

static int exists (char const *path)
{
  struct stat st ;
  return lstat(path, &st) == 0 ;
}

static int t_stalled_viewer (void)
{
  char bytes[UINT_FMT] ;
  char const *done = h_path("flood-done") ;
  char const *prog[] = { "./ptysplit-probe", "floodecho", bytes, "sv", done, 0 } ;
  hhead *h ; hproc *p ; hreport r ;
  size_t start, end ;
  bytes[uint_fmt(bytes, STALL_BYTES)] = 0 ;
  h = h_head(sock, 0, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, 0, prog, execenv, 0) ;
  if (!p || !report_of(h, p, 0, "sv", &r)) return 0 ;
  h->paused = 1 ;
  if (!h_type(h, "go\r")) return 0 ;
  h_sleep(1000) ;
  if (exists(done)) return FAIL("the program wrote 16 MiB while nobody read the head's terminal: output was not held back") ;
  if (p->done) return FAIL("the program died during the stall: ", h_status(p)) ;
  h->paused = 0 ;
  if (!h_expect(h->screen, r.end, "FLOODEND", 20000))
    return FAIL("the end of the output did not arrive within 20 s of the viewer coming back; got ", h_u(h->screen->len), " bytes") ;
  start = h_find(h->screen, r.end, "FLOODSTART\r\n") ;
  end = h_find(h->screen, r.end, "\r\nFLOODEND") ;
  if (start == (size_t)-1 || end < start + 12) return FAIL("no FLOODSTART before FLOODEND") ;
  if (end - start - 12 != STALL_BYTES) return FAIL("expected ", h_u(STALL_BYTES), " bytes of output, got ", h_u(end - start - 12), ": output was lost") ;
  if (!exists(done)) return FAIL("the program did not finish its output") ;
  return quit(h, p) ;
}

static int t_stalled_viewer_n (void)
{
  char const *hopts[] = { "-n", "-v", "2", 0 } ;
  char bytes[UINT_FMT] ;
  char const *done = h_path("flood-done") ;
  char const *prog[] = { "./ptysplit-probe", "floodecho", bytes, "svn", done, 0 } ;
  hhead *h ; hproc *p ; hreport r ;
  size_t from ;
  tain d ;
  bytes[uint_fmt(bytes, STALL_BYTES)] = 0 ;
  h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  p = h_ptyexec(sock, 0, prog, execenv, 0) ;
  if (!p || !report_of(h, p, 0, "svn", &r)) return 0 ;
  h->paused = 1 ;
  if (!h_type(h, "go\r")) return 0 ;
  h_deadline(&d, 10000) ;
  while (!exists(done) && !p->done && !h_expired(&d)) h_pump(10) ;
  if (!exists(done)) return FAIL("ptyhead -n: the program was held back by a stalled viewer (", h_status(p), ")") ;
  h->paused = 0 ;
   /* the shrink and the restore are two SIGWINCHs the program sees
      apart: sent back to back, they merge (issue 14, defect 2) */
  if (!h_expect(h->screen, r.end, "WINCH 37 100", H_LONG))
    return FAIL("ptyhead -n: no repaint (a SIGWINCH with one column less) after the viewer came back; screen: ", h_show(h->screen, h->screen->len > 200 ? h->screen->len - 200 : 0)) ;
  if (!h_expect(h->screen, r.end, "WINCH 37 101", H_LONG))
    return FAIL("ptyhead -n: the size was not restored after the repaint; screen: ", h_show(h->screen, h->screen->len > 200 ? h->screen->len - 200 : 0)) ;
  if (!h_expect(h->screen, r.end, "bytes of output while the terminal was not reading", H_LONG))
    return FAIL("ptyhead -n -v 2: no line saying how much output was dropped") ;
  from = h->screen->len ;
  if (!h_type(h, "ping\r") || !shows(h, from, "GOT ping", "the session after the stall")) return 0 ;
  return quit(h, p) ;
}

 /* -n, and the program ends while the terminal is frozen (issue 14,
    defects 9 and 11): the ended session waits for its output at most a
    second, then drops the rest, so the next program is not "busy"; and
    what was dropped is said once the terminal reads again. */
static int t_stalled_viewer_n_program_ends (void)
{
  char const *hopts[] = { "-n", "-v", "2", 0 } ;
  char bytes[UINT_FMT] ;
  char const *prog[] = { "./ptysplit-probe", "flood", bytes, "sne", 0 } ;
  hhead *h ; hproc *p, *p2 ; hreport r ;
  tain d ;
  bytes[uint_fmt(bytes, STALL_BYTES)] = 0 ;
  h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  h->paused = 1 ;
  p = h_ptyexec(sock, 0, prog, execenv, 0) ;
  if (!p) return 0 ;
  h_deadline(&d, 10000) ;
  while (!p->done && !h_expired(&d)) h_pump(10) ;
  if (!p->done) return FAIL("ptyhead -n: the program was held back by a stalled viewer (", h_status(p), ")") ;
  h_sleep(1500) ;
  p2 = probe(0, "echo", "sn2", execenv, 0) ;
  if (!p2) return 0 ;
  h_sleep(1000) ;
  if (p2->done) return FAIL("ptyhead -n: the next program was refused while the ended one waited for a frozen terminal: ", h_status(p2), "; ", h_show(&p2->errs, 0)) ;
  h->paused = 0 ;
  if (!h_expect(h->screen, 0, "bytes of output while the terminal was not reading", H_LONG))
    return FAIL("ptyhead -n -v 2: nothing said about the output dropped when the program ended first") ;
  if (!report_of(h, p2, 0, "sn2", &r)) return 0 ;
  return quit(h, p2) ;
}


 /*
    ptyattach, the viewer. Tests marked FAKE-HEAD talk to a minimal
    listener here that speaks the viewer protocol, to see exactly which
    frames ptyattach sends and how it takes what a head may do (hang up,
    flood, send junk); the others, and src/tests/viewers.sh, use the real
    ptyhead.
 */

static char const *const attach_env[] = { "TERM=xterm-test", 0 } ;

static hproc *attach_spawn (char const *const *opts, unsigned int flags)
{
  char const *argv[16] ;
  unsigned int n = 0 ;
  char const *a = flags & H_NOBODY ? h_copybin("ptyattach") : "./ptyattach" ;
  if (!a) return 0 ;
  argv[n++] = a ;
  if (opts) for (; *opts && n < 14 ; opts++) argv[n++] = *opts ;
  argv[n++] = sock ;
  argv[n] = 0 ;
  return h_spawn(argv, attach_env, flags) ;
}

 /* ptyattach opts... sock on an outer terminal of 30x90. */
static hhead *attach_onterm (char const *const *opts)
{
  char const *argv[16] ;
  unsigned int n = 0 ;
  argv[n++] = "./ptyattach" ;
  if (opts) for (; *opts && n < 14 ; opts++) argv[n++] = *opts ;
  argv[n++] = sock ;
  argv[n] = 0 ;
  return h_onterm(argv, attach_env, 0, 30, 90) ;
}

static int attach_fails (hproc *p, char const *want, char const *what)
{
  if (!p || !exits(p, 111, what)) return 0 ;
  return has(&p->errs, want, what) ;
}

static char const *sockmsg (char const *before, char const *after)
{
  static stralloc sa = STRALLOC_ZERO ;
  sa.len = 0 ;
  if (!stralloc_cats(&sa, before) || !stralloc_cats(&sa, sock) || !stralloc_cats(&sa, after) || !stralloc_0(&sa)) return "(out of memory)" ;
  return sa.s ;
}

static int t_attach_usage (void)
{
  char const *u = "ptyattach: usage: " ;
  char const *c1[] = { "./ptyattach", 0 } ;
  char const *c2[] = { "./ptyattach", "-Z", sock, 0 } ;
  char const *c3[] = { "./ptyattach", sock, "extra", 0 } ;
  char const *c4[] = { "./ptyattach", "-t", 0 } ;
  char const *c5[] = { "./ptyattach", "-t", "12x", sock, 0 } ;
  char const *c6[] = { "./ptyattach", "-e", "ab", sock, 0 } ;
  char const *c7[] = { "./ptyattach", "-e", "^1", sock, 0 } ;
  char const *c8[] = { "./ptyattach", "-u", "abc", sock, 0 } ;
  char const *c9[] = { "./ptyattach", "-v", "x", sock, 0 } ;
  char const *c10[] = { "./ptyattach", "-p", "-s", sock, 0 } ;
  char const *c11[] = { "./ptyattach", "", 0 } ;
  return usage_case(c1, u) && usage_case(c2, u) && usage_case(c3, u) && usage_case(c4, u)
    && usage_case(c5, "ptyattach: fatal: invalid -t: 12x: expected ")
    && usage_case(c6, "ptyattach: fatal: invalid -e: ab: expected ")
    && usage_case(c7, "ptyattach: fatal: invalid -e: ^1: expected ")
    && usage_case(c8, "ptyattach: fatal: invalid -u: abc: expected ")
    && usage_case(c9, "ptyattach: fatal: invalid -v: x: expected ")
    && usage_case(c10, "ptyattach: fatal: -p and -s")
    && usage_case(c11, "ptyattach: fatal: empty socket path") ;
}

static int t_attach_no_head (void)
{
  return attach_fails(attach_spawn(0, 0), sockmsg("unable to connect to a head at ", ": "), "ptyattach without a head") ;
}

static int t_attach_wait_timeout (void)
{
  char const *opts[] = { "-t", "300", 0 } ;
  tain start ;
  unsigned int ms ;
  h_start(&start) ;
  if (!attach_fails(attach_spawn(opts, 0), sockmsg("unable to connect to a head at ", " within 300 ms"), "ptyattach -t 300 without a head")) return 0 ;
  ms = h_since(&start) ;
  if (ms < 250) return FAIL("ptyattach -t 300 gave up after ", h_u(ms), " ms") ;
  return 1 ;
}

 /* ptyattach -s: the status line of a head with no program, then 0. */
static int attach_status_down (hproc *p, char const *what)
{
  if (!p || !exits(p, 0, what)) return 0 ;
  if (!h_expect(&p->outs, 0, " viewers, 0 bytes dropped\n", H_LONG) || strncmp(p->outs.s, "down ", 5))
    return FAIL(what, ": expected \"down N seconds, 0 viewers, 0 bytes dropped\", got ", h_show(&p->outs, 0)) ;
  return 1 ;
}

static int t_attach_wait_appears (void)
{
  char const *opts[] = { "-t", "3000", "-s", 0 } ;
  hproc *p = attach_spawn(opts, H_OUTPIPE) ;
  if (!p) return 0 ;
  h_sleep(500) ;
  if (p->done) return FAIL("ptyattach -t 3000 gave up before the head appeared: ", h_status(p), "; stderr: ", h_show(&p->errs, 0)) ;
  if (!h_head(sock, 0, headenv, 0, 37, 101)) return 0 ;
  return attach_status_down(p, "ptyattach -t 3000 -s when the head appears") ;
}

 /* Refused by the real head: its reason, word for word. */
static int t_attach_not_authorized (void)
{
  char const *hopts[] = { "-m", "0666", 0 } ;
  hhead *h ;
  int r = root_only() ;
  if (r <= 0) return r ;
  if (chmod(h_dir, 0755) < 0) return FAIL("harness: unable to chmod ", h_dir) ;
  h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  if (!h) return 0 ;
  return attach_fails(attach_spawn(0, H_NOBODY), sockmsg("ptyattach: fatal: head at ", " refused: not authorized"), "ptyattach as nobody on a root head") ;
}

static int t_attach_head_nobody_refused (void)
{
  hhead *h ;
  uid_t uid ;
  int r = root_only() ;
  if (r <= 0) return r ;
  h = nobody_head(&uid) ;
  if (!h) return 0 ;
  if (!attach_fails(attach_spawn(0, 0), sockmsg("ptyattach: fatal: refusing head at ", ": it runs as uid "), "ptyattach as root with a head run by nobody")) return 0 ;
  return hasnot(h->screen, 0, "refusing a client", "the head's warnings (ptyattach must not even send its request)") ;
}

 /* -u: ptyattach accepts a head run by that uid, and gets its status. */
static int t_attach_head_nobody_allowed (void)
{
  char uidfmt[UID_FMT] ;
  char const *opts[] = { "-s", "-u", uidfmt, 0 } ;
  hhead *h ;
  uid_t uid ;
  int r = root_only() ;
  if (r <= 0) return r ;
  h = nobody_head(&uid) ;
  if (!h) return 0 ;
  uidfmt[uid_fmt(uidfmt, uid)] = 0 ;
  return attach_status_down(attach_spawn(opts, H_OUTPIPE), "ptyattach -s -u with a head run by nobody") ;
}


 /* The real head: headless, the echo probe under ptyexec as its
    program, seen running (its report in ptyattach -p) before a viewer
    comes. */
static hhead *attach_head (char const *tag, hproc **pp)
{
  char const *hopts[] = { "-H", 0 } ;
  char const *popts[] = { "-p", 0 } ;
  char key[64] = "REPORT tag=" ;
  hhead *h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  tain d ;
  if (!h) return 0 ;
  *pp = probe(0, "echo", tag, execenv, 0) ;
  if (!*pp) return 0 ;
  strcat(key, tag) ;
  h_deadline(&d, H_LONG) ;
  while (!h_expired(&d))
  {
    hproc *a = attach_spawn(popts, H_OUTPIPE | H_INPIPE) ;
    if (!a || !h_wait(a, H_LONG)) return 0 ;
    if (h_find(&a->outs, 0, key) != (size_t)-1) return h ;
    h_sleep(50) ;
  }
  FAIL("the program's report never showed in ptyattach -p") ;
  return 0 ;
}

 /* ptyattach on a terminal: the program's report, from the replay. */
static hhead *attach_shown (char const *const *opts, char const *tag)
{
  hreport r ;
  hhead *v = attach_onterm(opts) ;
  if (!v) return 0 ;
  return h_report(v->screen, 0, tag, &r, H_LONG) ? v : 0 ;
}

 /* Attach, type, resize, detach: the terminal as it was, the program
    still there. With a passkey, that key reaches the program: ^\ kills
    the probe (SIGQUIT). */
static int attach_session (char const *const *opts, char const *detachkey, char const *passkey, int readonly)
{
  hproc *p ;
  hhead *v ;
  size_t from ;
  if (!attach_head("as", &p)) return 0 ;
  v = attach_shown(opts, "as") ;
  if (!v || !h_israw(v)) return 0 ;
  from = v->screen->len ;
  if (!readonly && !shows(v, 0, "WINCH 30 90", "the viewer's size, given to the program")) return 0 ;
  if (!h_type(v, "ab\r") || !h_resize(v, 20, 70)) return 0 ;
  if (readonly)
  {
    h_sleep(300) ;
    if (!hasnot(v->screen, from, "GOT ab", "a read-only viewer's keys") || !hasnot(v->screen, from, "WINCH 20 70", "a read-only viewer's size")) return 0 ;
  }
  else if (!shows(v, from, "GOT ab", "the viewer's keys") || !shows(v, from, "WINCH 20 70", "the viewer's new size")) return 0 ;
  if (passkey)
  {
    if (!h_type(v, passkey)) return 0 ;
    if (!readonly)
    {
      if (!h_wait(p, H_LONG) || h_signalled(p) != SIGQUIT) return FAIL("a key that is not the detach character (^\\) did not reach the program: ", h_status(p)) ;
      p = 0 ;
    }
  }
  if (!h_type(v, "x") || !h_type(v, detachkey) || !h_type(v, "y")) return 0 ;
  if (!exits(v->p, 0, "ptyattach after the detach character")) return 0 ;
  if (!h_restored(v, 0)) return 0 ;
  if (!shows(v, 0, "[detached]", "the viewer's terminal after the detach")) return 0 ;
  h_sleep(200) ;
  if (p && p->done) return FAIL("the program ended with the detach: ", h_status(p)) ;
  return 1 ;
}

static int t_attach_detach (void)
{
  return attach_session(0, "\034", 0, 0) ;
}

static int t_attach_detach_e (void)
{
  char const *opts[] = { "-e", "^a", 0 } ;
  return attach_session(opts, "\001", "\034", 0) ;
}

static int t_attach_detach_e_literal (void)
{
  char const *opts[] = { "-e", "q", 0 } ;
  return attach_session(opts, "q", "\034", 0) ;
}

static int t_attach_readonly (void)
{
  char const *opts[] = { "-r", 0 } ;
  return attach_session(opts, "\034", "\034", 1) ;
}

 /* The head goes: 111, "went away", the terminal as it was. -E: ^\ is a key. */
static int t_attach_head_gone (void)
{
  char const *opts[] = { "-E", 0 } ;
  hproc *p ;
  hhead *h = attach_head("hg", &p) ;
  hhead *v ;
  if (!h) return 0 ;
  v = attach_shown(opts, "hg") ;
  if (!v) return 0 ;
  if (!h_type(v, "\034")) return 0 ;
  if (!h_wait(p, H_LONG) || h_signalled(p) != SIGQUIT) return FAIL("-E: ^\\ did not reach the program as a key: ", h_status(p)) ;
  kill(h->p->pid, SIGTERM) ;
  if (!exits(v->p, 111, "ptyattach whose head went away")) return 0 ;
  if (!has(&v->p->errs, sockmsg("ptyattach: fatal: head at ", " went away"), "ptyattach's message")) return 0 ;
  return h_restored(v, 0) ;
}

 /* A stalled terminal (nobody reads it) under a flood never stops the detach key. */
static int t_attach_stalled_terminal (void)
{
  char const *hopts[] = { "-H", 0 } ;
  char const *prog[] = { "./ptysplit-probe", "floodecho", "8000000", "st", 0 } ;
  hhead *h = h_head(sock, hopts, headenv, 0, 37, 101) ;
  hhead *v ;
  if (!h || !h_ptyexec(sock, 0, prog, execenv, 0)) return 0 ;
  v = attach_onterm(0) ;
  if (!v) return 0 ;
  h_sleep(300) ;
  v->paused = 1 ;
  h_sleep(500) ;
  if (v->p->done) return FAIL("ptyattach died while its terminal stalled: ", h_status(v->p), "; ", h_show(&v->p->errs, 0)) ;
  if (!h_type(v, "\034")) return 0 ;
  if (!exits(v->p, 0, "ptyattach detached while its terminal does not read")) return 0 ;
  v->paused = 0 ;
  return h_restored(v, 0) ;
}

 /* SIGTERM: the terminal as it was, then death by SIGTERM. */
static int t_attach_sigterm (void)
{
  hproc *p ;
  hhead *v ;
  if (!attach_head("tt", &p)) return 0 ;
  v = attach_shown(0, "tt") ;
  if (!v || !h_israw(v)) return 0 ;
  kill(v->p->pid, SIGTERM) ;
  if (!h_wait(v->p, H_LONG)) return FAIL("ptyattach still runs 5 s after SIGTERM") ;
  if (h_signalled(v->p) != SIGTERM) return FAIL("ptyattach after SIGTERM: expected death by SIGTERM, got ", h_status(v->p)) ;
  return h_restored(v, 0) ;
}

 /* How many times text is in sa. */
static unsigned int count_of (stralloc const *sa, char const *text)
{
  unsigned int n = 0 ;
  size_t pos = 0 ;
  for (;;)
  {
    pos = h_find(sa, pos, text) ;
    if (pos == (size_t)-1) return n ;
    n++ ; pos++ ;
  }
}

 /* No terminal: keys from a pipe, no size; its EOF stops nothing. */
static int t_attach_stdin_eof (void)
{
  hproc *p ;
  hhead *h = attach_head("ie", &p) ;
  hproc *a ;
  size_t from ;
  if (!h) return 0 ;
  a = attach_spawn(0, H_INPIPE | H_OUTPIPE) ;
  if (!a) return 0 ;
  if (!h_expect(&a->outs, 0, "REPORT tag=ie ", H_LONG)) return FAIL("no replay on ptyattach's stdout: ", h_show(&a->outs, 0)) ;
  from = a->outs.len ;
  if (fd_write(a->in, "reload\n", 7) != 7) return FAIL("harness: unable to write to ptyattach's stdin") ;
  fd_close(a->in) ; a->in = -1 ;
  if (!h_expect(&a->outs, from, "GOT reload", H_LONG)) return FAIL("keys from a pipe: expected the program's answer on stdout, got ", h_show(&a->outs, from)) ;
  if (count_of(&a->outs, "WINCH ") != count_of(&a->outs, "WINCH 24 79") + count_of(&a->outs, "WINCH 24 80"))
    return FAIL("a viewer with no terminal changed the program's size (only the repaint's 24x79 and back may show): ", h_show(&a->outs, 0)) ;
  if (a->done) return FAIL("ptyattach stopped at its stdin's EOF: ", h_status(a)) ;
  kill(h->p->pid, SIGTERM) ;
  return exits(a, 111, "ptyattach whose head went away") ;
}

 /* -p: the program's text, no escape sequences; -s: the status line. */
static int t_attach_print (void)
{
  char const *opts[] = { "-p", 0 } ;
  hproc *p, *a ;
  if (!attach_head("pr", &p)) return 0 ;
  a = attach_spawn(opts, H_OUTPIPE | H_INPIPE) ;
  if (!a || !exits(a, 0, "ptyattach -p")) return 0 ;
  if (strncmp(a->outs.s, "REPORT tag=pr ", 14)) return FAIL("ptyattach -p: expected the program's report first, got ", h_show(&a->outs, 0)) ;
  if (memchr(a->outs.s, '\033', a->outs.len) || memchr(a->outs.s, '\r', a->outs.len)) return FAIL("ptyattach -p: escape sequences or CR in the text: ", h_show(&a->outs, 0)) ;
  return 1 ;
}

static int t_attach_status (void)
{
  char const *opts[] = { "-s", 0 } ;
  hproc *p, *a ;
  char want[64] = "up (pid " ;
  if (!attach_head("su", &p)) return 0 ;
  a = attach_spawn(opts, H_OUTPIPE | H_INPIPE) ;
  if (!a || !exits(a, 0, "ptyattach -s")) return 0 ;
  strcat(want, h_u(p->pid)) ;
  strcat(want, ") ") ;
  if (strncmp(a->outs.s, want, strlen(want)) || !h_expect(&a->outs, 0, ", program ./ptysplit-probe, 0 viewers, 0 bytes dropped\n", 0))
    return FAIL("ptyattach -s: expected \"", want, "N seconds, program ./ptysplit-probe, 0 viewers, 0 bytes dropped\", got ", h_show(&a->outs, 0)) ;
  return 1 ;
}


 /* The head, not ptyattach, enforces READONLY: a viewer that asks for
    it and sends keys and a size anyway changes nothing; a read-write
    viewer's keys and size reach the program. */
static int view_send (int fd, uint8_t flags, char const *keys, unsigned int rows, unsigned int cols)
{
  char buf[PTYSPLIT_REQUEST_MAX + 2 * PTYSPLIT_FRAME_MAX] ;
  size_t len = ptysplit_request_pack_flags(buf, getpid(), "rawviewer", flags) ;
  len += ptysplit_frame_pack_size(buf + len, rows, cols, 0, 0) ;
  len += ptysplit_frame_pack_keys(buf + len, keys, strlen(keys)) ;
  if (fd < 0) return 0 ;
  if (fd_write(fd, buf, len) != (ssize_t)len) return FAIL("harness: unable to write to the head: ", strerror(errno)) ;
  return 1 ;
}

static int t_view_readonly_enforced (void)
{
  hhead *h ; hproc *p ; hreport r ;
  int ro, rw ;
  size_t from ;
  if (!session(&h, &p, 0, 0, "echo", "vro", &r)) return 0 ;
  from = h->screen->len ;
  ro = h_connect(sock) ;
  if (!view_send(ro, PTYSPLIT_REQUEST_VIEW | PTYSPLIT_REQUEST_READONLY, "rokeys\r", 11, 22)) return 0 ;
  h_sleep(300) ;
  rw = h_connect(sock) ;
  if (!view_send(rw, PTYSPLIT_REQUEST_VIEW, "rwkeys\r", 13, 44)) return 0 ;
  if (!shows(h, from, "GOT rwkeys", "a read-write viewer's keys") || !shows(h, from, "WINCH 13 44", "a read-write viewer's size")) return 0 ;
  if (!hasnot(h->screen, from, "GOT rokeys", "a READONLY viewer's keys") || !hasnot(h->screen, from, "WINCH 11 22", "a READONLY viewer's size")) return 0 ;
  fd_close(ro) ; fd_close(rw) ;
  return quit(h, p) ;
}


 /* the run */

typedef struct test_s test, *test_ref ;
struct test_s
{
  char const *name ;
  int (*f) (void) ;
} ;

static test const tests[] =
{
  { .name = "size-and-term", .f = &t_size_term },
  { .name = "pixel-size", .f = &t_pixels },
  { .name = "term-ptyexec-T", .f = &t_term_exec_T },
  { .name = "term-ptyhead-T", .f = &t_term_head_T },
  { .name = "term-head-empty", .f = &t_term_head_empty },
  { .name = "term-head-unset", .f = &t_term_head_unset },
  { .name = "program-environment", .f = &t_program_env },
  { .name = "keys-reach-program", .f = &t_keys },
  { .name = "ctrl-c-interrupts", .f = &t_ctrl_c },
  { .name = "idle-keys-discarded", .f = &t_idle_keys },
  { .name = "terminal-raw-then-restored", .f = &t_restore },
  { .name = "terminal-restored-nonblock", .f = &t_restore_nonblock },
  { .name = "sigwinch-resize", .f = &t_winch },
  { .name = "input-backlog-no-stall", .f = &t_input_backlog },
  { .name = "five-successive-programs", .f = &t_successive },
  { .name = "no-head", .f = &t_no_head },
  { .name = "nothing-listening", .f = &t_not_listening },
  { .name = "wait-for-head", .f = &t_wait_appears },
  { .name = "wait-timeout", .f = &t_wait_timeout },
  { .name = "exec-missing", .f = &t_exec_missing },
  { .name = "exec-missing-in-path", .f = &t_exec_missing_path },
  { .name = "exec-not-executable", .f = &t_exec_noexec },
  { .name = "exec-path-and-args", .f = &t_exec_path_args },
  { .name = "busy", .f = &t_busy },
  { .name = "busy-retry", .f = &t_busy_retry },
  { .name = "replace-r", .f = &t_replace },
  { .name = "replace-r-log", .f = &t_replace_log },
  { .name = "replace-r-queued-output", .f = &t_replace_queued_output },
  { .name = "once-1", .f = &t_once },
  { .name = "readonly-R", .f = &t_readonly },
  { .name = "keep-stderr-E", .f = &t_keep_stderr },
  { .name = "stderr-on-pty", .f = &t_stderr_pty },
  { .name = "notty-head-size", .f = &t_notty_size },
  { .name = "notty-head-default-size", .f = &t_notty_default },
  { .name = "quiet-by-default", .f = &t_quiet },
  { .name = "verbose-v2", .f = &t_verbose },
  { .name = "readiness-d", .f = &t_ready },
  { .name = "readiness-d-bad-fd", .f = &t_ready_bad },
  { .name = "socket-live-head", .f = &t_socket_live },
  { .name = "socket-stale", .f = &t_socket_stale },
  { .name = "socket-regular-file", .f = &t_socket_file },
  { .name = "socket-directory", .f = &t_socket_dir },
  { .name = "socket-symlink", .f = &t_socket_symlink },
  { .name = "socket-mode", .f = &t_socket_mode },
  { .name = "socket-removed-at-exit", .f = &t_socket_removed },
  { .name = "socket-not-ours-kept", .f = &t_socket_not_ours },
  { .name = "head-sigterm", .f = &t_head_sigterm },
  { .name = "head-sigint", .f = &t_head_sigint },
  { .name = "head-sighup", .f = &t_head_sighup },
  { .name = "viewer-terminal-gone", .f = &t_viewer_gone },
  { .name = "viewer-terminal-gone-mid-output", .f = &t_viewer_gone_mid_output },
  { .name = "head-stdout-epipe", .f = &t_stdout_epipe },
  { .name = "head-job-control", .f = &t_job_control },
  { .name = "road-session-leader", .f = &t_road_session_leader },
  { .name = "road-group-leader", .f = &t_road_group_leader },
  { .name = "road-plain-child", .f = &t_road_plain },
  { .name = "usage-ptyexec", .f = &t_usage_ptyexec },
  { .name = "badvalue-ptyexec", .f = &t_badvalue_ptyexec },
  { .name = "usage-ptyhead", .f = &t_usage_ptyhead },
  { .name = "socket-path-too-long", .f = &t_path_too_long },
  { .name = "peer-client-nobody-refused", .f = &t_peer_client_refused },
  { .name = "peer-client-nobody-refused-fast-head", .f = &t_peer_client_refused_fast },
  { .name = "peer-client-nobody-allowed-u", .f = &t_peer_client_allowed },
  { .name = "peer-head-nobody-refused", .f = &t_peer_head_refused },
  { .name = "peer-head-nobody-allowed-u", .f = &t_peer_head_allowed },
  { .name = "handshake-silent-client-no-block", .f = &t_silent_client },
  { .name = "handshake-silent-client-dropped", .f = &t_silent_client_dropped },
  { .name = "handshake-many-silent-clients", .f = &t_many_silent_clients },
  { .name = "handshake-bad-requests", .f = &t_bad_requests },
  { .name = "handshake-foreign-without-fd", .f = &t_foreign_without_fd },
  { .name = "messages-raw-crlf", .f = &t_warning_raw_crlf },
  { .name = "waiting-line-and-title", .f = &t_waiting_and_title },
  { .name = "console-socket-client", .f = &t_console_socket },
  { .name = "console-from-another-devpts", .f = &t_console_other_devpts },
  { .name = "fake-head-split-answer", .f = &t_fake_head_accept },
  { .name = "fake-head-resize-after-answer", .f = &t_fake_head_resize_after_answer },
  { .name = "fake-head-refusal", .f = &t_fake_head_refusal },
  { .name = "fake-head-hangup", .f = &t_fake_head_hangup },
  { .name = "fake-head-junk-answer", .f = &t_fake_head_junk },
  { .name = "fake-head-wedged", .f = &t_fake_head_wedged },
  { .name = "large-output", .f = &t_large_output },
  { .name = "hostile-payloads", .f = &t_hostile_payloads },
  { .name = "flood-200-connections", .f = &t_flood_200 },
  { .name = "accept-out-of-fds", .f = &t_emfile },
  { .name = "client-dies-before-exec", .f = &t_client_dies_before_exec },
  { .name = "program-killed-mid-output", .f = &t_program_killed_mid_output },
  { .name = "head-killed-mid-session", .f = &t_head_killed },
  { .name = "stalled-viewer-backpressure", .f = &t_stalled_viewer },
  { .name = "stalled-viewer-drop-n", .f = &t_stalled_viewer_n },
  { .name = "attach-usage", .f = &t_attach_usage },
  { .name = "attach-no-head", .f = &t_attach_no_head },
  { .name = "attach-wait-timeout", .f = &t_attach_wait_timeout },
  { .name = "attach-wait-for-head", .f = &t_attach_wait_appears },
  { .name = "attach-nobody-not-authorized", .f = &t_attach_not_authorized },
  { .name = "attach-head-nobody-refused", .f = &t_attach_head_nobody_refused },
  { .name = "attach-head-nobody-allowed-u", .f = &t_attach_head_nobody_allowed },
  { .name = "attach-detach-restores", .f = &t_attach_detach },
  { .name = "attach-detach-e-caret", .f = &t_attach_detach_e },
  { .name = "attach-detach-e-literal", .f = &t_attach_detach_e_literal },
  { .name = "attach-readonly-r", .f = &t_attach_readonly },
  { .name = "attach-head-gone-E", .f = &t_attach_head_gone },
  { .name = "attach-stalled-terminal", .f = &t_attach_stalled_terminal },
  { .name = "attach-sigterm-restores", .f = &t_attach_sigterm },
  { .name = "attach-stdin-eof-keeps-showing", .f = &t_attach_stdin_eof },
  { .name = "attach-print-p", .f = &t_attach_print },
  { .name = "attach-status-s", .f = &t_attach_status },
  { .name = "stalled-viewer-drop-n-program-ends", .f = &t_stalled_viewer_n_program_ends },
  { .name = "view-readonly-enforced", .f = &t_view_readonly_enforced },
  { .name = 0, .f = 0 }
} ;

int main (int argc, char const *const *argv)
{
  test const *t = tests ;
  int failed = 0 ;
  PROG = "ptysplit-tests" ;
  h_init() ;
  if (access("./ptyexec", X_OK) < 0 || access("./ptyhead", X_OK) < 0 || access("./ptyattach", X_OK) < 0 || access("./ptysplit-probe", X_OK) < 0)
    strerr_dief1x(100, "run from the top of the tree, after make and make tests") ;
  for (; t->name ; t++)
  {
    int r ;
    if (argc > 1 && !strstr(t->name, argv[1])) continue ;
    r = h_begin(t->name) ;
    if (r > 0)
    {
      char const *path = h_path("sock") ;
      memcpy(sock, path, strlen(path) + 1) ;
      r = (*t->f)() ;
    }
    if (!h_end(t->name, r)) failed = 1 ;
  }
  return failed ;
}
