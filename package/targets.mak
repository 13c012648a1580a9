BIN_TARGETS := \
ptyattach \
ptyexec \
ptyhead

LIBEXEC_TARGETS :=

# Built by make tests, run by make check, never installed.
TEST_BINS := \
ptysplit-unit \
ptysplit-tests \
ptysplit-probe

EXTRA_TARGETS :=
