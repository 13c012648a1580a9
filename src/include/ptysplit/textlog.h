/* ISC license. */

#ifndef PTYSPLIT_TEXTLOG_H
#define PTYSPLIT_TEXTLOG_H

#include <stddef.h>

 /*
    Terminal output to plain text lines, for a log. Pure: no allocation,
    no I/O, all state in a ptysplit_textlog that the caller owns.

    - Escape sequences are removed, with their state kept across calls:
      CSI (ESC [ params intermediates final), OSC (ESC ] ... BEL or ESC \),
      DCS, SOS, PM, APC (ESC P, X, ^, _ ... ESC \), and every other
      ESC intermediates final. As in a terminal, C0 controls inside CSI and
      ESC sequences still act, CAN and SUB abort a sequence, ESC starts a
      new one, and an unterminated string (OSC, DCS...) hides what follows
      until its terminator, CAN or SUB: the log loses what the screen
      did not show either.
    - C1 bytes are not interpreted: every byte >= 0x80 is text, so UTF-8,
      valid or not, passes through untouched (inside a string sequence it
      is part of the sequence and removed with it).
    - The current line is a buffer with a cursor column. Text is written at
      the column and overwrites what is there; CR moves to column 0, BS one
      column back; CSI K erases to the end of the line, CSI 1 K from the
      start to the cursor (with spaces), CSI 2 K the whole line. LF emits
      the line followed by LF. So CR LF gives LF, and "10%\r20%\r30%\n"
      gives "30%\n". TAB is kept as a byte; the other C0 controls, BEL and
      DEL are dropped.
    - Columns count bytes, not characters: overwriting a multibyte UTF-8
      character with a different width after CR or BS can leave a part
      of it. TAB counts as one column.
    - A line reaching PTYSPLIT_TEXTLOG_LINEMAX bytes is emitted as it is,
      followed by LF, when the next byte of text arrives.
 */

#define PTYSPLIT_TEXTLOG_LINEMAX 4096

 /* Enough room for what one feed of n bytes can write (the pending line,
    the n bytes, one LF per LINEMAX bytes of a long line). A flush writes
    at most PTYSPLIT_TEXTLOG_LINEMAX + 1 bytes. */
#define PTYSPLIT_TEXTLOG_OUTMAX(n) ((n) + (n) / PTYSPLIT_TEXTLOG_LINEMAX + PTYSPLIT_TEXTLOG_LINEMAX + 1)

typedef struct ptysplit_textlog_s ptysplit_textlog, *ptysplit_textlog_ref ;
struct ptysplit_textlog_s
{
  unsigned char state ; /* where the escape sequence parser is */
  unsigned char arg ;   /* in a CSI: its first parameter, 3 meaning 3 or more */
  unsigned char plain ; /* in a CSI: only digits so far */
  size_t len ;          /* bytes in line, <= LINEMAX */
  size_t col ;          /* the cursor, <= LINEMAX; past len after CSI 2 K */
  char line[PTYSPLIT_TEXTLOG_LINEMAX] ;
} ;
#define PTYSPLIT_TEXTLOG_ZERO { .state = 0, .arg = 0, .plain = 0, .len = 0, .col = 0, .line = { 0 } }

 /* Feeds len bytes of terminal output. Writes the complete lines to out
    and returns the number of bytes written. Never writes more than outmax
    bytes; with outmax >= PTYSPLIT_TEXTLOG_OUTMAX(len) nothing is lost. */
extern size_t ptysplit_textlog_feed (ptysplit_textlog *, char const *, size_t, char *, size_t) ;

 /* Emits the pending partial line, if any, followed by LF (at session end).
    Returns the number of bytes written, at most outmax. The parser state is
    kept: a new stream starts from PTYSPLIT_TEXTLOG_ZERO. */
extern size_t ptysplit_textlog_flush (ptysplit_textlog *, char *, size_t) ;

#endif
