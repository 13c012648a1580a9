/* ISC license. */

#include <skalibs/nonposix.h>
#include <string.h>
#include <stdlib.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>

#include <ptysplit/protocol.h>
#include <ptysplit/pty.h>
#include <ptysplit/fdpass.h>
#include <ptysplit/uidlist.h>

 /* Unit tests of the internal library: the wire format byte by byte, the
    decoders on every prefix and on bad input, fd passing, the PTY helpers,
    the uid list, and the fuzz target on seeded inputs.
    Prints PASS/FAIL lines for tools/run-tests.sh. */

#define FUZZ_ROUNDS 200000

extern int LLVMFuzzerTestOneInput (uint8_t const *, size_t) ;

static unsigned int failures = 0 ;

static void report (char const *name, char const *why)
{
  if (why)
  {
    failures++ ;
    buffer_puts(buffer_1, "FAIL: ") ;
    buffer_puts(buffer_1, name) ;
    buffer_puts(buffer_1, ": ") ;
    buffer_puts(buffer_1, why) ;
  }
  else
  {
    buffer_puts(buffer_1, "PASS: ") ;
    buffer_puts(buffer_1, name) ;
  }
  buffer_putsflush(buffer_1, "\n") ;
}

static unsigned int count_fds (void)
{
  unsigned int n = 0 ;
  DIR *dir = opendir("/proc/self/fd") ;
  if (!dir) return 0 ;
  while (readdir(dir)) n++ ;
  closedir(dir) ;
  return n ;
}


 /* the wire format */

static char const request_vi[] =
{
  'p', 't', 'y', 's', 'p', 'l', 'i', 't', 0x01, 0x00, 0x01, 0x02, 0x03, 0x04, 0x02, 'v', 'i'
} ;

static char const accept_xterm[] =
{
  'p', 't', 'y', 's', 'p', 'l', 'i', 't', 0x01, 'A', 0x00, 0x18, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x05, 'x', 't', 'e', 'r', 'm'
} ;

static char const refuse_busy[] =
{
  'p', 't', 'y', 's', 'p', 'l', 'i', 't', 0x01, 'R', 0x04, 'b', 'u', 's', 'y'
} ;

static char const *test_request_bytes (void)
{
  char buf[PTYSPLIT_REQUEST_MAX] ;
  size_t len = ptysplit_request_pack(buf, 0x01020304, "vi") ;
  if (len != sizeof(request_vi) || memcmp(buf, request_vi, len)) return "the request for pid 0x01020304 and \"vi\" is not the documented bytes" ;
  return 0 ;
}

static char const *test_answer_bytes (void)
{
  char buf[PTYSPLIT_ANSWER_MAX] ;
  size_t len = ptysplit_answer_pack_accept(buf, 24, 80, 0, 0, "xterm") ;
  if (len != sizeof(accept_xterm) || memcmp(buf, accept_xterm, len)) return "accept 24x80 xterm is not the documented bytes" ;
  len = ptysplit_answer_pack_refuse(buf, "busy") ;
  if (len != sizeof(refuse_busy) || memcmp(buf, refuse_busy, len)) return "refuse busy is not the documented bytes" ;
  return 0 ;
}

static char const *test_request_roundtrip (void)
{
  char name[PTYSPLIT_STRING_MAX + 2] ;
  char buf[PTYSPLIT_REQUEST_MAX] ;
  ptysplit_request req ;
  size_t used, len ;
  memset(name, 'n', sizeof(name) - 1) ;
  name[sizeof(name) - 1] = 0 ;
  len = ptysplit_request_pack(buf, 4242, "rtorrent") ;
  if (ptysplit_request_parse(buf, len, &req, &used) != PTYSPLIT_PARSE_COMPLETE) return "a packed request does not parse" ;
  if (used != len || req.pid != 4242 || strcmp(req.name, "rtorrent") || req.flags || req.version != PTYSPLIT_PROTOCOL_VERSION) return "fields differ after a round trip" ;
  len = ptysplit_request_pack(buf, 1, "") ;
  if (ptysplit_request_parse(buf, len, &req, &used) != PTYSPLIT_PARSE_COMPLETE || req.namelen || req.name[0]) return "an empty name does not round-trip" ;
  len = ptysplit_request_pack(buf, 1, name) ;
  if (len != PTYSPLIT_REQUEST_MAX) return "a name over 255 bytes is not truncated to 255" ;
  if (ptysplit_request_parse(buf, len, &req, &used) != PTYSPLIT_PARSE_COMPLETE || req.namelen != PTYSPLIT_STRING_MAX) return "a 255-byte name does not round-trip" ;
  return 0 ;
}

