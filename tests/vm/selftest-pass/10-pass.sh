# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a suite that passes, so that only the planted bug
# (loaded by /init after the suite) can fail the run.  Kept tiny: each
# self-test case is a boot.
. /tests/lib.sh
t_ok control
