/* ISC license. */

#include <string.h>

#include <skalibs/uint16.h>

#include <ptysplit/protocol.h>

size_t ptysplit_frame_pack_keys (char *s, char const *keys, size_t len)
{
  if (!len) return 0 ;
  if (len > PTYSPLIT_FRAME_PAYLOAD_MAX) len = PTYSPLIT_FRAME_PAYLOAD_MAX ;
  s[0] = PTYSPLIT_FRAME_KEYS ;
  uint16_pack_big(s + 1, len) ;
  memcpy(s + PTYSPLIT_FRAME_HEADER_LEN, keys, len) ;
  return PTYSPLIT_FRAME_HEADER_LEN + len ;
}