static char const *test_request_prefixes (void)
{
  ptysplit_request req ;
  size_t i, used ;
  for (i = 0 ; i < sizeof(request_vi) ; i++)
    if (ptysplit_request_parse(request_vi, i, &req, &used) != PTYSPLIT_PARSE_PARTIAL) return "a strict prefix of a request is not PARTIAL" ;
  return ptysplit_request_parse(request_vi, sizeof(request_vi), &req, &used) == PTYSPLIT_PARSE_COMPLETE ? 0 : "the whole request is not COMPLETE" ;
}

static char const *test_request_invalid (void)
{
  char buf[sizeof(request_vi) + 1] ;
  ptysplit_request req ;
  size_t used ;
  memcpy(buf, request_vi, sizeof(request_vi)) ;
  buf[sizeof(request_vi)] = 'x' ;
  if (ptysplit_request_parse(buf, sizeof(buf), &req, &used) != PTYSPLIT_PARSE_INVALID) return "a trailing byte is not INVALID" ;
  memcpy(buf, request_vi, sizeof(request_vi)) ;
  buf[PTYSPLIT_MAGIC_LEN] = 2 ;
  if (ptysplit_request_parse(buf, sizeof(request_vi), &req, &used) != PTYSPLIT_PARSE_INVALID) return "version 2 is not INVALID" ;
  memcpy(buf, request_vi, sizeof(request_vi)) ;
  buf[sizeof(request_vi) - 1] = 0 ;
  if (ptysplit_request_parse(buf, sizeof(request_vi), &req, &used) != PTYSPLIT_PARSE_INVALID) return "a NUL in the name is not INVALID" ;
  return 0 ;
}

static char const *test_foreign (void)
{
  static char const *const oci[] = { "/dev/ptmx", "/dev/pts/ptmx", " ", "ptysplix", "xptysplit", 0 } ;
  ptysplit_request req ;
  ptysplit_answer ans ;
  size_t used ;
  unsigned int i = 0 ;
  for (; oci[i] ; i++)
  {
    if (ptysplit_request_parse(oci[i], strlen(oci[i]), &req, &used) != PTYSPLIT_PARSE_FOREIGN) return "an OCI console payload (or a near miss of the magic) is not FOREIGN to the request parser" ;
    if (ptysplit_answer_parse(oci[i], strlen(oci[i]), &ans, &used) != PTYSPLIT_PARSE_FOREIGN) return "a foreign payload is not FOREIGN to the answer parser" ;
  }
  for (i = 1 ; i < PTYSPLIT_MAGIC_LEN ; i++)
    if (ptysplit_request_parse(PTYSPLIT_MAGIC, i, &req, &used) != PTYSPLIT_PARSE_PARTIAL) return "a prefix of the magic is not PARTIAL" ;
  return 0 ;
}

static char const *test_answer_roundtrip (void)
{
  char term[PTYSPLIT_STRING_MAX + 1] ;
  char buf[PTYSPLIT_ANSWER_MAX] ;
  ptysplit_answer ans ;
  size_t used, len ;
  memset(term, 't', PTYSPLIT_STRING_MAX) ;
  term[PTYSPLIT_STRING_MAX] = 0 ;
  len = ptysplit_answer_pack_accept(buf, 0x1234, 0x5678, 640, 480, term) ;
  if (len != PTYSPLIT_ANSWER_MAX) return "an accept with a 255-byte TERM is not the maximum size" ;
  if (ptysplit_answer_parse(buf, len, &ans, &used) != PTYSPLIT_PARSE_COMPLETE || used != len) return "an accept does not parse" ;
  if (!ans.accepted || ans.rows != 0x1234 || ans.cols != 0x5678 || ans.xpixel != 640 || ans.ypixel != 480 || strcmp(ans.text, term)) return "accept fields differ after a round trip" ;
  len = ptysplit_answer_pack_accept(buf, 24, 80, 0, 0, "") ;
  if (ptysplit_answer_parse(buf, len, &ans, &used) != PTYSPLIT_PARSE_COMPLETE || ans.textlen) return "an accept with an empty TERM does not round-trip" ;
  len = ptysplit_answer_pack_refuse(buf, "not authorized") ;
  if (ptysplit_answer_parse(buf, len, &ans, &used) != PTYSPLIT_PARSE_COMPLETE || ans.accepted || strcmp(ans.text, "not authorized")) return "a refusal does not round-trip" ;
  return 0 ;
}

