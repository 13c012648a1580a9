/* ISC license. */

#ifndef PTYSPLIT_FDPASS_H
#define PTYSPLIT_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define PTYSPLIT_FDPASS_MAXFDS 4

 /* One sendmsg of a payload with fds in SCM_RIGHTS (MSG_NOSIGNAL).
    Returns the number of bytes sent, or -1. */
extern ssize_t ptysplit_sendfds (int, char const *, size_t, int const *, unsigned int) ;

 /* One non-blocking recvmsg with MSG_CMSG_CLOEXEC. Up to PTYSPLIT_FDPASS_MAXFDS
    fds are stored in fds and counted in *nfds; if more came, or the control
    data was truncated, every fd received is closed and -1 EPROTO is returned.
    Returns the number of bytes (0 on EOF), or -1 (EAGAIN: nothing yet). */
extern ssize_t ptysplit_recvfds (int, char *, size_t, int *, unsigned int *) ;

 /* One write that never blocks, whatever the fd's O_NONBLOCK: -1 EAGAIN
    when it would, -1 EOPNOTSUPP when the fd (a terminal) or the system
    cannot say. A FIFO opened by name takes at most PIPE_BUF bytes a
    write. Returns the number of bytes written. */
struct iovec ;
extern ssize_t ptysplit_write_nowait (int, struct iovec const *, unsigned int) ;

 /* Closes n fds, preserving errno. */
extern void ptysplit_closefds (int const *, unsigned int) ;

#endif
