/* ISC license. */

#include <string.h>
#include <stdint.h>
#include <errno.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/ioctl.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/iopause.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/error.h>

#include <ptysplit/protocol.h>

#include "ptyhead.h"

 /* Viewers: ptyattach connections after their 'A'. The replay ring is
    their output queue: each viewer writes from its own position in it,
    so a viewer that does not read costs nothing and blocks no one; once
    it is more than the ring behind, it has lost output (counted), and
    is repainted when it has caught up. STATUS and PRINT are viewers
    that write one text and close. */

enum viewer_kind_e { VIEWER_FREE, VIEWER_VIEW, VIEWER_STATUS, VIEWER_PRINT } ;

typedef struct viewer_s viewer, *viewer_ref ;
struct viewer_s
{
  int fd ;
  unsigned int kind : 2 ;
  unsigned int readonly : 1 ;
  unsigned int sized : 1 ;
  unsigned int lost : 1 ;                   /* output lost: repaint once caught up */
  unsigned int blocked : 1 ;                /* its socket was full: wait for iopause */
  unsigned int xindex ;
  uid_t uid ;
  uint32_t pid ;
  uint64_t pos ;                            /* next byte of the ring to write */
  uint64_t dropped ;                        /* lost since the last report */
  uint64_t active ;                         /* activity stamp: the size rule */
  struct winsize ws ;
  stralloc text ;                           /* written first: the reset, or the whole answer */
  size_t textpos ;
  size_t kdone ;                            /* bytes of the first K frame already delivered */
  size_t inlen ;
  char *in ;                                 /* its frames as read: inbufs[i], PTYSPLIT_FRAME_MAX bytes */
} ;

 /* Puts the viewer's terminal in a known state before the replay: the
    main screen, no scroll region, default attributes, cursor shown. */
static char const viewer_reset[] = "\033[?1049l\033[r\033[m\033[?25h\033[H\033[2J" ;

 /* The table is small and walked every turn; the input buffers, 4 KiB
    each, are apart, so that a page of them is touched only by a viewer
    that uses it. */
static viewer viewers[VIEWERS_MAX] ;
static char inbufs[VIEWERS_MAX][PTYSPLIT_FRAME_MAX] ;
static uint64_t dropped_total = 0 ;

 /* The size rule: the most recently active read-write viewer's size,
    the head's own terminal being one more viewer. */
static uint64_t activity = 0 ;
static struct winsize cursize ;
static struct winsize termsize ;
static unsigned int termsized = 0 ;
static uint64_t termactive = 0 ;

static int size_same (struct winsize const *a, struct winsize const *b)
{
  return a->ws_row == b->ws_row && a->ws_col == b->ws_col && a->ws_xpixel == b->ws_xpixel && a->ws_ypixel == b->ws_ypixel ;
}

static void latest_apply (void)
{
  struct winsize const *best = termsized ? &termsize : 0 ;
  uint64_t when = termactive ;
  unsigned int i = 0 ;
  for (; i < VIEWERS_MAX ; i++)
  {
    viewer const *v = viewers + i ;
    if (v->kind == VIEWER_VIEW && !v->readonly && v->sized && (!best || v->active > when))
    {
      best = &v->ws ;
      when = v->active ;
    }
  }
  if (!best || size_same(best, &cursize)) return ;
  cursize = *best ;
  head_setsize(&cursize) ;
}

void sizerule_init (struct winsize const *ws)
{
  cursize = *ws ;
}

void sizerule_get (struct winsize *ws)
{
  *ws = cursize ;
}

void sizerule_terminal (struct winsize const *ws)
{
  termsize = *ws ;
  termsized = 1 ;
  termactive = ++activity ;
  latest_apply() ;
}

void sizerule_terminal_active (void)
{
  if (!termsized || termactive == activity) return ;
  termactive = ++activity ;
  latest_apply() ;
}


 /* the set */

static void viewer_info (viewer const *v, char const *what)
{
  char fmtp[UINT32_FMT] ;
  char fmtu[UID_FMT] ;
  if (verbosity < 2) return ;
  fmtp[uint32_fmt(fmtp, v->pid)] = 0 ;
  fmtu[uid_fmt(fmtu, v->uid)] = 0 ;
  strerr_warni(what, " (pid ", fmtp, ", uid ", fmtu, ")") ;
}

static void viewer_drop (viewer *v)
{
  unsigned int wassized = v->kind == VIEWER_VIEW && !v->readonly && v->sized ;
  if (v->kind == VIEWER_VIEW) viewer_info(v, "viewer detached") ;
  fd_close(v->fd) ;
  v->fd = -1 ;
  v->kind = VIEWER_FREE ;
  stralloc_free(&v->text) ;
   /* the next most recently active viewer's size applies */
  if (wassized) latest_apply() ;
}

