#!/bin/sh
#
# The quick start's test command: installs what building and testing
# need (Debian packages), builds, and runs the test suite.

cd "$(dirname "$0")/.." || exit 111
. ./tools/packages.sh
need_packages $BUILD_PACKAGES $TEST_PACKAGES
build_ptysplit
exec make check
