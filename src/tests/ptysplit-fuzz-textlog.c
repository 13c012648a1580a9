/* ISC license. */

#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include <skalibs/gccattributes.h>

#include <ptysplit/textlog.h>

 /* The libFuzzer target for the text filter. The input is fed whole, then
    in chunks of sizes drawn from a hash of the input, then into a too
    small output buffer; the outputs must agree, stay within the documented
    bounds and hold no ESC or dropped control; filtering the output again
    must give it back. Any broken invariant aborts.
    ptysplit-unit calls ptysplit_fuzz_textlog() with seeded inputs. The
    LLVMFuzzerTestOneInput here is weak, so that the one of
    ptysplit-fuzz-target.c wins when both are linked into ptysplit-unit. */

#define INMAX 65536
#define BUFMAX (PTYSPLIT_TEXTLOG_OUTMAX(INMAX) + PTYSPLIT_TEXTLOG_LINEMAX + 1)

extern int ptysplit_fuzz_textlog (uint8_t const *, size_t) ;
extern int LLVMFuzzerTestOneInput (uint8_t const *, size_t) gccattr_weak ;

static ptysplit_textlog st_whole, st_chunked, st_small, st_again ;
static char out_whole[BUFMAX] ;
static char out_chunked[BUFMAX] ;
static char out_small[BUFMAX] ;
static char out_again[BUFMAX] ;

static void check_state (ptysplit_textlog const *st)
{
  if (st->len > PTYSPLIT_TEXTLOG_LINEMAX || st->col > PTYSPLIT_TEXTLOG_LINEMAX) abort() ;
  if (st->state > 5 || st->arg > 29 || st->plain > 1) abort() ;
}

static void check_text (char const *s, size_t n)
{
  size_t i = 0, linelen = 0 ;
  for (; i < n ; i++)
  {
    unsigned char c = s[i] ;
    if (c == '\n') { linelen = 0 ; continue ; }
    if ((c < 0x20 && c != '\t') || c == 0x7f) abort() ;
    if (++linelen > PTYSPLIT_TEXTLOG_LINEMAX) abort() ;
  }
}

static int same_state (ptysplit_textlog const *a, ptysplit_textlog const *b)
{
  return a->state == b->state && a->len == b->len && a->col == b->col
    && (a->state != 3 || (a->arg == b->arg && a->plain == b->plain))
    && !memcmp(a->line, b->line, a->len) ;
}

static uint32_t hash (uint8_t const *data, size_t size)
{
  uint32_t h = 2166136261u ;
  size_t i = 0 ;
  for (; i < size ; i++) { h ^= data[i] ; h *= 16777619u ; }
  return h ? h : 1 ;
}

static uint32_t next (uint32_t *x)
{
  *x ^= *x << 13 ; *x ^= *x >> 17 ; *x ^= *x << 5 ;
  return *x ;
}

int ptysplit_fuzz_textlog (uint8_t const *data, size_t size)
{
  static ptysplit_textlog const zero = PTYSPLIT_TEXTLOG_ZERO ;
  char const *s = (char const *)data ;
  uint32_t rng ;
  size_t whole, chunked = 0, small, smallmax, again, pos = 0, n ;
  if (size > INMAX) size = INMAX ;
  rng = hash(data, size) ;

 /* whole */
  st_whole = zero ;
  whole = ptysplit_textlog_feed(&st_whole, s, size, out_whole, BUFMAX) ;
  if (whole > PTYSPLIT_TEXTLOG_OUTMAX(size)) abort() ;
  check_state(&st_whole) ;

 /* in chunks, 0-length ones included */
  st_chunked = zero ;
  while (pos < size)
  {
    uint32_t r = next(&rng) ;
    size_t len = r & 0x300 ? r % 8 : r % 4097 ;
    if (len > size - pos) len = size - pos ;
    n = ptysplit_textlog_feed(&st_chunked, s + pos, len, out_chunked + chunked, BUFMAX - chunked) ;
    if (n > PTYSPLIT_TEXTLOG_OUTMAX(len)) abort() ;
    if (memchr(out_chunked + chunked, 0x1b, n)) abort() ;
    check_state(&st_chunked) ;
    chunked += n ;
    pos += len ;
  }
  if (chunked != whole || memcmp(out_chunked, out_whole, whole) || !same_state(&st_chunked, &st_whole)) abort() ;

 /* a short output buffer: a prefix, nothing written past outmax */
  st_small = zero ;
  smallmax = next(&rng) % (whole + 2) ;
  memset(out_small, 0xa5, smallmax + 64 < BUFMAX ? smallmax + 64 : BUFMAX) ;
  small = ptysplit_textlog_feed(&st_small, s, size, out_small, smallmax) ;
  if (small != (whole < smallmax ? whole : smallmax) || memcmp(out_small, out_whole, small)) abort() ;
  for (n = smallmax ; n < smallmax + 64 && n < BUFMAX ; n++) if ((unsigned char)out_small[n] != 0xa5) abort() ;

 /* the flush ends the last line; the total stays within input + one LF per LINEMAX + 1 */
  n = ptysplit_textlog_flush(&st_whole, out_whole + whole, BUFMAX - whole) ;
  if (n > PTYSPLIT_TEXTLOG_LINEMAX + 1 || st_whole.len || st_whole.col) abort() ;
  whole += n ;
  if (whole > size + size / PTYSPLIT_TEXTLOG_LINEMAX + 1) abort() ;
  if (whole && out_whole[whole - 1] != '\n') abort() ;
  if (memchr(out_whole, 0x1b, whole)) abort() ;
  check_text(out_whole, whole) ;

 /* the filter leaves its own output alone */
  st_again = zero ;
  again = ptysplit_textlog_feed(&st_again, out_whole, whole, out_again, BUFMAX) ;
  again += ptysplit_textlog_flush(&st_again, out_again + again, BUFMAX - again) ;
  if (again != whole || memcmp(out_again, out_whole, whole)) abort() ;
  return 0 ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  return ptysplit_fuzz_textlog(data, size) ;
}