int viewer_add (int fd, uid_t uid, uint32_t pid, unsigned int flags, char const *s, size_t len)
{
  viewer *v = 0 ;
  unsigned int i = 0 ;
  for (; i < VIEWERS_MAX ; i++) if (viewers[i].kind == VIEWER_FREE) { v = viewers + i ; break ; }
  if (!v || len > PTYSPLIT_FRAME_MAX) return (errno = EBUSY, 0) ;
  v->in = inbufs[i] ;
  v->xindex = XNONE ;                        /* not in this turn's array */
  v->text = stralloc_zero ;
  v->textpos = 0 ;
  v->kind = flags & PTYSPLIT_REQUEST_STATUS ? VIEWER_STATUS : flags & PTYSPLIT_REQUEST_PRINT ? VIEWER_PRINT : VIEWER_VIEW ;
  if (!(v->kind == VIEWER_STATUS ? head_status(&v->text)
      : v->kind == VIEWER_PRINT ? replay_text(&v->text)
      : stralloc_catb(&v->text, viewer_reset, sizeof(viewer_reset) - 1)))
  {
    stralloc_free(&v->text) ;
    v->kind = VIEWER_FREE ;
    return 0 ;
  }
  if (ndelay_on(fd) < 0) { stralloc_free(&v->text) ; v->kind = VIEWER_FREE ; return 0 ; }
  v->fd = fd ;
  v->uid = uid ;
  v->pid = pid ;
  v->readonly = !!(flags & PTYSPLIT_REQUEST_READONLY) ;
  v->sized = v->lost = v->blocked = 0 ;
  v->pos = replay_linestart(replay_start()) ;
  v->dropped = 0 ;
  v->active = ++activity ;
  v->kdone = 0 ;
  memcpy(v->in, s, len) ;
  v->inlen = len ;
  if (v->kind == VIEWER_VIEW)
  {
    viewer_info(v, v->readonly ? "read-only viewer attached" : "viewer attached") ;
    head_repaint() ;
  }
  return 1 ;
}

int viewers_full (void)
{
  unsigned int i = 0 ;
  for (; i < VIEWERS_MAX ; i++) if (viewers[i].kind == VIEWER_FREE) return 0 ;
  return 1 ;
}

unsigned int viewers_count (unsigned int *readonly)
{
  unsigned int n = 0, ro = 0, i = 0 ;
  for (; i < VIEWERS_MAX ; i++) if (viewers[i].kind == VIEWER_VIEW)
  {
    n++ ;
    if (viewers[i].readonly) ro++ ;
  }
  if (readonly) *readonly = ro ;
  return n ;
}

uint64_t viewers_dropped (void)
{
  return dropped_total ;
}

void viewers_close (void)
{
  unsigned int i = 0 ;
  for (; i < VIEWERS_MAX ; i++) if (viewers[i].kind != VIEWER_FREE)
  {
    fd_close(viewers[i].fd) ;
    viewers[i].kind = VIEWER_FREE ;
  }
}


 /* output */

 /* A viewer the ring left behind skips to the next line start it has. */
static void viewer_catch_up (viewer *v)
{
  uint64_t pos ;
  if (v->pos >= replay_start()) return ;
  pos = replay_linestart(replay_start()) ;
  v->dropped += pos - v->pos ;
  dropped_total += pos - v->pos ;
  v->pos = pos ;
  v->lost = 1 ;
}

static void viewer_report (viewer *v)
{
  if (verbosity >= 2)
  {
    char fmtd[UINT64_FMT] ;
    char fmtp[UINT32_FMT] ;
    fmtd[uint64_fmt(fmtd, v->dropped)] = 0 ;
    fmtp[uint32_fmt(fmtp, v->pid)] = 0 ;
    client_warni("dropped ", fmtd, " bytes of output for the viewer with pid ", fmtp, ": it was not reading") ;
  }
  v->dropped = 0 ;
  v->lost = 0 ;
  head_repaint() ;
}

 /* 1: written all it could; 0: dropped. */
static int viewer_write (viewer *v)
{
  ssize_t r ;
  if (v->textpos < v->text.len)
  {
    r = fd_write(v->fd, v->text.s + v->textpos, v->text.len - v->textpos) ;
    if (r < 0) goto err ;
    v->textpos += r ;
    if (v->textpos < v->text.len) { v->blocked = 1 ; return 1 ; }
    stralloc_free(&v->text) ;
    v->textpos = 0 ;
  }
  if (v->kind != VIEWER_VIEW) { viewer_drop(v) ; return 0 ; }
  viewer_catch_up(v) ;
  if (v->pos < replay_end())
  {
    struct iovec iov[2] ;
    replay_peek(v->pos, iov) ;
    r = fd_writev(v->fd, iov, 2) ;
    if (r < 0) goto err ;
    v->pos += r ;
    if (v->pos < replay_end()) { v->blocked = 1 ; return 1 ; }
  }
  v->blocked = 0 ;
  if (v->lost) viewer_report(v) ;
  return 1 ;
 err:
  if (error_isagain(errno)) { v->blocked = 1 ; return 1 ; }
  if (verbosity >= 2 && errno != EPIPE && errno != ECONNRESET) client_warnwusys("write to a viewer") ;
  viewer_drop(v) ;
  return 0 ;
}

 /* New output is in the ring: every viewer that can take it gets it
    now, rather than one iopause later. */
