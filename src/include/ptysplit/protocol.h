/* ISC license. */

#ifndef PTYSPLIT_PROTOCOL_H
#define PTYSPLIT_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

 /*
    The native wire format, see doc/protocol.html.

    request (ptyexec -> ptyhead), sent with the master in SCM_RIGHTS:
      magic[8] version[1] flags[1] pid[4] namelen[1] name[namelen]
    answer (ptyhead -> ptyexec), no fd:
      magic[8] version[1] 'A' rows[2] cols[2] xpixel[2] ypixel[2] termlen[1] term[termlen]
      magic[8] version[1] 'R' reasonlen[1] reason[reasonlen]
    Integers are big-endian. Anything that does not start with the magic
    is a foreign (OCI console-socket) message.
 */

#define PTYSPLIT_MAGIC "ptysplit"
#define PTYSPLIT_MAGIC_LEN 8
#define PTYSPLIT_PROTOCOL_VERSION 1
#define PTYSPLIT_STRING_MAX 255
#define PTYSPLIT_REQUEST_HEADER_LEN (PTYSPLIT_MAGIC_LEN + 7)
#define PTYSPLIT_REQUEST_MAX (PTYSPLIT_REQUEST_HEADER_LEN + PTYSPLIT_STRING_MAX)
#define PTYSPLIT_ANSWER_MAX (PTYSPLIT_MAGIC_LEN + 11 + PTYSPLIT_STRING_MAX)

 /* What a message received by the head can carry: 4095 bytes of OCI payload. */
#define PTYSPLIT_MESSAGE_MAX 4096

 /* Request flags. LOG: a second fd follows the master, the log fd. */
#define PTYSPLIT_REQUEST_LOG 0x01
#define PTYSPLIT_REQUEST_FLAGS (PTYSPLIT_REQUEST_LOG)

#define PTYSPLIT_PARSE_COMPLETE 1
#define PTYSPLIT_PARSE_PARTIAL 0
#define PTYSPLIT_PARSE_FOREIGN (-1)
#define PTYSPLIT_PARSE_INVALID (-2)

typedef struct ptysplit_request_s ptysplit_request, *ptysplit_request_ref ;
struct ptysplit_request_s
{
  uint8_t version ;
  uint8_t flags ;
  uint32_t pid ;
  uint8_t namelen ;
  char name[PTYSPLIT_STRING_MAX + 1] ;
} ;
#define PTYSPLIT_REQUEST_ZERO { .version = 0, .flags = 0, .pid = 0, .namelen = 0, .name = "" }

typedef struct ptysplit_answer_s ptysplit_answer, *ptysplit_answer_ref ;
struct ptysplit_answer_s
{
  uint8_t version ;
  unsigned int accepted : 1 ;
  uint16_t rows ;
  uint16_t cols ;
  uint16_t xpixel ;
  uint16_t ypixel ;
  uint8_t textlen ;                      /* TERM if accepted, else the reason */
  char text[PTYSPLIT_STRING_MAX + 1] ;
} ;
#define PTYSPLIT_ANSWER_ZERO { .version = 0, .accepted = 0, .rows = 0, .cols = 0, .xpixel = 0, .ypixel = 0, .textlen = 0, .text = "" }

 /* Pure encoders: return the length written, at most *_MAX bytes. Strings are truncated to 255 bytes. */
extern size_t ptysplit_request_pack_flags (char *, uint32_t, char const *, uint8_t) ;
#define ptysplit_request_pack(s, pid, name) ptysplit_request_pack_flags(s, pid, name, 0)
extern size_t ptysplit_answer_pack_accept (char *, uint16_t, uint16_t, uint16_t, uint16_t, char const *) ;
extern size_t ptysplit_answer_pack_refuse (char *, char const *) ;

 /* Pure decoders: PTYSPLIT_PARSE_* ; on COMPLETE, *used is the message length. */
extern int ptysplit_request_parse (char const *, size_t, ptysplit_request *, size_t *) ;
extern int ptysplit_answer_parse (char const *, size_t, ptysplit_answer *, size_t *) ;

#endif
