/* ISC license. */

#include <string.h>
#include <stdint.h>

#include <skalibs/uint16.h>

#include <ptysplit/protocol.h>

static size_t pack_string (char *s, char const *text)
{
  size_t len = strlen(text) ;
  if (len > PTYSPLIT_STRING_MAX) len = PTYSPLIT_STRING_MAX ;
  s[0] = (unsigned char)len ;
  memcpy(s + 1, text, len) ;
  return 1 + len ;
}

static size_t pack_header (char *s, char status)
{
  memcpy(s, PTYSPLIT_MAGIC, PTYSPLIT_MAGIC_LEN) ;
  s[PTYSPLIT_MAGIC_LEN] = PTYSPLIT_PROTOCOL_VERSION ;
  s[PTYSPLIT_MAGIC_LEN + 1] = status ;
  return PTYSPLIT_MAGIC_LEN + 2 ;
}

size_t ptysplit_answer_pack_accept (char *s, uint16_t rows, uint16_t cols, uint16_t xpixel, uint16_t ypixel, char const *term)
{
  size_t w = pack_header(s, 'A') ;
  uint16_pack_big(s + w, rows) ;
  uint16_pack_big(s + w + 2, cols) ;
  uint16_pack_big(s + w + 4, xpixel) ;
  uint16_pack_big(s + w + 6, ypixel) ;
  w += 8 ;
  return w + pack_string(s + w, term) ;
}

size_t ptysplit_answer_pack_refuse (char *s, char const *reason)
{
  size_t w = pack_header(s, 'R') ;
  return w + pack_string(s + w, reason) ;
}
