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
    a viewer's request is the same header with VIEW set, and no fd;
    after an 'A', the head sends the raw terminal stream (or, for STATUS
    and PRINT, text) and the viewer sends frames:
      tag[1] len[2] payload[len]     'K' keys (1..4096), 'W' rows cols xpixel ypixel
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

 /*
    Request flags. LOG: a second fd follows the master, the log fd.
    VIEW: a viewer, no fd; READONLY, STATUS, PRINT only with VIEW.
    FLAGS is what ptyhead serves; the head that serves viewers adds the others.
 */
#define PTYSPLIT_REQUEST_LOG 0x01
#define PTYSPLIT_REQUEST_VIEW 0x02
#define PTYSPLIT_REQUEST_READONLY 0x04
#define PTYSPLIT_REQUEST_STATUS 0x08
#define PTYSPLIT_REQUEST_PRINT 0x10
#define PTYSPLIT_REQUEST_FLAGS (PTYSPLIT_REQUEST_LOG)

 /* A viewer's frames: tag, 2-byte length, payload. */
#define PTYSPLIT_FRAME_KEYS 'K'
#define PTYSPLIT_FRAME_SIZE 'W'
#define PTYSPLIT_FRAME_HEADER_LEN 3
#define PTYSPLIT_FRAME_PAYLOAD_MAX 4096
#define PTYSPLIT_FRAME_MAX (PTYSPLIT_FRAME_HEADER_LEN + PTYSPLIT_FRAME_PAYLOAD_MAX)
#define PTYSPLIT_FRAME_SIZE_LEN 8

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

 /* data points into the parsed buffer: the keys of a 'K'; rows..ypixel: a 'W'. */
typedef struct ptysplit_frame_s ptysplit_frame, *ptysplit_frame_ref ;
struct ptysplit_frame_s
{
  char tag ;
  uint16_t len ;
  char const *data ;
  uint16_t rows ;
  uint16_t cols ;
  uint16_t xpixel ;
  uint16_t ypixel ;
} ;
#define PTYSPLIT_FRAME_ZERO { .tag = 0, .len = 0, .data = 0, .rows = 0, .cols = 0, .xpixel = 0, .ypixel = 0 }

 /* Pure encoders: return the length written, at most *_MAX bytes. Strings are truncated to 255 bytes. */
extern size_t ptysplit_request_pack_flags (char *, uint32_t, char const *, uint8_t) ;
#define ptysplit_request_pack(s, pid, name) ptysplit_request_pack_flags(s, pid, name, 0)
extern size_t ptysplit_answer_pack_accept (char *, uint16_t, uint16_t, uint16_t, uint16_t, char const *) ;
extern size_t ptysplit_answer_pack_refuse (char *, char const *) ;

 /* Frames: return the length written, at most PTYSPLIT_FRAME_MAX; keys
    beyond PTYSPLIT_FRAME_PAYLOAD_MAX are left out (the caller sends them
    in the next frame), 0 keys give 0 bytes. */
extern size_t ptysplit_frame_pack_keys (char *, char const *, size_t) ;
extern size_t ptysplit_frame_pack_size (char *, uint16_t, uint16_t, uint16_t, uint16_t) ;

 /* Pure decoders: PTYSPLIT_PARSE_* ; on COMPLETE, *used is the message length. */
extern int ptysplit_request_parse (char const *, size_t, ptysplit_request *, size_t *) ;
extern int ptysplit_answer_parse (char const *, size_t, ptysplit_answer *, size_t *) ;

 /* The first frame of a stream: COMPLETE (then *used is its length, and
    more may follow), PARTIAL, or INVALID (unknown tag, bad length). */
extern int ptysplit_frame_parse (char const *, size_t, ptysplit_frame *, size_t *) ;

#endif
