/* ISC license. */

#include <errno.h>

#include <skalibs/tai.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>

#include <ptysplit/client.h>

static int retryable (int e)
{
  return e == ENOENT || e == ECONNREFUSED || e == EAGAIN ;
}

int ptysplit_connect (char const *path, int waiting, tain const *deadline, unsigned int *backoff)
{
  for (;;)
  {
    int e ;
    int s = ipc_stream_nbcoe() ;
    if (s < 0) return -1 ;
    if (ipc_connect(s, path)) return s ;
    e = errno ;
    fd_close(s) ;
    errno = e ;
    if (!waiting || !retryable(e)) return -1 ;
    if (!tain_future(deadline)) return -2 ;
    ptysplit_backoff(backoff, deadline) ;
    errno = e ;
  }
}
