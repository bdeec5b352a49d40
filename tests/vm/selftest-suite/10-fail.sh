# SPDX-License-Identifier: GPL-2.0
# Harness self-test: one passing and one failing result.  The run that uses
# this suite must end with exit status 1 and name the failing test.
. /tests/lib.sh
t_ok control
t_fail deliberate "this test always fails"
