/* ISC license. */

#include <string.h>
#include <stdint.h>

#include <skalibs/uint16.h>

#include <ptysplit/protocol.h>

int ptysplit_answer_parse (char const *s, size_t len, ptysplit_answer *ans, size_t *used)
{
  size_t fixed ;
  size_t total ;
  if (!len) return PTYSPLIT_PARSE_PARTIAL ;
  if (memcmp(s, PTYSPLIT_MAGIC, len < PTYSPLIT_MAGIC_LEN ? len : PTYSPLIT_MAGIC_LEN))
    return PTYSPLIT_PARSE_FOREIGN ;
  if (len <= PTYSPLIT_MAGIC_LEN) return PTYSPLIT_PARSE_PARTIAL ;
  if ((unsigned char)s[PTYSPLIT_MAGIC_LEN] != PTYSPLIT_PROTOCOL_VERSION) return PTYSPLIT_PARSE_INVALID ;
  if (len < PTYSPLIT_MAGIC_LEN + 2) return PTYSPLIT_PARSE_PARTIAL ;
  switch (s[PTYSPLIT_MAGIC_LEN + 1])
  {
    case 'A' : fixed = PTYSPLIT_MAGIC_LEN + 10 ; break ;
    case 'R' : fixed = PTYSPLIT_MAGIC_LEN + 2 ; break ;
    default : return PTYSPLIT_PARSE_INVALID ;
  }
  if (len < fixed + 1) return PTYSPLIT_PARSE_PARTIAL ;
  total = fixed + 1 + (unsigned char)s[fixed] ;
  if (len < total) return PTYSPLIT_PARSE_PARTIAL ;
  if (len > total) return PTYSPLIT_PARSE_INVALID ;
  if (memchr(s + fixed + 1, 0, total - fixed - 1)) return PTYSPLIT_PARSE_INVALID ;
  ans->version = PTYSPLIT_PROTOCOL_VERSION ;
  ans->accepted = s[PTYSPLIT_MAGIC_LEN + 1] == 'A' ;
  ans->rows = ans->cols = ans->xpixel = ans->ypixel = 0 ;
  if (ans->accepted)
  {
    uint16_unpack_big(s + PTYSPLIT_MAGIC_LEN + 2, &ans->rows) ;
    uint16_unpack_big(s + PTYSPLIT_MAGIC_LEN + 4, &ans->cols) ;
    uint16_unpack_big(s + PTYSPLIT_MAGIC_LEN + 6, &ans->xpixel) ;
    uint16_unpack_big(s + PTYSPLIT_MAGIC_LEN + 8, &ans->ypixel) ;
  }
  ans->textlen = total - fixed - 1 ;
  memcpy(ans->text, s + fixed + 1, ans->textlen) ;
  ans->text[ans->textlen] = 0 ;
  *used = total ;
  return PTYSPLIT_PARSE_COMPLETE ;
}
