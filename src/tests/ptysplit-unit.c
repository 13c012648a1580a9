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
#include <sys/stat.h>
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
#include <ptysplit/textlog.h>

#include "ptysplit-harness.h"

 /* Unit tests of the internal library: the wire format byte by byte, the
    decoders on every prefix and on bad input, fd passing, the PTY helpers,
    the uid list, the text filter for logs, and the fuzz targets on seeded
    inputs.
    Prints PASS/FAIL lines for tools/run-tests.sh. */

#define FUZZ_ROUNDS 200000
#define FUZZ_TEXTLOG_ROUNDS 20000

extern int LLVMFuzzerTestOneInput (uint8_t const *, size_t) ;
extern int ptysplit_fuzz_textlog (uint8_t const *, size_t) ;

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


 /* viewers: the request flags and the frames */

static char const request_view_ro[] =
{
  'p', 't', 'y', 's', 'p', 'l', 'i', 't', 0x01, 0x06, 0x00, 0x00, 0x00, 0x2a, 0x09,
  'p', 't', 'y', 'a', 't', 't', 'a', 'c', 'h'
} ;

static char const frame_keys_ab[] = { 'K', 0x00, 0x02, 'a', 0x03 } ;

static char const frame_size_24x80[] = { 'W', 0x00, 0x08, 0x00, 0x18, 0x00, 0x50, 0x02, 0x80, 0x01, 0xe0 } ;

static char const *test_view_request_bytes (void)
{
  char buf[PTYSPLIT_REQUEST_MAX] ;
  ptysplit_request req ;
  size_t used ;
  size_t len = ptysplit_request_pack_flags(buf, 42, "ptyattach", PTYSPLIT_REQUEST_VIEW | PTYSPLIT_REQUEST_READONLY) ;
  if (len != sizeof(request_view_ro) || memcmp(buf, request_view_ro, len)) return "a read-only viewer's request is not the documented bytes" ;
  if (ptysplit_request_parse(buf, len, &req, &used) != PTYSPLIT_PARSE_COMPLETE || req.flags != 0x06) return "a viewer's request does not parse with its flags" ;
  if (PTYSPLIT_REQUEST_VIEW != 0x02 || PTYSPLIT_REQUEST_READONLY != 0x04 || PTYSPLIT_REQUEST_STATUS != 0x08 || PTYSPLIT_REQUEST_PRINT != 0x10)
    return "the request flags are not the documented bits" ;
  return 0 ;
}

static char const *test_frame_bytes (void)
{
  char buf[PTYSPLIT_FRAME_MAX] ;
  size_t len = ptysplit_frame_pack_keys(buf, "a\003", 2) ;
  if (len != sizeof(frame_keys_ab) || memcmp(buf, frame_keys_ab, len)) return "the keys frame for \"a^C\" is not the documented bytes" ;
  len = ptysplit_frame_pack_size(buf, 24, 80, 640, 480) ;
  if (len != sizeof(frame_size_24x80) || memcmp(buf, frame_size_24x80, len)) return "the size frame for 24x80, 640x480 is not the documented bytes" ;
  if (ptysplit_frame_pack_keys(buf, "x", 0)) return "no keys gave a frame" ;
  return 0 ;
}

