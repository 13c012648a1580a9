/* ISC license. */

#include <stdint.h>

#include <skalibs/uint16.h>

#include <ptysplit/protocol.h>

 /* The tag and the length are checked as soon as they have arrived, so
    that a peer sending junk is told apart before it sends 4 KiB more. */
int ptysplit_frame_parse (char const *s, size_t len, ptysplit_frame *f, size_t *used)
{
  uint16_t n ;
  if (!len) return PTYSPLIT_PARSE_PARTIAL ;
  if (s[0] != PTYSPLIT_FRAME_KEYS && s[0] != PTYSPLIT_FRAME_SIZE) return PTYSPLIT_PARSE_INVALID ;
  if (len < PTYSPLIT_FRAME_HEADER_LEN) return PTYSPLIT_PARSE_PARTIAL ;
  uint16_unpack_big(s + 1, &n) ;
  if (s[0] == PTYSPLIT_FRAME_KEYS ? !n || n > PTYSPLIT_FRAME_PAYLOAD_MAX : n != PTYSPLIT_FRAME_SIZE_LEN)
    return PTYSPLIT_PARSE_INVALID ;
  if (len < PTYSPLIT_FRAME_HEADER_LEN + (size_t)n) return PTYSPLIT_PARSE_PARTIAL ;
  f->tag = s[0] ;
  f->len = n ;
  f->data = s + PTYSPLIT_FRAME_HEADER_LEN ;
  f->rows = f->cols = f->xpixel = f->ypixel = 0 ;
  if (s[0] == PTYSPLIT_FRAME_SIZE)
  {
    uint16_unpack_big(s + 3, &f->rows) ;
    uint16_unpack_big(s + 5, &f->cols) ;
    uint16_unpack_big(s + 7, &f->xpixel) ;
    uint16_unpack_big(s + 9, &f->ypixel) ;
    if (!f->rows || !f->cols) return PTYSPLIT_PARSE_INVALID ;
  }
  *used = PTYSPLIT_FRAME_HEADER_LEN + n ;
  return PTYSPLIT_PARSE_COMPLETE ;
}
