/* ISC license. */

#include <errno.h>
#include <sys/types.h>
#include <sys/stat.h>

#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/posixplz.h>

#include "ptyhead.h"

#define BACKLOG 64

static int lsock = -1 ;
static int lockfd = -1 ;
static dev_t sockdev ;
static ino_t sockino ;

int socket_fd (void)
{
  return lsock ;
}

 /* Only our own socket is removed: another head may own the path now. */
void socket_remove (void)
{
  struct stat st ;
  if (lsock < 0) return ;
  if (lstat(sockpath, &st) == 0 && st.st_dev == sockdev && st.st_ino == sockino)
    unlink_void(sockpath) ;
  fd_close(lsock) ;
  lsock = -1 ;
}

 /* Anything at the path that is not a socket is never touched. */
static void socket_refuse_others (void)
{
  struct stat st ;
  if (lstat(sockpath, &st) < 0)
  {
    if (errno == ENOENT) return ;
    strerr_diefusys(111, "stat ", sockpath) ;
  }
  if (S_ISLNK(st.st_mode)) strerr_dief(111, sockpath, " is a symbolic link: refusing to use it") ;
  if (!S_ISSOCK(st.st_mode)) strerr_dief(111, sockpath, " exists and is not a socket: refusing to touch it") ;
}

 /* The socket is born with its final mode (no chmod by path after the
    bind), and the lock on SOCKET.lock keeps a second head away, so a
    stale socket is one whose lock nobody holds. */
void socket_create (void)
{
  struct stat st ;
  int r ;
  socket_refuse_others() ;
  lsock = ipc_stream_nbcoe() ;
  if (lsock < 0) strerr_diefusys(111, "create a socket") ;
  if (opt.mode) r = ipc_bind_reuse_lock_perms(lsock, sockpath, &lockfd, opt.mode) ;
  else
  {
     /* perms 0 means "leave the umask alone" to skalibs */
    mode_t oldmask = umask(0777) ;
    r = ipc_bind_reuse_lock_perms(lsock, sockpath, &lockfd, 0) ;
    umask(oldmask) ;
  }
  if (r < 0)
  {
    if (errno == EBUSY) strerr_dief(111, "another head is listening on ", sockpath) ;
    strerr_diefusys(111, "bind to ", sockpath) ;
  }
  if (lstat(sockpath, &st) < 0)
  {
    unlink_void(sockpath) ;
    strerr_diefusys(111, "stat ", sockpath) ;
  }
  sockdev = st.st_dev ;
  sockino = st.st_ino ;
  if (ipc_listen(lsock, BACKLOG) < 0) diecleanusys(111, "listen on ", sockpath) ;
}