static char const *test_frame_roundtrip (void)
{
  static char keys[PTYSPLIT_FRAME_PAYLOAD_MAX + 10] ;
  char buf[PTYSPLIT_FRAME_MAX + 1] ;
  ptysplit_frame f = PTYSPLIT_FRAME_ZERO ;
  size_t used, len ;
  unsigned int i = 0 ;
  for (; i < sizeof(keys) ; i++) keys[i] = i ;
  len = ptysplit_frame_pack_keys(buf, keys, sizeof(keys)) ;
  if (len != PTYSPLIT_FRAME_MAX) return "keys beyond 4096 are not left for the next frame" ;
  if (ptysplit_frame_parse(buf, len, &f, &used) != PTYSPLIT_PARSE_COMPLETE || used != len) return "a full keys frame does not parse" ;
  if (f.tag != 'K' || f.len != PTYSPLIT_FRAME_PAYLOAD_MAX || f.data != buf + 3 || memcmp(f.data, keys, f.len)) return "keys differ after a round trip" ;
  len = ptysplit_frame_pack_keys(buf, "\000", 1) ;
  if (ptysplit_frame_parse(buf, len, &f, &used) != PTYSPLIT_PARSE_COMPLETE || f.len != 1 || f.data[0]) return "a NUL key does not round-trip" ;
  len = ptysplit_frame_pack_size(buf, 0xffff, 1, 0, 0xfffe) ;
  if (ptysplit_frame_parse(buf, len, &f, &used) != PTYSPLIT_PARSE_COMPLETE || used != len) return "a size frame does not parse" ;
  if (f.tag != 'W' || f.len != 8 || f.rows != 0xffff || f.cols != 1 || f.xpixel || f.ypixel != 0xfffe) return "size fields differ after a round trip" ;
  buf[len] = 'K' ;
  if (ptysplit_frame_parse(buf, len + 1, &f, &used) != PTYSPLIT_PARSE_COMPLETE || used != len) return "a frame followed by the next one is not COMPLETE with its own length" ;
  return 0 ;
}

static char const *test_frame_prefixes (void)
{
  char buf[PTYSPLIT_FRAME_MAX] ;
  ptysplit_frame f ;
  size_t i, used, len ;
  for (i = 0 ; i < sizeof(frame_keys_ab) ; i++)
    if (ptysplit_frame_parse(frame_keys_ab, i, &f, &used) != PTYSPLIT_PARSE_PARTIAL) return "a strict prefix of a keys frame is not PARTIAL" ;
  for (i = 0 ; i < sizeof(frame_size_24x80) ; i++)
    if (ptysplit_frame_parse(frame_size_24x80, i, &f, &used) != PTYSPLIT_PARSE_PARTIAL) return "a strict prefix of a size frame is not PARTIAL" ;
  memset(buf, 'k', sizeof(buf)) ;
  len = ptysplit_frame_pack_keys(buf, buf + PTYSPLIT_FRAME_HEADER_LEN, PTYSPLIT_FRAME_PAYLOAD_MAX) ;
  for (i = 0 ; i < len ; i++)
    if (ptysplit_frame_parse(buf, i, &f, &used) != PTYSPLIT_PARSE_PARTIAL) return "a strict prefix of a 4096-key frame is not PARTIAL" ;
  return 0 ;
}

