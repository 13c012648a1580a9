/* ISC license. */

#include <skalibs/nonposix.h>
#include <string.h>
#include <errno.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <skalibs/djbunix.h>

#include <ptysplit/fdpass.h>

#include <skalibs/posixishard.h>

 /* Room for far more fds than we keep, so that a flood is seen and closed
    rather than truncated away by the kernel. */
#define CTL_FDS 64

static unsigned int collect (struct msghdr *msg, int *fds, unsigned int max, int *excess)
{
  unsigned int n = 0 ;
  struct cmsghdr *c ;
  for (c = CMSG_FIRSTHDR(msg) ; c ; c = CMSG_NXTHDR(msg, c))
  {
    size_t i, count ;
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue ;
    count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) ;
    for (i = 0 ; i < count ; i++)
    {
      int fd ;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int)) ;
      if (n < max) fds[n++] = fd ;
      else { fd_close(fd) ; *excess = 1 ; }
    }
  }
  return n ;
}

ssize_t ptysplit_recvfds (int sock, char *s, size_t len, int *fds, unsigned int *nfds)
{
  union { struct cmsghdr h ; char buf[CMSG_SPACE(sizeof(int) * CTL_FDS)] ; } ctl ;
  struct iovec v = { .iov_base = s, .iov_len = len } ;
  struct msghdr msg = { .msg_name = 0, .msg_namelen = 0, .msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf), .msg_flags = 0 } ;
  int excess = 0 ;
  ssize_t r ;
  do r = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) ;
  while (r < 0 && errno == EINTR) ;
  *nfds = 0 ;
  if (r < 0) return r ;
  *nfds = collect(&msg, fds, PTYSPLIT_FDPASS_MAXFDS, &excess) ;
  if (excess || msg.msg_flags & MSG_CTRUNC)
  {
    ptysplit_closefds(fds, *nfds) ;
    *nfds = 0 ;
    return (errno = EPROTO, -1) ;
  }
  return r ;
}
