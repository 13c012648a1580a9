/* ISC license. */

 /*
    The program that every head runs in the benchmark. It speaks to the
    driver on two paths: its terminal (through the head under test) and a
    FIFO that bypasses every head, so that "I am running" and "I am done"
    never depend on how a head draws the screen.

      ptysplit-bench-prog stream fifo id file
        reads file into memory, waits for a G on its terminal, says
        "s id pid" on the fifo, writes the file to its terminal in cat's
        chunks, says "d id" on the fifo, then waits for a Q.
      ptysplit-bench-prog flood fifo id file
        the same as stream, but at once, without waiting for a G: for a
        headless head, which no terminal types into.
      ptysplit-bench-prog echo fifo id
        waits for a G, says "s id pid", throws away what was typed so far,
        writes # (the driver's cue that the echo starts), then writes back
        every byte it reads, until a Q.

    The terminal is made raw first: every head then carries the same bytes
    (no CR added to each LF, no echo by the line discipline), whatever
    termios the head gives a new PTY.
 */

#include <skalibs/nonposix.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <termios.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>

#define USAGE "ptysplit-bench-prog stream|flood fifo id file | echo fifo id"
#define dieusage() strerr_dieusage(100, USAGE)

 /* cat's own buffer size, so that the program side costs what cat costs. */
#define CHUNK 131072

static char buf[CHUNK] ;

static void make_raw (void)
{
  struct termios t ;
  if (tcgetattr(0, &t) < 0) strerr_diefu1sys(111, "tcgetattr stdin") ;
  cfmakeraw(&t) ;
  t.c_cc[VMIN] = 1 ;
  t.c_cc[VTIME] = 0 ;
  if (tcsetattr(0, TCSANOW, &t) < 0) strerr_diefu1sys(111, "tcsetattr stdin") ;
}

 /* Reads the terminal until the byte c shows up; other bytes are stale. */
static void wait_for (char c)
{
  for (;;)
  {
    ssize_t r = fd_read(0, buf, 256) ;
    if (r <= 0) strerr_diefu1sys(111, "read stdin") ;
    if (memchr(buf, c, r)) return ;
  }
}

 /* One write of less than PIPE_BUF: lines from many programs never mix. */
static void tell (int fifo, char what, char const *id, int withpid)
{
  char line[64] ;
  size_t len = 0 ;
  line[len++] = what ;
  line[len++] = ' ' ;
  len += strlen(strcpy(line + len, id)) ;
  if (withpid)
  {
    line[len++] = ' ' ;
    len += pid_fmt(line + len, getpid()) ;
  }
  line[len++] = '\n' ;
  if (allwrite(fifo, line, len) < len) strerr_diefu1sys(111, "write to the fifo") ;
}

/* The file is read before the clock starts: the page cache of this
    machine can be reclaimed at any time (no swap, so anonymous memory
    cannot), and a stream that sometimes comes from the disk would
    measure the disk. */
static void stream (int fifo, char const *id, char const *file, int go)
{
  struct stat st ;
  char *data ;
  size_t len, pos = 0 ;
  int fd = open_readb(file) ;
  if (fd < 0 || fstat(fd, &st) < 0) strerr_diefu2sys(111, "open ", file) ;
  len = st.st_size ;
  data = malloc(len + 1) ;
  if (!data) strerr_diefu1sys(111, "allocate the file's size") ;
  if (allread(fd, data, len) < len) strerr_diefu2sys(111, "read ", file) ;
  fd_close(fd) ;
  if (!go) wait_for('G') ;
  tell(fifo, 's', id, 1) ;
  while (pos < len)
  {
    size_t n = len - pos < CHUNK ? len - pos : CHUNK ;
    if (allwrite(1, data + pos, n) < n) strerr_diefu1sys(111, "write stdout") ;
    pos += n ;
  }
  tell(fifo, 'd', id, 0) ;
  wait_for('Q') ;
}

static void echo (int fifo, char const *id)
{
  wait_for('G') ;
  tell(fifo, 's', id, 1) ;
   /* Gs still on their way through the head must not be echoed. */
  usleep(50000) ;
  tcflush(0, TCIFLUSH) ;
  if (fd_write(1, "#", 1) < 1) strerr_diefu1sys(111, "write stdout") ;
  for (;;)
  {
    ssize_t r = fd_read(0, buf, 256) ;
    if (r <= 0) strerr_diefu1sys(111, "read stdin") ;
    if (memchr(buf, 'Q', r)) return ;
    if (allwrite(1, buf, r) < (size_t)r) strerr_diefu1sys(111, "write stdout") ;
  }
}

int main (int argc, char const *const *argv)
{
  int fifo ;
  PROG = "ptysplit-bench-prog" ;
  if (argc < 4 || strlen(argv[3]) > 40) dieusage() ;
  fifo = open_write(argv[2]) ;
  if (fifo < 0) strerr_diefu2sys(111, "open ", argv[2]) ;
  ndelay_off(fifo) ;
  make_raw() ;
  if (!strcmp(argv[1], "stream") && argc >= 5) stream(fifo, argv[3], argv[4], 0) ;
  else if (!strcmp(argv[1], "flood") && argc >= 5) stream(fifo, argv[3], argv[4], 1) ;
  else if (!strcmp(argv[1], "echo")) echo(fifo, argv[3]) ;
  else dieusage() ;
  return 0 ;
}
