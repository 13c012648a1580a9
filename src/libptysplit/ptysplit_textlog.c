/* ISC license. */

#include <string.h>

#include <ptysplit/textlog.h>

 /* The parser follows the VT500 state machine, reduced to what a log
    needs: which bytes are text. String sequences need no state of their
    own for ESC \ : the ESC starts a new sequence, whose final \ ends it. */

enum textlog_state_e
{
  TEXTLOG_GROUND,
  TEXTLOG_ESC,
  TEXTLOG_ESCINT,
  TEXTLOG_CSI,
  TEXTLOG_OSC,
  TEXTLOG_STRING
} ;

static size_t put (char *out, size_t w, size_t outmax, char const *s, size_t n)
{
  if (w >= outmax) return w ;
  if (n > outmax - w) n = outmax - w ;
  memcpy(out + w, s, n) ;
  return w + n ;
}

static size_t endline (ptysplit_textlog *st, char *out, size_t w, size_t outmax)
{
  w = put(out, w, outmax, st->line, st->len) ;
  w = put(out, w, outmax, "\n", 1) ;
  st->len = st->col = 0 ;
  return w ;
}

static size_t text (ptysplit_textlog *st, char c, char *out, size_t w, size_t outmax)
{
  if (st->col >= PTYSPLIT_TEXTLOG_LINEMAX) w = endline(st, out, w, outmax) ;
  while (st->len < st->col) st->line[st->len++] = ' ' ;
  st->line[st->col++] = c ;
  if (st->col > st->len) st->len = st->col ;
  return w ;
}

static size_t control (ptysplit_textlog *st, char c, char *out, size_t w, size_t outmax)
{
  switch (c)
  {
    case '\n' : return endline(st, out, w, outmax) ;
    case '\r' : st->col = 0 ; break ;
    case '\b' : if (st->col) st->col-- ; break ;
    case '\t' : return text(st, c, out, w, outmax) ;
    default : break ;
  }
  return w ;
}

 /* CSI n K, erase in line */
static void erase (ptysplit_textlog *st, unsigned char how)
{
  switch (how)
  {
    case 0 : if (st->len > st->col) st->len = st->col ; break ;
    case 1 :
    {
      size_t n = st->col < st->len ? st->col + 1 : st->len ;
      memset(st->line, ' ', n) ;
      break ;
    }
    case 2 : st->len = 0 ; break ;
    default : break ;
  }
}

static void escfinal (ptysplit_textlog *st, char c)
{
  switch (c)
  {
    case '[' : st->state = TEXTLOG_CSI ; st->arg = 0 ; st->plain = 1 ; break ;
    case ']' : st->state = TEXTLOG_OSC ; break ;
    case 'P' : case 'X' : case '^' : case '_' : st->state = TEXTLOG_STRING ; break ;
    default : st->state = TEXTLOG_GROUND ; break ;
  }
}

size_t ptysplit_textlog_feed (ptysplit_textlog *st, char const *s, size_t len, char *out, size_t outmax)
{
  size_t w = 0 ;
  size_t i = 0 ;
  for (; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c == 0x1b) { st->state = TEXTLOG_ESC ; continue ; }
    if (c == 0x18 || c == 0x1a) { st->state = TEXTLOG_GROUND ; continue ; }
    switch (st->state)
    {
      case TEXTLOG_ESC :
      case TEXTLOG_ESCINT :
        if (c < 0x20) w = control(st, c, out, w, outmax) ;
        else if (c < 0x30) st->state = TEXTLOG_ESCINT ;
        else if (c < 0x7f)
        {
          if (st->state == TEXTLOG_ESCINT) st->state = TEXTLOG_GROUND ;
          else escfinal(st, c) ;
        }
        else if (c >= 0x80) { st->state = TEXTLOG_GROUND ; w = text(st, c, out, w, outmax) ; }
        break ;
      case TEXTLOG_CSI :
        if (c < 0x20) w = control(st, c, out, w, outmax) ;
        else if (c >= '0' && c <= '9') st->arg = st->arg > 2 ? 3 : st->arg * 10 + (c - '0') ;
        else if (c < 0x40) st->plain = 0 ;
        else if (c < 0x7f)
        {
          if (c == 'K' && st->plain) erase(st, st->arg) ;
          st->state = TEXTLOG_GROUND ;
        }
        else if (c >= 0x80) { st->state = TEXTLOG_GROUND ; w = text(st, c, out, w, outmax) ; }
        break ;
      case TEXTLOG_OSC :
        if (c == 0x07) st->state = TEXTLOG_GROUND ;
        break ;
      case TEXTLOG_STRING :
        break ;
      default :
        if (c < 0x20) w = control(st, c, out, w, outmax) ;
        else if (c != 0x7f) w = text(st, c, out, w, outmax) ;
        break ;
    }
  }
  return w ;
}

size_t ptysplit_textlog_flush (ptysplit_textlog *st, char *out, size_t outmax)
{
  size_t w = st->len ? endline(st, out, 0, outmax) : 0 ;
  st->len = st->col = 0 ;
  return w ;
}
