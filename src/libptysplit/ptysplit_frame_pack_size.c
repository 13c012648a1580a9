/* ISC license. */

#include <stdint.h>

#include <skalibs/uint16.h>

#include <ptysplit/protocol.h>

size_t ptysplit_frame_pack_size (char *s, uint16_t rows, uint16_t cols, uint16_t xpixel, uint16_t ypixel)
{
  s[0] = PTYSPLIT_FRAME_SIZE ;
  uint16_pack_big(s + 1, PTYSPLIT_FRAME_SIZE_LEN) ;
  uint16_pack_big(s + 3, rows) ;
  uint16_pack_big(s + 5, cols) ;
  uint16_pack_big(s + 7, xpixel) ;
  uint16_pack_big(s + 9, ypixel) ;
  return PTYSPLIT_FRAME_HEADER_LEN + PTYSPLIT_FRAME_SIZE_LEN ;
}