static char const *test_answer_bad (void)
{
  char buf[sizeof(accept_xterm) + 1] ;
  ptysplit_answer ans ;
  size_t i, used ;
  for (i = 0 ; i < sizeof(accept_xterm) ; i++)
    if (ptysplit_answer_parse(accept_xterm, i, &ans, &used) != PTYSPLIT_PARSE_PARTIAL) return "a strict prefix of an answer is not PARTIAL" ;
  memcpy(buf, accept_xterm, sizeof(accept_xterm)) ;
  buf[sizeof(accept_xterm)] = 0 ;
  if (ptysplit_answer_parse(buf, sizeof(buf), &ans, &used) != PTYSPLIT_PARSE_INVALID) return "a trailing byte is not INVALID" ;
  buf[PTYSPLIT_MAGIC_LEN + 1] = 'X' ;
  if (ptysplit_answer_parse(buf, sizeof(accept_xterm), &ans, &used) != PTYSPLIT_PARSE_INVALID) return "an unknown status byte is not INVALID" ;
  return 0 ;
}


 /* fd passing */

static char const *test_fdpass (void)
{
  int sv[2], p[2], fds[PTYSPLIT_FDPASS_MAXFDS] ;
  unsigned int nfds ;
  char buf[16] ;
  ssize_t r ;
  char const *why = 0 ;
  if (ipc_pair_b(sv) < 0 || pipe(p) < 0) return "cannot make a socketpair and a pipe" ;
  r = ptysplit_recvfds(sv[1], buf, sizeof(buf), fds, &nfds) ;
  if (r >= 0 || errno != EAGAIN) { why = "nothing sent, but recvfds did not say EAGAIN" ; goto end ; }
  if (ptysplit_sendfds(sv[0], "ab", 2, p, 2) != 2) { why = "sendfds of two fds failed" ; goto end ; }
  r = ptysplit_recvfds(sv[1], buf, sizeof(buf), fds, &nfds) ;
  if (r != 2 || memcmp(buf, "ab", 2) || nfds != 2) { why = "two fds did not arrive with their payload" ; goto end ; }
  if (!(fcntl(fds[0], F_GETFD) & FD_CLOEXEC) || !(fcntl(fds[1], F_GETFD) & FD_CLOEXEC)) why = "received fds are not close-on-exec" ;
  else if (fd_write(fds[1], "z", 1) != 1 || fd_read(p[0], buf, 1) != 1 || buf[0] != 'z') why = "the received fd is not the pipe sent" ;
  ptysplit_closefds(fds, nfds) ;
  if (why) goto end ;
  if (ptysplit_sendfds(sv[0], "c", 1, 0, 0) != 1) { why = "sendfds without fds failed" ; goto end ; }
  r = ptysplit_recvfds(sv[1], buf, sizeof(buf), fds, &nfds) ;
  if (r != 1 || nfds) why = "a message without fds came with some" ;
 end:
  fd_close(sv[0]) ; fd_close(sv[1]) ; fd_close(p[0]) ; fd_close(p[1]) ;
  return why ;
}

 /* Sends 6 fds with raw sendmsg: the library sender refuses more than 4. */
