/* ISC license. */

#include <string.h>
#include <stdlib.h>
#include <limits.h>
#include <fcntl.h>

#include <skalibs/gccattributes.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/socket.h>

#include <ptysplit/protocol.h>
#include <ptysplit/pty.h>
#include <ptysplit/uidlist.h>

#include "ptysplit-usage.h"
#include "ptyhead.h"

#define USAGE "ptyhead [ -1 ] [ -H ] [ -n ] [ -r ] [ -R ] [ -d notif ] [ -F fdholder ] [ -m mode ] [ -s ROWSxCOLS ] [ -T term ] [ -t timeout ] [ -u uid ] [ -v verbosity ] socket"
#define dieusage() strerr_dieusage(100, USAGE)

options opt = { .once = 0, .replace = 0, .readonly = 0, .dropping = 0, .headless = 0, .mode = 0600, .rows = PTYSPLIT_DEFAULT_ROWS, .cols = PTYSPLIT_DEFAULT_COLS, .timeout = 2000, .notif = -1, .term = 0, .holder = 0, .uids = PTYSPLIT_UIDLIST_ZERO } ;
unsigned int verbosity = 1 ;
char const *sockpath ;

static int parse_size (char const *s, unsigned int *rows, unsigned int *cols)
{
  size_t pos = uint_scan(s, rows) ;
  if (!pos || s[pos] != 'x' || !uint0_scan(s + pos + 1, cols)) return 0 ;
  return *rows && *cols && *rows <= 0xffff && *cols <= 0xffff ;
}

 /* 0 is no timeout; past INT_MAX ms, tain_from_millisecs cannot take it. */
static int parse_timeout (char const *s)
{
  if (!uint0_scan(s, &opt.timeout) || opt.timeout > INT_MAX) return 0 ;
  if (!opt.timeout) { opt.handshake = tain_infinite_relative ; return 1 ; }
  return tain_from_millisecs(&opt.handshake, opt.timeout) ;
}

static void dieinvalid (int, char const *, char const *) gccattr_noreturn ;
static void dieinvalid (int c, char const *arg, char const *expected)
{
  char o[2] = { (char)c, 0 } ;
  ptysplit_dieinvalid(o, arg, expected) ;
}

static void parse_options (int *argc, char const *const **argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (;;)
  {
    unsigned int fd ;
    int c = subgetopt_r(*argc, *argv, "1HnrRd:F:m:s:T:t:u:v:", &l) ;
    if (c == -1) break ;
    switch (c)
    {
      case '1' : opt.once = 1 ; break ;
      case 'H' : opt.headless = 1 ; break ;
      case 'n' : opt.dropping = 1 ; break ;
      case 'r' : opt.replace = 1 ; break ;
      case 'R' : opt.readonly = 1 ; break ;
      case 'd' : if (!uint0_scan(l.arg, &fd) || fd > INT_MAX) dieinvalid(c, l.arg, "a file descriptor number") ; opt.notif = fd ; break ;
      case 'F' : opt.holder = l.arg ; break ;
      case 'm' : if (!uint0_oscan(l.arg, &opt.mode) || opt.mode > 0777) dieinvalid(c, l.arg, "an octal mode, 0 to 0777") ; break ;
      case 's' : if (!parse_size(l.arg, &opt.rows, &opt.cols)) dieinvalid(c, l.arg, "ROWSxCOLS, each 1 to 65535") ; break ;
      case 'T' : if (strlen(l.arg) > PTYSPLIT_STRING_MAX) dieinvalid(c, l.arg, "a terminal type of at most 255 bytes") ; opt.term = l.arg ; break ;
      case 't' : if (!parse_timeout(l.arg)) dieinvalid(c, l.arg, "milliseconds, 0 (none) to 2147483647") ; break ;
      case 'u' : if (!ptysplit_uidlist_add(&opt.uids, l.arg)) dieinvalid(c, l.arg, opt.uids.n >= PTYSPLIT_UIDLIST_MAX ? PTYSPLIT_EXPECT_UIDS : PTYSPLIT_EXPECT_UID) ; break ;
      case 'v' : if (!uint0_scan(l.arg, &verbosity)) dieinvalid(c, l.arg, PTYSPLIT_EXPECT_VERBOSITY) ; break ;
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

 /* Everything the command line says, checked: bad input dies 100,
    naming what was wrong. */
void options_parse (int argc, char const *const *argv)
{
  parse_timeout("2000") ;
  parse_options(&argc, &argv) ;
  if (argc < 1) dieusage() ;
  sockpath = argv[0] ;
  ptysplit_sockpath_check(sockpath) ;
  check_notif() ;
  choose_term() ;
}
