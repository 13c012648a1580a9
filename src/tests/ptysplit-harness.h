/* ISC license. */

#ifndef PTYSPLIT_HARNESS_H
#define PTYSPLIT_HARNESS_H

#include <stddef.h>
#include <sys/types.h>
#include <termios.h>

#include <skalibs/stralloc.h>
#include <skalibs/tai.h>

#include <ptysplit/protocol.h>

 /*
    The integration tests' harness: one temporary directory per test,
    children that are always killed and reaped, and waits that always
    have a deadline. A test returns 1 (pass), 0 (FAIL(...) said why) or
    -1 (SKIP(...) said why).
 */

#define H_LONG 5000                 /* ms: waits for what normally takes a few ms */

 /* spawn flags */
#define H_SETSID 0x0001             /* the child leads a new session */
#define H_SETPGID 0x0002            /* the child leads a new process group */
#define H_NOBODY 0x0004             /* the child runs as nobody */
#define H_INPIPE 0x0008             /* stdin is a pipe from the harness (else /dev/null) */
#define H_OUTPIPE 0x0010            /* stdout is a pipe to the harness (else /dev/null; a head: else its terminal) */
#define H_NOTTY 0x0020              /* head: stdin and stdout pipes instead of a terminal */
#define H_NULLIN 0x0040             /* head with H_NOTTY: stdin is /dev/null */
#define H_NONBLOCK 0x0080           /* head: its terminal starts with O_NONBLOCK */
#define H_NOTIFCHECK 0x0100         /* head: the notification fd must be closed right after the newline */
#define H_PIN 0x0200                /* the child runs on the harness's first CPU only */

typedef struct hproc_s hproc, *hproc_ref ;
struct hproc_s
{
  pid_t pid ;
  int wstat ;
  unsigned int done : 1 ;
  unsigned int used : 1 ;
  int in ;                          /* write end of its stdin, or -1 */
  int out ;                         /* read end of its stdout, or -1 */
  int err ;                         /* read end of its stderr, or -1 */
  stralloc outs ;
  stralloc errs ;
} ;

typedef struct hhead_s hhead, *hhead_ref ;
struct hhead_s
{
  hproc *p ;
  unsigned int used : 1 ;
  unsigned int istty : 1 ;
  unsigned int paused : 1 ;         /* the viewer stalls: nobody reads the master */
  int master ;                      /* the outer terminal's master: the screen and the keyboard */
  int client ;                      /* the outer client end: the head's own open file description */
  char ttyname[64] ;
  stralloc tty ;                    /* what the master gave */
  stralloc *screen ;                /* &tty, or &p->outs for a head without a terminal */
  struct termios before ;
  int flagsbefore ;
  char sock[256] ;
} ;

typedef struct hreport_s hreport, *hreport_ref ;
struct hreport_s
{
  char line[1024] ;
  size_t end ;                      /* where the report ends on the screen */
} ;

 /* messages */
extern int h_fail (char const *, ...) ;
extern int h_skip (char const *, ...) ;
#define FAIL(...) h_fail(__VA_ARGS__, (char const *)0)
#define SKIP(...) h_skip(__VA_ARGS__, (char const *)0)
extern char const *h_u (unsigned long) ;
extern char const *h_show (stralloc const *, size_t) ;
extern char const *h_showb (char const *, size_t) ;
extern char const *h_status (hproc const *) ;
extern char const *h_path (char const *) ;

 /* the run */
extern char h_dir[64] ;
extern void h_init (void) ;
extern int h_begin (char const *) ;
extern int h_end (char const *, int) ;

 /* time */
extern void h_deadline (tain *, unsigned int) ;
extern int h_expired (tain const *) ;
extern void h_start (tain *) ;
extern unsigned int h_since (tain const *) ;

 /* waiting */
 /* h_readable: 1 once the fd is readable or hung up, 0 at the deadline, -1 on error. */
extern int h_readable (int, tain const *) ;
extern void h_pump (unsigned int) ;
extern void h_sleep (unsigned int) ;
extern size_t h_find (stralloc const *, size_t, char const *) ;
extern int h_expect (stralloc const *, size_t, char const *, unsigned int) ;
extern int h_wait (hproc *, unsigned int) ;
extern int h_exitcode (hproc const *) ;
extern int h_signalled (hproc const *) ;
extern int h_eof (hproc *, unsigned int) ;

 /* processes */
 /* The environment is PATH (the harness's, unless given) and what is given. */
extern hproc *h_spawn (char const *const *, char const *const *, unsigned int) ;
extern hproc *h_ptyexec (char const *, char const *const *, char const *const *, char const *const *, unsigned int) ;
extern hhead *h_head (char const *, char const *const *, char const *const *, unsigned int, unsigned int, unsigned int) ;
extern hhead *h_onterm (char const *const *, char const *const *, unsigned int, unsigned int, unsigned int) ;
extern int h_nobody (uid_t *, gid_t *) ;
extern char const *h_copybin (char const *) ;
extern int h_fastpin (pid_t) ;

 /* the head's terminal */
extern int h_type (hhead *, char const *) ;
extern int h_resize (hhead *, unsigned int, unsigned int) ;
extern int h_termios_same (struct termios const *, struct termios const *, stralloc *) ;
extern int h_restored (hhead *, unsigned int) ;
extern int h_israw (hhead *) ;
extern int h_nfds (pid_t) ;
extern int h_nfds_back (hproc *, int, unsigned int) ;
extern unsigned long h_rss (pid_t) ;

 /* the probe's report */
extern int h_report (stralloc const *, size_t, char const *, hreport *, unsigned int) ;
extern char const *h_field (hreport const *, char const *) ;
extern int h_check (hreport const *, char const *, char const *) ;

 /* raw clients */
extern int h_connect (char const *) ;
extern int h_answer (int, ptysplit_answer *, unsigned int) ;
extern int h_stale (char const *) ;
extern int h_eof_fd (int, unsigned int) ;
 /* One sendmsg with up to H_RAWFDS_MAX fds: more than the library sends. */
#define H_RAWFDS_MAX 16
extern ssize_t h_sendfds_raw (int, char const *, size_t, int const *, unsigned int) ;

#endif
