/* ISC license. */

#include <skalibs/nonposix.h>
#include <string.h>
#include <errno.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <ptysplit/fdpass.h>

#include <skalibs/posixishard.h>

ssize_t ptysplit_sendfds (int sock, char const *s, size_t len, int const *fds, unsigned int nfds)
{
  union { struct cmsghdr h ; char buf[CMSG_SPACE(sizeof(int) * PTYSPLIT_FDPASS_MAXFDS)] ; } ctl ;
  struct iovec v = { .iov_base = (char *)s, .iov_len = len } ;
  struct msghdr msg = { .msg_name = 0, .msg_namelen = 0, .msg_iov = &v, .msg_iovlen = 1, .msg_control = 0, .msg_controllen = 0, .msg_flags = 0 } ;
  ssize_t r ;
  if (nfds > PTYSPLIT_FDPASS_MAXFDS) return (errno = EINVAL, -1) ;
  if (nfds)
  {
    struct cmsghdr *c ;
    memset(&ctl, 0, sizeof(ctl)) ;
    msg.msg_control = ctl.buf ;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds) ;
    c = CMSG_FIRSTHDR(&msg) ;
    c->cmsg_level = SOL_SOCKET ;
    c->cmsg_type = SCM_RIGHTS ;
    c->cmsg_len = CMSG_LEN(sizeof(int) * nfds) ;
    memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds) ;
  }
  do r = sendmsg(sock, &msg, MSG_NOSIGNAL) ;
  while (r < 0 && errno == EINTR) ;
  return r ;
}
