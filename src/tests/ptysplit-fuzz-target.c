/* ISC license. */

#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include <ptysplit/protocol.h>

 /* The libFuzzer entry point for the three decoders; ptysplit-unit also
    drives it with seeded inputs. Any broken invariant aborts. */

static int magic_prefix (uint8_t const *data, size_t size)
{
  return !memcmp(data, PTYSPLIT_MAGIC, size < PTYSPLIT_MAGIC_LEN ? size : PTYSPLIT_MAGIC_LEN) ;
}

static void check_request (uint8_t const *data, size_t size)
{
  ptysplit_request req ;
  size_t used = 0 ;
  int r = ptysplit_request_parse((char const *)data, size, &req, &used) ;
  if (size && (r == PTYSPLIT_PARSE_FOREIGN) == magic_prefix(data, size)) abort() ;
  if (r == PTYSPLIT_PARSE_COMPLETE)
  {
    char again[PTYSPLIT_REQUEST_MAX] ;
    size_t len ;
    if (used != size || req.namelen != strlen(req.name)) abort() ;
    len = ptysplit_request_pack(again, req.pid, req.name) ;
    again[PTYSPLIT_MAGIC_LEN + 1] = req.flags ;
    if (len != size || memcmp(again, data, len)) abort() ;
  }
}

static void check_answer (uint8_t const *data, size_t size)
{
  ptysplit_answer ans ;
  size_t used = 0 ;
  int r = ptysplit_answer_parse((char const *)data, size, &ans, &used) ;
  if (size && (r == PTYSPLIT_PARSE_FOREIGN) == magic_prefix(data, size)) abort() ;
  if (r == PTYSPLIT_PARSE_COMPLETE)
  {
    char again[PTYSPLIT_ANSWER_MAX] ;
    size_t len = ans.accepted
      ? ptysplit_answer_pack_accept(again, ans.rows, ans.cols, ans.xpixel, ans.ypixel, ans.text)
      : ptysplit_answer_pack_refuse(again, ans.text) ;
    if (used != size || ans.textlen != strlen(ans.text)) abort() ;
    if (len != size || memcmp(again, data, len)) abort() ;
  }
}

static void check_frames (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  size_t left = size ;
  for (;;)
  {
    ptysplit_frame f ;
    size_t used = 0 ;
    int r = ptysplit_frame_parse(s, left, &f, &used) ;
    if (r != PTYSPLIT_PARSE_COMPLETE)
    {
      if (r == PTYSPLIT_PARSE_PARTIAL && left >= PTYSPLIT_FRAME_MAX) abort() ;
      return ;
    }
    {
      char again[PTYSPLIT_FRAME_MAX] ;
      size_t len = f.tag == PTYSPLIT_FRAME_KEYS
        ? ptysplit_frame_pack_keys(again, f.data, f.len)
        : ptysplit_frame_pack_size(again, f.rows, f.cols, f.xpixel, f.ypixel) ;
      if (used > left || used != PTYSPLIT_FRAME_HEADER_LEN + (size_t)f.len || f.data != s + PTYSPLIT_FRAME_HEADER_LEN) abort() ;
      if (len != used || memcmp(again, s, len)) abort() ;
      if (f.tag == PTYSPLIT_FRAME_SIZE && (!f.rows || !f.cols)) abort() ;
    }
    s += used ;
    left -= used ;
  }
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  check_request(data, size) ;
  check_answer(data, size) ;
  check_frames(data, size) ;
  return 0 ;
}