static char const *test_fdpass_flood (void)
{
  int sv[2], fds[PTYSPLIT_FDPASS_MAXFDS] ;
  int six[6] = { 0, 1, 2, 0, 1, 2 } ;
  unsigned int before, nfds ;
  char buf[16] ;
  char const *why = 0 ;
  if (ipc_pair_b(sv) < 0) return "cannot make a socketpair" ;
  if (ptysplit_sendfds(sv[0], "x", 1, six, 6) >= 0 || errno != EINVAL) why = "sendfds accepted more fds than PTYSPLIT_FDPASS_MAXFDS" ;
  else
  {
    struct msghdr msg ;
    struct iovec v = { .iov_base = "x", .iov_len = 1 } ;
    union { struct cmsghdr h ; char buf[CMSG_SPACE(sizeof(six))] ; } ctl ;
    struct cmsghdr *c ;
    memset(&msg, 0, sizeof(msg)) ;
    memset(&ctl, 0, sizeof(ctl)) ;
    msg.msg_iov = &v ; msg.msg_iovlen = 1 ;
    msg.msg_control = ctl.buf ; msg.msg_controllen = sizeof(ctl.buf) ;
    c = CMSG_FIRSTHDR(&msg) ;
    c->cmsg_level = SOL_SOCKET ; c->cmsg_type = SCM_RIGHTS ; c->cmsg_len = CMSG_LEN(sizeof(six)) ;
    memcpy(CMSG_DATA(c), six, sizeof(six)) ;
    before = count_fds() ;
    if (sendmsg(sv[0], &msg, 0) != 1) why = "raw sendmsg of 6 fds failed" ;
    else if (ptysplit_recvfds(sv[1], buf, sizeof(buf), fds, &nfds) >= 0 || errno != EPROTO || nfds) why = "6 fds were not refused with EPROTO" ;
    else if (count_fds() != before) why = "refused fds were left open in the receiver" ;
  }
  fd_close(sv[0]) ; fd_close(sv[1]) ;
  return why ;
}


 /* PTY helpers */

static char const *test_pty (void)
{
  char name[PTYSPLIT_PTYNAME_MAX] ;
  struct winsize ws ;
  int p[2], t = -1, f = -1, s[2] = { -1, -1 } ;
  char const *why = 0 ;
  int m = ptysplit_pty_open(name, sizeof(name)) ;
  if (m < 0) return "ptysplit_pty_open failed" ;
  if (!(fcntl(m, F_GETFD) & FD_CLOEXEC)) why = "the master is not close-on-exec" ;
  else if (strncmp(name, "/dev/pts/", 9)) why = "the client end is not named /dev/pts/N" ;
  else if (ioctl(m, TIOCGWINSZ, &ws) < 0 || ws.ws_row != 24 || ws.ws_col != 80) why = "a new PTY is not 24x80" ;
  else if (ptysplit_pty_ismaster(m) != 1) why = "a master is not recognised" ;
  if (why) goto end ;
  t = open2(name, O_RDWR | O_NOCTTY | O_CLOEXEC) ;
  f = open2("/dev/null", O_RDWR | O_CLOEXEC) ;
  if (t < 0 || f < 0 || pipe(p) < 0 || ipc_pair_b(s) < 0) { why = "cannot open the test fds" ; goto end ; }
  if (ptysplit_pty_ismaster(t) != 0) why = "a PTY client end is taken for a master" ;
  else if (ptysplit_pty_ismaster(f) != 0) why = "/dev/null is taken for a master" ;
  else if (ptysplit_pty_ismaster(p[0]) != 0) why = "a pipe is taken for a master" ;
  else if (ptysplit_pty_ismaster(s[0]) != 0) why = "a socket is taken for a master" ;
  fd_close(p[0]) ; fd_close(p[1]) ;
 end:
  if (s[0] >= 0) { fd_close(s[0]) ; fd_close(s[1]) ; }
  if (t >= 0) fd_close(t) ;
  if (f >= 0) fd_close(f) ;
  fd_close(m) ;
  return why ;
}

static char const *test_regular_file_not_master (void)
{
  char path[] = "/tmp/ptysplit-unit.XXXXXX" ;
  int fd = mkstemp(path) ;
  int r ;
  if (fd < 0) return "cannot make a temporary file" ;
  unlink(path) ;
  r = ptysplit_pty_ismaster(fd) ;
  fd_close(fd) ;
  return r ? "a regular file is taken for a master" : 0 ;
}


 /* uid list */

