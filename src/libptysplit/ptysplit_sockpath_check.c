/* ISC license. */

#include <string.h>

#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/socket.h>

#include "ptysplit-usage.h"

void ptysplit_sockpath_check (char const *path)
{
  if (!path[0]) strerr_dief(100, "empty socket path") ;
  if (strlen(path) > IPCPATH_MAX)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, IPCPATH_MAX)] = 0 ;
    strerr_dief(100, "socket path too long (more than ", fmt, " bytes): ", path) ;
  }
}