static char const *test_frame_invalid (void)
{
  static char const *const bad[] =
  {
    "X", "k\x00\x01" "a", "\x00", "R\x00\x00",
    "K\x00\x00", "K\x10\x01", "K\xff\xff",
    "W\x00\x07", "W\x00\x09", "W\x00\x00", "W\x01\x08",
    0
  } ;
  static size_t const badlen[] = { 1, 4, 1, 3, 3, 3, 3, 3, 3, 3, 3 } ;
  char buf[sizeof(frame_size_24x80)] ;
  ptysplit_frame f ;
  size_t used ;
  unsigned int i = 0 ;
  for (; bad[i] ; i++)
    if (ptysplit_frame_parse(bad[i], badlen[i], &f, &used) != PTYSPLIT_PARSE_INVALID) return "an unknown tag or a bad length is not INVALID" ;
  memcpy(buf, frame_size_24x80, sizeof(buf)) ;
  buf[3] = buf[4] = 0 ;
  if (ptysplit_frame_parse(buf, sizeof(buf), &f, &used) != PTYSPLIT_PARSE_INVALID) return "a size frame with 0 rows is not INVALID" ;
  memcpy(buf, frame_size_24x80, sizeof(buf)) ;
  buf[5] = buf[6] = 0 ;
  if (ptysplit_frame_parse(buf, sizeof(buf), &f, &used) != PTYSPLIT_PARSE_INVALID) return "a size frame with 0 columns is not INVALID" ;
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

 /* Sends 6 fds with the harness's raw sender: the library's refuses more than 4. */
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
    before = count_fds() ;
    if (h_sendfds_raw(sv[0], "x", 1, six, 6) != 1) why = "raw sendmsg of 6 fds failed" ;
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


 /* A full blocking pipe (a logger's, that the head cannot reopen): the
    write says EAGAIN instead of waiting (issue 14, defect 1); a terminal
    says EOPNOTSUPP, so the caller knows it cannot rely on it. If it ever
    blocked, the suite's time limit would fail it. */
static char const *test_write_nowait (void)
{
  char buf[4096] = { 0 } ;
  struct iovec v = { .iov_base = buf, .iov_len = sizeof(buf) } ;
  char const *why = 0 ;
  char name[PTYSPLIT_PTYNAME_MAX] ;
  int p[2], m ;
  unsigned int i = 0 ;
  if (pipe(p) < 0) return "cannot make a pipe" ;
  for (; i < 64 ; i++)
  {
    ssize_t r = ptysplit_write_nowait(p[1], &v, 1) ;
    if (r < 0) break ;
  }
  if (i == 64) why = "a full pipe kept taking writes" ;
  else if (errno != EAGAIN && errno != EOPNOTSUPP) why = "a full pipe gave neither EAGAIN nor EOPNOTSUPP" ;
  fd_close(p[0]) ; fd_close(p[1]) ;
  if (why) return why ;
  m = ptysplit_pty_open(name, sizeof(name)) ;
  if (m < 0) return "cannot open a PTY" ;
  if (ptysplit_write_nowait(m, &v, 1) >= 0 || errno != EOPNOTSUPP) why = "a terminal did not say EOPNOTSUPP" ;
  fd_close(m) ;
  return why ;
}

 /* A FIFO opened by name, blocking, which takes no RWF_NOWAIT (issue 14,
    defect 15): it is written while it has room, then EAGAIN, never a
    wait; and the bytes written are all there. */
static char const *test_write_nowait_fifo (void)
{
  char dir[] = "/tmp/ptysplit-unit-fifo.XXXXXX" ;
  char path[sizeof(dir) + 2] ;
  char buf[1000] ;
  struct iovec v = { .iov_base = buf, .iov_len = sizeof(buf) } ;
  char const *why = 0 ;
  size_t total = 0 ;
  int fd, queued ;
  unsigned int i = 0 ;
  memset(buf, 'f', sizeof(buf)) ;
  if (!mkdtemp(dir)) return "cannot make a temporary directory" ;
  memcpy(path, dir, sizeof(dir) - 1) ;
  memcpy(path + sizeof(dir) - 1, "/f", 3) ;
  if (mkfifo(path, 0600) < 0) { rmdir(dir) ; return "cannot make a FIFO" ; }
  fd = open2(path, O_RDWR | O_CLOEXEC) ;
  unlink(path) ;
  rmdir(dir) ;
  if (fd < 0) return "cannot open the FIFO" ;
  for (; i < 200 ; i++)
  {
    ssize_t r = ptysplit_write_nowait(fd, &v, 1) ;
    if (r < 0) break ;
    total += r ;
  }
  if (i == 200) why = "a full FIFO kept taking writes" ;
  else if (errno != EAGAIN) why = "a full FIFO did not say EAGAIN" ;
  else if (!i) why = "an empty FIFO took nothing" ;
  else if (ioctl(fd, FIONREAD, &queued) < 0 || (size_t)queued != total) why = "the FIFO does not hold what was written" ;
  fd_close(fd) ;
  return why ;
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



 /* the text filter for logs */

#define TEXTLOG_INMAX 16384

static char textlog_out[PTYSPLIT_TEXTLOG_OUTMAX(TEXTLOG_INMAX) + PTYSPLIT_TEXTLOG_LINEMAX + 1] ;
static char textlog_in[TEXTLOG_INMAX] ;

 /* Feeds s in chunks of chunk bytes (0: all at once), each with exactly
    the documented output room, then flushes if asked.
    Returns the length of the output, in textlog_out. */
static size_t textlog_run (char const *s, size_t len, size_t chunk, int flush)
{
  ptysplit_textlog st = PTYSPLIT_TEXTLOG_ZERO ;
  size_t w = 0, pos = 0 ;
  if (!chunk) chunk = len ? len : 1 ;
  while (pos < len)
  {
    size_t n = len - pos < chunk ? len - pos : chunk ;
    w += ptysplit_textlog_feed(&st, s + pos, n, textlog_out + w, PTYSPLIT_TEXTLOG_OUTMAX(n)) ;
    pos += n ;
  }
  if (flush) w += ptysplit_textlog_flush(&st, textlog_out + w, PTYSPLIT_TEXTLOG_LINEMAX + 1) ;
  return w ;
}

 /* 1 if in gives want, fed whole, byte by byte, and in 2, 3 and 7-byte chunks */
static int textlog_gives (char const *in, size_t inlen, char const *want, size_t wantlen)
{
  static size_t const chunks[5] = { 0, 1, 2, 3, 7 } ;
  unsigned int i = 0 ;
  if (inlen > TEXTLOG_INMAX) return 0 ;
  for (; i < 5 ; i++)
  {
    size_t w = textlog_run(in, inlen, chunks[i], 1) ;
    if (w != wantlen || memcmp(textlog_out, want, w)) return 0 ;
  }
  return 1 ;
}

#define GIVES(in, want) textlog_gives(in, sizeof(in) - 1, want, sizeof(want) - 1)

static char const *test_textlog_plain (void)
{
  if (!GIVES("hello world\nsecond line\n", "hello world\nsecond line\n")) return "plain text is not passed through" ;
  if (!GIVES("caf\xc3\xa9 \xe2\x9c\x93\tend\n\n", "caf\xc3\xa9 \xe2\x9c\x93\tend\n\n")) return "UTF-8, a TAB or an empty line is not passed through" ;
  if (!GIVES("", "")) return "no input gives some output" ;
  return 0 ;
}

static char const *test_textlog_crlf (void)
{
  if (!GIVES("one\r\ntwo\r\n\r\nthree\n", "one\ntwo\n\nthree\n")) return "CR LF does not become LF" ;
  return 0 ;
}

static char const *test_textlog_colours (void)
{
  if (!GIVES("\x1b[1;31mred\x1b[0m\n", "red\n")) return "\\e[1;31m or \\e[0m is not removed" ;
  if (!GIVES("\x1b[38;5;196ma\x1b[m \x1b[38:2::255:0:0mb\x1b[39;49m\n", "a b\n")) return "a 256-colour or truecolour SGR is not removed" ;
  return 0 ;
}

static char const *test_textlog_cursor (void)
{
  if (!GIVES("\x1b[H\x1b[2Jtop\x1b[10;5Hleft\x1b[3A\x1b[12Gx\n", "topleftx\n")) return "a cursor move or a screen clear is not removed" ;
  return 0 ;
}

static char const *test_textlog_osc (void)
{
  if (!GIVES("\x1b]0;my title\x07" "after\n", "after\n")) return "an OSC title ended by BEL is not removed" ;
  if (!GIVES("\x1b]2;caf\xc3\xa9\x1b\\after\n", "after\n")) return "an OSC title ended by ESC \\ is not removed" ;
  if (!GIVES("\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\\n", "link\n")) return "an OSC 8 hyperlink is not removed" ;
  if (!GIVES("\x1b]0;t\x18x\n", "x\n")) return "CAN does not abort an OSC" ;
  return 0 ;
}

static char const *test_textlog_strings (void)
{
  if (!GIVES("\x1bPq#0;2;0;0;0~-\x1b\\a\x1b_apc\x1b\\b\x1bXsos\x1b\\c\x1b^pm\x07\x1b\\d\n", "abcd\n")) return "a DCS, APC, SOS or PM is not removed" ;
  if (!GIVES("\x1bP1\n2\x1b\\z\n", "z\n")) return "an LF inside a DCS reaches the log" ;
  if (!GIVES("a\x1b(Bb\x1b" "7c\x1b" "8d\x1b#8e\x1b=f\x1b>g\x1b cG\n", "abcdefgG\n")) return "a two- or three-byte ESC sequence is not removed" ;
  return 0 ;
}

static char const *test_textlog_altscreen (void)
{
  if (!GIVES("\x1b[?1049hscreen\x1b[?1049l\x1b[?25l\x1b[?25h\x1b[?1h\x1b=\n", "screen\n")) return "an alternate screen or mode switch is not removed" ;
  return 0 ;
}

static char const *test_textlog_progress (void)
{
  if (!GIVES("10%\r20%\r30%\n", "30%\n")) return "a progress bar does not give its last state" ;
  if (!GIVES("100%\r5%\n", "5%0%\n")) return "CR does not overwrite like a terminal" ;
  if (!GIVES("[1/9] building foo.o\r\x1b[K[9/9] link\n", "[9/9] link\n")) return "CR and \\e[K do not replace the line" ;
  if (!GIVES("abcdef\x1b[2K\rok\n", "ok\n")) return "\\e[2K does not erase the line" ;
  if (!GIVES("abcdef\b\b\x1b[1K\n", "     f\n")) return "\\e[1K does not erase up to the cursor" ;
  if (!GIVES("abc\x1b[2Kx\n", "   x\n")) return "text after \\e[2K is not at the cursor column" ;
  if (!GIVES("ab\x1b[?2Kc\x1b[0;1Kd\n", "abcd\n")) return "a CSI K with a private marker or two parameters erases" ;
  if (!GIVES("abcd\b\b\x1b[10Kx\x1b[12Ky\n", "abxy\n")) return "CSI 10 K or CSI 12 K erases" ;
  return 0 ;
}

static char const *test_textlog_backspace (void)
{
  if (!GIVES("ab\bc\n", "ac\n")) return "BS does not move back one column" ;
  if (!GIVES("x\b\b\by\n", "y\n")) return "BS goes before column 0" ;
  if (!GIVES("_\bab\bb\n", "ab\n")) return "overstruck (man page) text is not resolved" ;
  return 0 ;
}

static char const *test_textlog_controls (void)
{
  if (!GIVES("a\x07" "b\x00\x63\x0e\x0f" "d\x7f" "e\x0b\x0c\x1a\tf\n", "abcde\tf\n")) return "a C0 control, BEL or DEL reaches the log" ;
  if (!GIVES("\x1b[1\n31mx\n", "\nx\n")) return "an LF inside a CSI does not act" ;
  return 0 ;
}

static char const *test_textlog_utf8 (void)
{
  if (!GIVES("\xff\xfe \xc3 x\xc3\n", "\xff\xfe \xc3 x\xc3\n")) return "invalid UTF-8 is not passed through" ;
  if (!GIVES("\x9b" "31mX\x9c\x90\x9d\n", "\x9b" "31mX\x9c\x90\x9d\n")) return "a C1 byte is interpreted" ;
  if (!GIVES("\x1b\xc3\xa9\x1b[1\xffm\n", "\xc3\xa9\xffm\n")) return "a byte >= 0x80 inside an ESC or CSI sequence is lost" ;
  return 0 ;
}

 /* A rich input cut at every point, and fed in chunks of every size */
static char const *test_textlog_splits (void)
{
  static char const in[] = "\x1b[1;31mred\x1b[0m\r\n\x1b]0;title \xc3\xa9\x07" "10%\r\x1b[K20%\n"
    "\x1b[?1049h\x1b[H\x1b[2Jscreen\x1b[10;5H\x1b[?1049l\x1bPq#0~\x1b\\x\x1b(B\b\by\x1b]2;t\x1b\\\xff\xc3\n\x1b[1" ;
  static char const want[] = "red\n20%\nscreey\xff\xc3\n" ;
  char whole[sizeof(want)] ;
  size_t wlen, i ;
  if (!GIVES(in, want)) return "the reference input does not give the reference output" ;
  wlen = textlog_run(in, sizeof(in) - 1, 0, 0) ;
  memcpy(whole, textlog_out, wlen) ;
  for (i = 1 ; i < sizeof(in) - 1 ; i++)
  {
    ptysplit_textlog st = PTYSPLIT_TEXTLOG_ZERO ;
    size_t w = ptysplit_textlog_feed(&st, in, i, textlog_out, sizeof(textlog_out)) ;
    w += ptysplit_textlog_feed(&st, in + i, sizeof(in) - 1 - i, textlog_out + w, sizeof(textlog_out) - w) ;
    if (w != wlen || memcmp(textlog_out, whole, w)) return "cutting the input in two changes the output" ;
  }
  for (i = 1 ; i < sizeof(in) ; i++)
    if (textlog_run(in, sizeof(in) - 1, i, 0) != wlen || memcmp(textlog_out, whole, wlen)) return "feeding in chunks of some size changes the output" ;
  return 0 ;
}

static char const *test_textlog_longline (void)
{
  size_t n = 2 * PTYSPLIT_TEXTLOG_LINEMAX + 100, w, i ;
  memset(textlog_in, 'x', n) ;
  textlog_in[n] = '\n' ;
  w = textlog_run(textlog_in, n + 1, 0, 1) ;
  if (w != n + 3) return "a line of 2 * LINEMAX + 100 bytes is not cut into 3 lines" ;
  for (i = 0 ; i < w ; i++)
  {
    char want = i == PTYSPLIT_TEXTLOG_LINEMAX || i == 2 * PTYSPLIT_TEXTLOG_LINEMAX + 1 || i == w - 1 ? '\n' : 'x' ;
    if (textlog_out[i] != want) return "a long line is not emitted as it is, with an LF every LINEMAX bytes" ;
  }
  w = textlog_run(textlog_in + n - PTYSPLIT_TEXTLOG_LINEMAX, PTYSPLIT_TEXTLOG_LINEMAX + 1, 1, 1) ;
  if (w != PTYSPLIT_TEXTLOG_LINEMAX + 1 || textlog_out[PTYSPLIT_TEXTLOG_LINEMAX] != '\n') return "a line of exactly LINEMAX bytes is cut" ;
  w = textlog_run(textlog_in, PTYSPLIT_TEXTLOG_LINEMAX + 1, 0, 1) ;
  if (w != PTYSPLIT_TEXTLOG_LINEMAX + 3 || textlog_out[PTYSPLIT_TEXTLOG_LINEMAX] != '\n' || textlog_out[w - 2] != 'x' || textlog_out[w - 1] != '\n') return "the flush of a long partial line is wrong" ;
  return 0 ;
}

static char const *test_textlog_flush (void)
{
  ptysplit_textlog st = PTYSPLIT_TEXTLOG_ZERO ;
  char buf[64] ;
  size_t w ;
  if (ptysplit_textlog_feed(&st, "partial", 7, buf, sizeof(buf))) return "a partial line is emitted before its LF" ;
  w = ptysplit_textlog_flush(&st, buf, sizeof(buf)) ;
  if (w != 8 || memcmp(buf, "partial\n", 8)) return "the flush does not emit the partial line and an LF" ;
  if (ptysplit_textlog_flush(&st, buf, sizeof(buf))) return "a second flush emits something" ;
  if (ptysplit_textlog_feed(&st, "done\r", 5, buf, sizeof(buf))) return "text before CR is emitted" ;
  w = ptysplit_textlog_flush(&st, buf, sizeof(buf)) ;
  if (w != 5 || memcmp(buf, "done\n", 5)) return "the flush after a CR loses the line" ;
  if (ptysplit_textlog_feed(&st, "x\x1b[3", 5, buf, sizeof(buf))) return "a partial line is emitted before its LF" ;
  w = ptysplit_textlog_flush(&st, buf, sizeof(buf)) ;
  if (w != 2 || memcmp(buf, "x\n", 2)) return "the flush during a CSI is wrong" ;
  w = ptysplit_textlog_feed(&st, "1mred\n", 6, buf, sizeof(buf)) ;
  if (w != 4 || memcmp(buf, "red\n", 4)) return "the flush loses the parser state" ;
  return 0 ;
}

static char const *test_textlog_bound (void)
{
  ptysplit_textlog st = PTYSPLIT_TEXTLOG_ZERO ;
  size_t n = 3 * PTYSPLIT_TEXTLOG_LINEMAX + 5, w, i ;
  memset(textlog_in, 'y', n) ;
  if (ptysplit_textlog_feed(&st, textlog_in, PTYSPLIT_TEXTLOG_LINEMAX, textlog_out, sizeof(textlog_out))) return "a full line is emitted before the next byte" ;
  w = ptysplit_textlog_feed(&st, textlog_in, n, textlog_out, sizeof(textlog_out)) ;
  if (w != 4 * (PTYSPLIT_TEXTLOG_LINEMAX + 1) || w > PTYSPLIT_TEXTLOG_OUTMAX(n)) return "the output of a long line with a full pending line is not as documented" ;
  st = (ptysplit_textlog)PTYSPLIT_TEXTLOG_ZERO ;
  ptysplit_textlog_feed(&st, textlog_in, PTYSPLIT_TEXTLOG_LINEMAX, textlog_out, sizeof(textlog_out)) ;
  memset(textlog_out, 0x5a, 200) ;
  w = ptysplit_textlog_feed(&st, textlog_in, n, textlog_out, 100) ;
  if (w != 100) return "a short output buffer is not filled" ;
  for (i = 100 ; i < 200 ; i++) if (textlog_out[i] != 0x5a) return "the filter writes past outmax" ;
  if (st.len > PTYSPLIT_TEXTLOG_LINEMAX || st.col > PTYSPLIT_TEXTLOG_LINEMAX) return "the line buffer grows past LINEMAX" ;
  return 0 ;
}

 /* the fuzz targets, on seeded inputs, in a child so that an abort is a FAIL */

static uint32_t rng = 0x2545f491 ;

static uint32_t next_random (void)
{
  rng ^= rng << 13 ; rng ^= rng >> 17 ; rng ^= rng << 5 ;
  return rng ;
}

static void fuzz_rounds (void)
{
  char seeds[6][PTYSPLIT_ANSWER_MAX] ;
  size_t seedlen[6] ;
  char buf[PTYSPLIT_ANSWER_MAX + 8] ;
  unsigned int i ;
  seedlen[0] = ptysplit_request_pack(seeds[0], 77, "vim") ;
  seedlen[1] = ptysplit_answer_pack_accept(seeds[1], 24, 80, 0, 0, "xterm-256color") ;
  seedlen[2] = ptysplit_answer_pack_refuse(seeds[2], "busy") ;
  memcpy(seeds[3], "/dev/pts/ptmx", 13) ; seedlen[3] = 13 ;
  seedlen[4] = ptysplit_frame_pack_keys(seeds[4], "ls -l\r", 6) ;
  seedlen[4] += ptysplit_frame_pack_size(seeds[4] + seedlen[4], 24, 80, 0, 0) ;
  seedlen[5] = ptysplit_request_pack_flags(seeds[5], 42, "ptyattach", PTYSPLIT_REQUEST_VIEW) ;
  for (i = 0 ; i < FUZZ_ROUNDS ; i++)
  {
    unsigned int which = next_random() % 6 ;
    size_t len = seedlen[which], j, flips = next_random() % 4 ;
    memcpy(buf, seeds[which], len) ;
    for (j = 0 ; j < flips ; j++) buf[next_random() % len] = next_random() ;
    if (next_random() & 1) len = next_random() % (len + 1) ;
    else if (!(next_random() & 7) && len < sizeof(buf)) buf[len++] = next_random() ;
    LLVMFuzzerTestOneInput((uint8_t const *)buf, len) ;
  }
}

static void fuzz_textlog_rounds (void)
{
  static char const *const seeds[] =
  {
    "\x1b[1;31mred\x1b[0m and \x1b[38;5;2mgreen\x1b[m\r\n",
    "10%\r20%\r\x1b[K30%\r\x1b[2Kdone\n",
    "\x1b]0;caf\xc3\xa9\x07\x1b]2;t\x1b\\\x1b]8;;http://x/\x1b\\l\x1b]8;;\x1b\\\n",
    "\x1b[?1049h\x1b[H\x1b[2J\x1b[10;5Hvi\x1b[?25l\x1b(B\x1b" "7\x1b" "8\x1b[?1049l",
    "\x1bPq#0;2;0;0;0~-\x1b\\\x1b_apc\x1b\\\x1bXs\x18\x1b^p\x1a",
    "_\bab\bb\t\xff\xfe\xc3\x9b" "31m\x1b\xc3\xa9\x00\x7f\n",
    0
  } ;
  char buf[3 * PTYSPLIT_TEXTLOG_LINEMAX] ;
  unsigned int i ;
  for (i = 0 ; i < FUZZ_TEXTLOG_ROUNDS ; i++)
  {
    size_t len = 0, j, flips ;
    unsigned int k = 1 + next_random() % 3 ;
    while (k--)
    {
      char const *seed = seeds[next_random() % 6] ;
      size_t n = strlen(seed) ;
      if (len + n > sizeof(buf)) break ;
      memcpy(buf + len, seed, n) ;
      len += n ;
    }
    if (!(next_random() & 63))
    {
      size_t n = next_random() % (sizeof(buf) - len + 1) ;
      memset(buf + len, next_random() & 1 ? 'x' : '\r', n) ;
      len += n ;
    }
    flips = next_random() % 8 ;
    for (j = 0 ; j < flips && len ; j++) buf[next_random() % len] = next_random() ;
    if (next_random() & 1) len = next_random() % (len + 1) ;
    ptysplit_fuzz_textlog((uint8_t const *)buf, len) ;
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

static char const *test_fuzz_textlog (void)
{
  int wstat ;
  pid_t pid = fork() ;
  if (pid < 0) return "cannot fork" ;
  if (!pid) { fuzz_textlog_rounds() ; _exit(0) ; }
  if (waitpid(pid, &wstat, 0) < 0) return "cannot wait for the fuzzing child" ;
  return WIFEXITED(wstat) && !WEXITSTATUS(wstat) ? 0 : "an invariant of the text filter broke (its fuzz target aborted)" ;
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
  { .name = "view-request-wire-bytes", .f = &test_view_request_bytes },
  { .name = "frame-wire-bytes", .f = &test_frame_bytes },
  { .name = "frame-roundtrip", .f = &test_frame_roundtrip },
  { .name = "frame-prefixes-partial", .f = &test_frame_prefixes },
  { .name = "frame-invalid", .f = &test_frame_invalid },
  { .name = "fdpass-socketpair", .f = &test_fdpass },
  { .name = "fdpass-too-many-fds", .f = &test_fdpass_flood },
  { .name = "pty-open-and-ismaster", .f = &test_pty },
  { .name = "pty-ismaster-regular-file", .f = &test_regular_file_not_master },
  { .name = "write-nowait", .f = &test_write_nowait },
  { .name = "write-nowait-fifo", .f = &test_write_nowait_fifo },
  { .name = "uidlist", .f = &test_uidlist },
  { .name = "textlog-plain", .f = &test_textlog_plain },
  { .name = "textlog-crlf", .f = &test_textlog_crlf },
  { .name = "textlog-colours", .f = &test_textlog_colours },
  { .name = "textlog-cursor-moves", .f = &test_textlog_cursor },
  { .name = "textlog-osc-titles", .f = &test_textlog_osc },
  { .name = "textlog-dcs-apc-and-esc", .f = &test_textlog_strings },
  { .name = "textlog-alternate-screen", .f = &test_textlog_altscreen },
  { .name = "textlog-progress-cr-and-erase", .f = &test_textlog_progress },
  { .name = "textlog-backspace", .f = &test_textlog_backspace },
  { .name = "textlog-controls-dropped", .f = &test_textlog_controls },
  { .name = "textlog-invalid-utf8", .f = &test_textlog_utf8 },
  { .name = "textlog-chunk-boundaries", .f = &test_textlog_splits },
  { .name = "textlog-long-line", .f = &test_textlog_longline },
  { .name = "textlog-flush", .f = &test_textlog_flush },
  { .name = "textlog-output-bound", .f = &test_textlog_bound },
  { .name = "fuzz-target-seeded", .f = &test_fuzz },
  { .name = "fuzz-textlog-seeded", .f = &test_fuzz_textlog },
  { .name = 0, .f = 0 }
} ;

int main (void)
{
  test const *t = tests ;
  PROG = "ptysplit-unit" ;
  for (; t->name ; t++) report(t->name, (*t->f)()) ;
  return !!failures ;
}
