/* ISC license. */

#ifndef PTYSPLIT_USAGE_H
#define PTYSPLIT_USAGE_H

#include <skalibs/strerr.h>

 /* Every program says the same of a bad option value: the option, the
    value and what the option takes; then it exits 100. */
#define ptysplit_dieinvalid(opt, arg, what) strerr_dief(100, "invalid -", (opt), ": ", (arg), ": expected ", (what))

 /* What the options the three programs share take. */
#define PTYSPLIT_EXPECT_UID "a numeric uid (see id -u USER)"
#define PTYSPLIT_EXPECT_UIDS "at most 16 -u options"
#define PTYSPLIT_EXPECT_VERBOSITY "a number (1: default, 2: more)"

 /* The socket argument: not empty, and short enough to bind or
    connect to; else a fatal message and 100. */
extern void ptysplit_sockpath_check (char const *) ;

#endif