void viewers_write (void)
{
  unsigned int i = 0 ;
  for (; i < VIEWERS_MAX ; i++)
  {
    viewer *v = viewers + i ;
    if (v->kind != VIEWER_VIEW) continue ;
    if (v->blocked) viewer_catch_up(v) ;
    else viewer_write(v) ;
  }
}


 /* input: frames */

static void viewer_frame_size (viewer *v, ptysplit_frame const *f)
{
  v->ws.ws_row = f->rows ;
  v->ws.ws_col = f->cols ;
  v->ws.ws_xpixel = f->xpixel ;
  v->ws.ws_ypixel = f->ypixel ;
  v->sized = 1 ;
}

 /* Handles the complete frames in v->in. 0: the viewer was dropped. */
static int viewer_frames (viewer *v)
{
  size_t done = 0 ;
  int r = 1 ;
  while (done < v->inlen)
  {
    ptysplit_frame f ;
    size_t used ;
    int p = ptysplit_frame_parse(v->in + done, v->inlen - done, &f, &used) ;
    if (p == PTYSPLIT_PARSE_PARTIAL) break ;
    if (p != PTYSPLIT_PARSE_COMPLETE)
    {
      char fmt[UINT32_FMT] ;
      fmt[uint32_fmt(fmt, v->pid)] = 0 ;
      client_warnw("dropping the viewer with pid ", fmt, ": it sent a malformed frame") ;
      viewer_drop(v) ;
      return 0 ;
    }
    if (v->kind == VIEWER_VIEW && !v->readonly)
    {
      if (f.tag == PTYSPLIT_FRAME_KEYS)
      {
        size_t room = head_input_room() ;
        size_t n = f.len - v->kdone ;
        if (n > room) n = room ;
        if (n) head_input_put(f.data + v->kdone, n) ;
        v->kdone += n ;
        if (v->kdone < f.len) break ;
        v->kdone = 0 ;
      }
      else viewer_frame_size(v, &f) ;
      v->active = ++activity ;
      r = 2 ;
    }
    done += used ;
  }
  if (done)
  {
    memmove(v->in, v->in + done, v->inlen - done) ;
    v->inlen -= done ;
  }
  if (r == 2) latest_apply() ;
  return 1 ;
}

 /* A K frame waits in v->in while the program's input queue is full. */
static int viewer_stalled (viewer const *v)
{
  return v->kdone || (v->inlen && !head_input_room()) ;
}

static void viewer_read (viewer *v)
{
  ssize_t r ;
  if (v->inlen == PTYSPLIT_FRAME_MAX) return ;
  r = sanitize_read(fd_read(v->fd, v->in + v->inlen, PTYSPLIT_FRAME_MAX - v->inlen)) ;
  if (r < 0)
  {
    if (verbosity >= 2 && errno != EPIPE && errno != ECONNRESET) client_warnwusys("read from a viewer") ;
    viewer_drop(v) ;
    return ;
  }
  if (!r) return ;
  if (v->kind != VIEWER_VIEW) { v->inlen = 0 ; return ; }
  v->inlen += r ;
  viewer_frames(v) ;
}

void viewers_prepare_iopause (iopause_fd *x, unsigned int *n)
{
  unsigned int i = 0 ;
  for (; i < VIEWERS_MAX ; i++)
  {
    viewer *v = viewers + i ;
    if (v->kind == VIEWER_FREE) continue ;   /* and its xindex is never read */
    v->xindex = x_add(x, n, v->fd, (viewer_stalled(v) || v->inlen == PTYSPLIT_FRAME_MAX ? 0 : IOPAUSE_READ)
      | (v->kind != VIEWER_VIEW || v->textpos < v->text.len || v->pos < replay_end() ? IOPAUSE_WRITE : 0)) ;
  }
}

void viewers_handle (iopause_fd const *x)
{
  unsigned int i = 0 ;
  for (; i < VIEWERS_MAX ; i++)
  {
    viewer *v = viewers + i ;
    if (v->kind == VIEWER_FREE || v->xindex == XNONE) continue ;
    if (x[v->xindex].revents & IOPAUSE_WRITE && !viewer_write(v)) continue ;
    if (x[v->xindex].revents & IOPAUSE_READ)
    {
      if (x[v->xindex].events & IOPAUSE_READ) viewer_read(v) ;
      else if (x[v->xindex].revents & IOPAUSE_EXCEPT) viewer_drop(v) ;
    }
    else if (x[v->xindex].revents & IOPAUSE_EXCEPT) viewer_drop(v) ;
  }
   /* keys that waited for room in the program's input queue */
  for (i = 0 ; i < VIEWERS_MAX ; i++)
    if (viewers[i].kind == VIEWER_VIEW && viewers[i].inlen && head_input_room()) viewer_frames(viewers + i) ;
}
