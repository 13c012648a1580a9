/* ISC license. */

#include <string.h>
#include <stdint.h>
#include <sys/uio.h>

#include <skalibs/cbuffer.h>
#include <skalibs/stralloc.h>

#include <ptysplit/textlog.h>

#include "ptyhead.h"

 /* The most recent PTYSPLIT_REPLAY_SIZE bytes of the program's output,
    across programs. Positions are absolute (bytes since the head
    started), so a viewer's position says at once whether what it still
    has to write is kept: the ring is every viewer's output queue. */

static char storage[PTYSPLIT_REPLAY_SIZE + 1] ;
static cbuffer ring = CBUFFER_INIT(storage, PTYSPLIT_REPLAY_SIZE + 1) ;
static uint64_t total = 0 ;

uint64_t replay_end (void)
{
  return total ;
}

uint64_t replay_start (void)
{
  return total - cbuffer_len(&ring) ;
}

void replay_put (char const *s, size_t len)
{
  size_t room ;
  if (len > PTYSPLIT_REPLAY_SIZE)
  {
    total += len - PTYSPLIT_REPLAY_SIZE ;
    s += len - PTYSPLIT_REPLAY_SIZE ;
    len = PTYSPLIT_REPLAY_SIZE ;
  }
  room = cbuffer_available(&ring) ;
  if (room < len) cbuffer_rseek(&ring, len - room) ;
  cbuffer_put(&ring, s, len) ;
  total += len ;
}

 /* v[0], v[1]: the kept bytes from pos, which is between start and end. */
void replay_peek (uint64_t pos, struct iovec *v)
{
  size_t skip = pos - replay_start() ;
  cbuffer_rpeek(&ring, v) ;
  if (skip >= v[0].iov_len)
  {
    skip -= v[0].iov_len ;
    v[0].iov_base = (char *)v[1].iov_base + skip ;
    v[0].iov_len = v[1].iov_len - skip ;
    v[1].iov_len = 0 ;
  }
  else
  {
    v[0].iov_base = (char *)v[0].iov_base + skip ;
    v[0].iov_len -= skip ;
  }
}

 /* The first line start at or after pos (clamped to what is kept):
    pos itself at the very beginning or right after a newline, else
    past the next newline. With no newline at all, pos: a screen-painting
    program's output has none, and its repaint follows anyway. */
uint64_t replay_linestart (uint64_t pos)
{
  struct iovec v[2] ;
  uint64_t from ;
  unsigned int i = 0 ;
  if (pos < replay_start()) pos = replay_start() ;
  if (!pos) return 0 ;
  from = pos > replay_start() ? pos - 1 : pos ;
  replay_peek(from, v) ;
  for (; i < 2 && v[i].iov_len ; i++)
  {
    char const *nl = memchr(v[i].iov_base, '\n', v[i].iov_len) ;
    if (nl) return from + (nl - (char const *)v[i].iov_base) + 1 ;
    from += v[i].iov_len ;
  }
  return pos ;
}

 /* What the screen holds, as plain text lines: for PRINT. */
int replay_text (stralloc *sa)
{
  ptysplit_textlog filter = PTYSPLIT_TEXTLOG_ZERO ;
  char out[PTYSPLIT_TEXTLOG_OUTMAX(4096)] ;
  struct iovec v[2] ;
  unsigned int i = 0 ;
  replay_peek(replay_linestart(replay_start()), v) ;
  for (; i < 2 && v[i].iov_len ; i++)
  {
    char const *s = v[i].iov_base ;
    size_t len = v[i].iov_len ;
    while (len)
    {
      size_t n = len < 4096 ? len : 4096 ;
      if (!stralloc_catb(sa, out, ptysplit_textlog_feed(&filter, s, n, out, sizeof(out)))) return 0 ;
      s += n ; len -= n ;
    }
  }
  return stralloc_catb(sa, out, ptysplit_textlog_flush(&filter, out, sizeof(out))) ;
}
