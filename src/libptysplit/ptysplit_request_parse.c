/* ISC license. */

#include <string.h>
#include <stdint.h>

#include <skalibs/uint32.h>

#include <ptysplit/protocol.h>

 /* The magic is checked on what has arrived so far, so that a short
    first read of a native request is never mistaken for a foreign one. */
int ptysplit_request_parse (char const *s, size_t len, ptysplit_request *req, size_t *used)
{
  size_t total ;
  uint32_t pid ;
  if (!len) return PTYSPLIT_PARSE_PARTIAL ;
  if (memcmp(s, PTYSPLIT_MAGIC, len < PTYSPLIT_MAGIC_LEN ? len : PTYSPLIT_MAGIC_LEN))
    return PTYSPLIT_PARSE_FOREIGN ;
  if (len <= PTYSPLIT_MAGIC_LEN) return PTYSPLIT_PARSE_PARTIAL ;
  if ((unsigned char)s[PTYSPLIT_MAGIC_LEN] != PTYSPLIT_PROTOCOL_VERSION) return PTYSPLIT_PARSE_INVALID ;
  if (len < PTYSPLIT_REQUEST_HEADER_LEN) return PTYSPLIT_PARSE_PARTIAL ;
  total = PTYSPLIT_REQUEST_HEADER_LEN + (unsigned char)s[PTYSPLIT_MAGIC_LEN + 6] ;
  if (len < total) return PTYSPLIT_PARSE_PARTIAL ;
  if (len > total) return PTYSPLIT_PARSE_INVALID ;
  if (memchr(s + PTYSPLIT_REQUEST_HEADER_LEN, 0, total - PTYSPLIT_REQUEST_HEADER_LEN))
    return PTYSPLIT_PARSE_INVALID ;
  uint32_unpack_big(s + PTYSPLIT_MAGIC_LEN + 2, &pid) ;
  req->version = PTYSPLIT_PROTOCOL_VERSION ;
  req->flags = (unsigned char)s[PTYSPLIT_MAGIC_LEN + 1] ;
  req->pid = pid ;
  req->namelen = total - PTYSPLIT_REQUEST_HEADER_LEN ;
  memcpy(req->name, s + PTYSPLIT_REQUEST_HEADER_LEN, req->namelen) ;
  req->name[req->namelen] = 0 ;
  *used = total ;
  return PTYSPLIT_PARSE_COMPLETE ;
}