static char const *test_uidlist (void)
{
  ptysplit_uidlist list = PTYSPLIT_UIDLIST_ZERO ;
  unsigned int i = 0 ;
  uid_t other = geteuid() == 4242 ? 4343 : 4242 ;
  if (!ptysplit_uidlist_allows(&list, 0) || !ptysplit_uidlist_allows(&list, geteuid())) return "root or the own euid is refused" ;
  if (ptysplit_uidlist_allows(&list, other)) return "an unlisted uid is allowed" ;
  if (ptysplit_uidlist_add(&list, "12x") || ptysplit_uidlist_add(&list, "") || ptysplit_uidlist_add(&list, "-1")) return "a bad uid string is accepted" ;
  if (!ptysplit_uidlist_add(&list, other == 4242 ? "4242" : "4343") || !ptysplit_uidlist_allows(&list, other)) return "a -u uid is not allowed" ;
  for (i = 1 ; i < PTYSPLIT_UIDLIST_MAX ; i++) if (!ptysplit_uidlist_add(&list, "7")) return "the list holds fewer than PTYSPLIT_UIDLIST_MAX uids" ;
  if (ptysplit_uidlist_add(&list, "8")) return "the list takes more than PTYSPLIT_UIDLIST_MAX uids" ;
  return 0 ;
}


 /* the fuzz target, on seeded inputs, in a child so that an abort is a FAIL */

static uint32_t rng = 0x2545f491 ;

static uint32_t next_random (void)
{
  rng ^= rng << 13 ; rng ^= rng >> 17 ; rng ^= rng << 5 ;
  return rng ;
}

static void fuzz_rounds (void)
{
  char seeds[4][PTYSPLIT_ANSWER_MAX] ;
  size_t seedlen[4] ;
  char buf[PTYSPLIT_ANSWER_MAX + 8] ;
  unsigned int i ;
  seedlen[0] = ptysplit_request_pack(seeds[0], 77, "vim") ;
  seedlen[1] = ptysplit_answer_pack_accept(seeds[1], 24, 80, 0, 0, "xterm-256color") ;
  seedlen[2] = ptysplit_answer_pack_refuse(seeds[2], "busy") ;
  memcpy(seeds[3], "/dev/pts/ptmx", 13) ; seedlen[3] = 13 ;
  for (i = 0 ; i < FUZZ_ROUNDS ; i++)
  {
    unsigned int which = next_random() & 3 ;
    size_t len = seedlen[which], j, flips = next_random() % 4 ;
    memcpy(buf, seeds[which], len) ;
    for (j = 0 ; j < flips ; j++) buf[next_random() % len] = next_random() ;
    if (next_random() & 1) len = next_random() % (len + 1) ;
    else if (!(next_random() & 7) && len < sizeof(buf)) buf[len++] = next_random() ;
    LLVMFuzzerTestOneInput((uint8_t const *)buf, len) ;
  }
}

static char const *test_fuzz (void)
{
  int wstat ;
  pid_t pid = fork() ;
  if (pid < 0) return "cannot fork" ;
  if (!pid) { fuzz_rounds() ; _exit(0) ; }
  if (waitpid(pid, &wstat, 0) < 0) return "cannot wait for the fuzzing child" ;
  return WIFEXITED(wstat) && !WEXITSTATUS(wstat) ? 0 : "an invariant of the decoders broke (the fuzz target aborted)" ;
}

typedef struct test_s test, *test_ref ;
struct test_s
{
  char const *name ;
  char const *(*f) (void) ;
} ;

static test const tests[] =
{
  { .name = "request-wire-bytes", .f = &test_request_bytes },
  { .name = "answer-wire-bytes", .f = &test_answer_bytes },
  { .name = "request-roundtrip", .f = &test_request_roundtrip },
  { .name = "request-prefixes-partial", .f = &test_request_prefixes },
  { .name = "request-invalid", .f = &test_request_invalid },
  { .name = "foreign-oci-payloads", .f = &test_foreign },
  { .name = "answer-roundtrip", .f = &test_answer_roundtrip },
  { .name = "answer-prefixes-and-invalid", .f = &test_answer_bad },
  { .name = "fdpass-socketpair", .f = &test_fdpass },
  { .name = "fdpass-too-many-fds", .f = &test_fdpass_flood },
  { .name = "pty-open-and-ismaster", .f = &test_pty },
  { .name = "pty-ismaster-regular-file", .f = &test_regular_file_not_master },
  { .name = "uidlist", .f = &test_uidlist },
  { .name = "fuzz-target-seeded", .f = &test_fuzz },
  { .name = 0, .f = 0 }
} ;

int main (void)
{
  test const *t = tests ;
  PROG = "ptysplit-unit" ;
  for (; t->name ; t++) report(t->name, (*t->f)()) ;
  return !!failures ;
}
