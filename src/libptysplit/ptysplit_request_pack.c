/* ISC license. */

#include <string.h>
#include <stdint.h>

#include <skalibs/uint32.h>

#include <ptysplit/protocol.h>

size_t ptysplit_request_pack_flags (char *s, uint32_t pid, char const *name, uint8_t flags)
{
  size_t namelen = strlen(name) ;
  if (namelen > PTYSPLIT_STRING_MAX) namelen = PTYSPLIT_STRING_MAX ;
  memcpy(s, PTYSPLIT_MAGIC, PTYSPLIT_MAGIC_LEN) ;
  s[PTYSPLIT_MAGIC_LEN] = PTYSPLIT_PROTOCOL_VERSION ;
  s[PTYSPLIT_MAGIC_LEN + 1] = flags ;
  uint32_pack_big(s + PTYSPLIT_MAGIC_LEN + 2, pid) ;
  s[PTYSPLIT_MAGIC_LEN + 6] = (unsigned char)namelen ;
  memcpy(s + PTYSPLIT_REQUEST_HEADER_LEN, name, namelen) ;
  return PTYSPLIT_REQUEST_HEADER_LEN + namelen ;
}
