#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every reply of tdx-qgsd still decodes with a client written from QEMU's
# code (issue 16): tests/tools/qemu_qgs_client.c, which shares nothing with
# the daemon's codec (tools/lib/qgs.c) or the tests' own client
# (tests/vm/progs/qgs_client.c), frames a GET_QUOTE_REQ as QEMU's
# tdx_generate_quote does and reads the reply as tdx_get_quote_read does
# (its header comment cites each rule).  Run by tests/tools/run.sh, which
# sets TOOLS_SAN, TOOLS_WORK, PY.
#
#   tools/qgsd-qemu/client/*   the client itself against canned replies
#       (tests/tools/qemu_canned_qgs.py), one for each of QEMU's checks:
#       each verdict as QEMU's code reaches it (so a client that accepted
#       everything would fail here), and the client's requests framed as
#       QEMU frames them, checked by that independent decoder
#
# Then the ASan build of the daemon is driven, on a UNIX socket, to send every
# kind of reply it has for a GET_QUOTE_REQ, each decoded by the client
# (built with ASan/UBSan) as docs/qgsd.md says (a quote, byte for byte, or
# the documented error code), never as malformed:
#
#   tools/qgsd-qemu/fake/*     the fake device of tests/tools/test_qgs.c
#       (LD_PRELOAD): quotes with 8 KiB and 4 KiB guest buffers and a
#       minor-0 request; report size 0 and 4097 (INVALID_PARAMETER);
#       error_code set (INVALID_CODE); a report_size that does not add up
#       and a half-closed request (INVALID_SIZE); a frame that is not one
#       by Intel's test (major 2: an Intel raw request, answered with a
#       bare quote QEMU cannot decode, as from Intel's QGS); a connection over
#       max_connections (UNEXPECTED: the daemon is stopped with SIGSTOP
#       while the client connects and writes, so the request is always
#       written before the daemon answers and closes); and, as a check
#       that the client can fail, GET_COLLATERAL_REQ, whose reply
#       (type 3) QEMU, which never asks it, would call malformed
#   tools/qgsd-qemu/timeout/*  read_timeout 500ms: a request cut short
#       (UNEXPECTED)
#   tools/qgsd-qemu/eio|enomem|ebadmsg|nodev/*  the device failing with
#       EIO, ENOMEM, EBADMSG, or missing (UNEXPECTED, OUT_OF_MEMORY,
#       INVALID_PARAMETER, UNEXPECTED)
#   tools/qgsd-qemu/big/*      tests/tools/qgs_bigquote_shim.c: quotes of
#       8140 bytes (the most Linux's 8 KiB GetQuote buffer takes: 8192 -
#       24 - 4 - 24), 8141 (QEMU refuses it for that buffer: "too large"),
#       8141 and 131020 with QEMU's largest buffer (128 KiB) and 131021
#       (too large for any guest buffer QEMU allows)
#   each daemon: exit 0 on SIGTERM, no sanitizer report
#
# No sleeps as synchronisation: every wait polls for its condition under a
# deadline; nothing asserts a time.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
W=${TOOLS_WORK:?run by tests/tools/run.sh}
PY=${PY:-/usr/bin/python3}

pass() { echo "PASS tools/qgsd-qemu/$1"; }
fail() { echo "FAIL tools/qgsd-qemu/$1: $2"; }


D=$TOOLS_SAN/tdx-qgsd
if [ ! -x "$D" ]; then
	fail build "no $D"
	exit 0
fi
SANFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# shellcheck disable=SC2086
if ! gcc $SANFLAGS -o "$W/qemu_client" "$here/qemu_qgs_client.c" 2>"$W/cc.err" ||
   ! gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -DQGS_FAKE_DEVICE \
		-shared -fPIC -I"$top/include/uapi" -o "$W/fakedev.so" \
		"$here/test_qgs.c" 2>>"$W/cc.err" ||
   ! gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -shared -fPIC \
		-I"$top/include/uapi" -o "$W/bigq.so" \
		"$here/qgs_bigquote_shim.c" 2>>"$W/cc.err"; then
	fail build "$(head -3 "$W/cc.err" | tr '\n' ' ')"
	exit 0
fi
pass build
C=$W/qemu_client
S=$W/qgs.sock
# The LD_PRELOAD shims need ASan not to insist on coming first.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=109}:verify_asan_link_order=0
DPID=
HPID=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[ -z "$HPID" ] || kill "$HPID" 2>/dev/null
	if [ -n "$DPID" ]; then
		kill -CONT "$DPID" 2>/dev/null
		kill "$DPID" 2>/dev/null
	fi
}
trap cleanup EXIT

QGSD_PREFIX=
# shellcheck source=tests/tools/qgsd-lib.sh
. "$here/qgsd-lib.sh"

# qc NAME WANT [CLIENT-ARGS...]: one request; the verdict (the client's line
# up to its first ';') must match the pattern WANT, and the exit status be
# the one that verdict has (1 for "invalid reply", 3 for "no reply" and
# "unavailable", else 0).
qc() {
	local name=$1 want=$2 rc line verdict wrc=0
	shift 2
	"$C" --unix "$S" --timeout 30 "$@" >"$W/qc.out" 2>"$W/qc.err"
	rc=$?
	line=$(head -1 "$W/qc.out")
	verdict=${line%%;*}
	case "$want" in
	"invalid reply"*) wrc=1 ;;
	"no reply"* | "unavailable"*) wrc=3 ;;
	esac
	echo "# $name: $line"
	# shellcheck disable=SC2053
	if [[ $verdict == $want ]] && [ $rc = $wrc ]; then
		pass "$name"
		return 0
	fi
	fail "$name" "want '$want' (exit $wrc), got '$line' (exit $rc) $(head -c 300 "$W/qc.err" | tr '\n' ' ')"
	return 1
}

# nsock: the sockets the daemon has open (listener and connections).
nsock() { find "/proc/$DPID/fd" -lname 'socket:*' 2>/dev/null | wc -l; }

# same NAME WANT GOT: the quote the client gave the guest is the device's.
same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "the quote differs from the device's ($(wc -c <"$3" 2>/dev/null) bytes, want $(wc -c <"$2"))"
	fi
}

: >"$W/none.conf"
E_UNEXPECTED="qgs error 0x12001 UNEXPECTED"
E_OOM="qgs error 0x12002 OUT_OF_MEMORY"
E_PARAM="qgs error 0x12003 INVALID_PARAMETER"
E_SIZE="qgs error 0x12006 INVALID_SIZE"
E_CODE="qgs error 0x12007 INVALID_CODE"

# A TDREPORT stand-in (type byte 0x81, then a pattern) and the fake
# device's quote of it.
{ printf '\201\000'; head -c 1022 /dev/zero | tr '\000' 'r'; } >"$W/report"
{ printf 'FAKEQUOTE:'; cat "$W/report"; } >"$W/want"

# -- the client itself, against canned replies -----------------------------------
# A reply the daemon never sends for each of QEMU's checks, so that a
# client which passed everything would fail here; and the client's request
# checked by a decoder that is not the daemon's.
: >"$W/canned.log"
"$PY" "$here/qemu_canned_qgs.py" "$S" "$W/canned.ready" "$W/canned.log" 2>"$W/canned.err" &
CPID=$!
if wait_for 20 test -e "$W/canned.ready"; then
	canned() {	# CASE WANT [CLIENT-ARGS...]
		local case=$1 want=$2
		shift 2
		printf 'case:%s' "$case" >"$W/case"
		qc "client/$case" "$want" --report "$W/case" "$@"
	}
	canned quote "quote 100 bytes" -o "$W/q.canned"
	"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(100)))' >"$W/want.canned"
	same client/quote-bytes "$W/want.canned" "$W/q.canned"
	canned prefix-0 "invalid reply: length prefix 0"
	canned version-1.0 "invalid reply: header version 1.0, QEMU wants 1.1"
	canned version-2.1 "invalid reply: header version 2.1, QEMU wants 1.1"
	canned type-3 "invalid reply: message type 3, not GET_QUOTE_RESP"
	canned size-above-length "invalid reply: header size 125 above the length 124"
	# QEMU takes a header size below the length.
	canned size-below-length "quote 100 bytes"
	canned selected-id "invalid reply: selected_id_size 4, not 0"
	canned quote-size-short "invalid reply: quote_size 99, the length says 100"
	# QEMU looks at error_code before the sizes after it.
	canned error-garbage-body "$E_UNEXPECTED"
	canned short-success "invalid reply: a 16-byte success message, shorter than GET_QUOTE_RESP's 24"
	canned trailing "invalid reply: *bytes after the 128-byte frame*"
	canned eof-mid-frame "no reply: end of file after 60 bytes"
	canned no-reply "no reply: end of file after 0 bytes"
	canned too-large-garbage "invalid reply: message length 9000 above the 8164 the buffer holds, then header version 61166.61166, QEMU wants 1.1"
	canned too-large-quote "too large: quote 8976 bytes, buf_len 8192 takes at most 8140 (*)"
	canned too-large-quote "quote 8976 bytes" --buf-len 12288
	if bad=$(grep -v ' ok$' "$W/canned.log"); then
		fail client/request-framing "$bad"
	elif [ "$(wc -l <"$W/canned.log")" -lt 17 ]; then
		fail client/request-framing "$(wc -l <"$W/canned.log") requests seen"
	else
		pass client/request-framing
	fi
else
	fail client/canned-server "not ready: $(head -c 300 "$W/canned.err")"
fi
kill "$CPID"
wait "$CPID"
rm -f "$S"
qc client/no-socket "unavailable: connect $S: No such file or directory" --report "$W/report"

# -- the fake device: quotes, and every error of the request's framing ------
cat >"$W/fake.conf" <<EOF
max_connections = 2
read_timeout = 30s
EOF
if start fake LD_PRELOAD="$W/fakedev.so" -- --device /dev/null --config "$W/fake.conf"; then
	qc fake/quote-8k "quote 1034 bytes" --report "$W/report" -o "$W/q.8k" &&
		same fake/quote-8k-bytes "$W/want" "$W/q.8k"
	qc fake/quote-4k "quote 1034 bytes" --report "$W/report" --buf-len 4096 -o "$W/q.4k" &&
		same fake/quote-4k-bytes "$W/want" "$W/q.4k"
	qc fake/quote-minor-0-request "quote 1034 bytes" --report "$W/report" --minor 0 -o "$W/q.m0" &&
		same fake/quote-minor-0-bytes "$W/want" "$W/q.m0"
	qc fake/report-size-0 "$E_PARAM" --report-size 0
	qc fake/report-size-4097 "$E_PARAM" --report-size 4097
	qc fake/error-code-set "$E_CODE" --report "$W/report" --error-code 1
	qc fake/report-size-field-mismatch "$E_SIZE" --report "$W/report" --report-size-field 1000
	qc fake/half-closed "$E_SIZE" --report "$W/report" --send-bytes 100 --shut-wr
	# A frame that fails Intel's test for one (length prefix 0, header
	# size not the prefix, major version not 1, type 6 or above) is an
	# Intel raw request (docs/qgsd.md): its first 1024 bytes are the
	# report and the answer is the bare quote, which QEMU, like any
	# framed client, cannot decode.  QEMU never sends such a frame;
	# tests/tools/t-qgs.sh tests raw mode itself.
	qc fake/major-2-is-raw "invalid reply: message length * above the 8164 the buffer holds, and the frame ends after 1034 bytes" \
		--report "$W/report" --major 2
	qc fake/collateral-reply-not-for-qemu "invalid reply: message type 3, not GET_QUOTE_RESP" \
		--report "$W/report" --type 2

	# Over max_connections: two connections held, then the client's, all
	# queued while the daemon is stopped and so accepted in that order.
	rm -f "$W/held" "$W/sent"
	nsock0=$(nsock)
	echo "# fake: the daemon has $nsock0 sockets open before the limit test"
	kill -STOP "$DPID"
	"$C" --unix "$S" --hold 2 --ready "$W/held" >"$W/hold.out" 2>&1 &
	HPID=$!
	if wait_for 10 test -e "$W/held"; then
		"$C" --unix "$S" --timeout 30 --report "$W/report" --sent "$W/sent" \
			>"$W/tm.out" 2>"$W/tm.err" &
		tmpid=$!
		wait_for 10 test -e "$W/sent" || fail fake/too-many-connections "the request was never written"
		kill -CONT "$DPID"
		wait $tmpid
		rc=$?
		line=$(head -1 "$W/tm.out")
		echo "# fake/too-many-connections: $line"
		if [ "${line%%;*}" = "$E_UNEXPECTED" ] && [ $rc = 0 ]; then
			pass fake/too-many-connections
		else
			fail fake/too-many-connections "want '$E_UNEXPECTED', got '$line' (exit $rc) $(head -c 300 "$W/tm.err")"
		fi
	else
		kill -CONT "$DPID"
		fail fake/too-many-connections "the held connections were not made: $(cat "$W/hold.out")"
	fi
	kill "$HPID"
	wait "$HPID"
	HPID=
	# The held connections closed: once the daemon has closed them too,
	# it serves again.
	wait_for 10 test "$(nsock)" = "$nsock0" ||
		fail fake/held-closed "$(nsock) sockets open in the daemon, $nsock0 before"
	qc fake/served-after-the-limit "quote 1034 bytes" --report "$W/report"
	stop fake
fi

# -- the read timeout -----------------------------------------------------------
echo "read_timeout = 500ms" >"$W/timeout.conf"
if start timeout LD_PRELOAD="$W/fakedev.so" -- --device /dev/null --config "$W/timeout.conf"; then
	qc timeout/request-cut-short "$E_UNEXPECTED" --report "$W/report" --send-bytes 30
	stop timeout
fi

# -- the device failing -------------------------------------------------------------
for c in eio:5:"$E_UNEXPECTED" enomem:12:"$E_OOM" ebadmsg:74:"$E_PARAM"; do
	IFS=: read -r name errno want <<<"$c"
	if start "$name" LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_FAIL="$errno" -- --device /dev/null; then
		qc "$name/device-fails" "$want" --report "$W/report"
		stop "$name"
	fi
done
if start nodev -- --device "$W/no-such-device"; then
	qc nodev/no-device "$E_UNEXPECTED" --report "$W/report"
	stop nodev
fi

# -- big quotes, and QEMU's guest-buffer limits ------------------------------------
# bigreport N: a report asking the shim for an N-byte quote, and that quote.
bigreport() {
	"$PY" - "$1" "$W/big.$1" "$W/big.$1.want" <<'EOF'
import struct, sys
n = int(sys.argv[1])
rep = b"BIGQ" + struct.pack("<I", n) + bytes((i * 7) & 0xff for i in range(1016))
open(sys.argv[2], "wb").write(rep)
open(sys.argv[3], "wb").write((rep * (n // len(rep) + 1))[:n])
EOF
}
if start big LD_PRELOAD="$W/bigq.so" -- --device /dev/null; then
	for n in 8140 8141 131020 131021; do bigreport $n; done
	qc big/quote-8140-buf-8k "quote 8140 bytes" --report "$W/big.8140" -o "$W/q.8140" &&
		same big/quote-8140-bytes "$W/big.8140.want" "$W/q.8140"
	qc big/quote-8141-buf-8k-too-large "too large: quote 8141 bytes, buf_len 8192 takes at most 8140 (*)" \
		--report "$W/big.8141"
	qc big/quote-8141-buf-128k "quote 8141 bytes" --report "$W/big.8141" --buf-len 131072 -o "$W/q.8141" &&
		same big/quote-8141-bytes "$W/big.8141.want" "$W/q.8141"
	qc big/quote-131020-buf-128k "quote 131020 bytes" --report "$W/big.131020" --buf-len 131072 -o "$W/q.131020" &&
		same big/quote-131020-bytes "$W/big.131020.want" "$W/q.131020"
	qc big/quote-131021-too-large-for-qemu "too large: quote 131021 bytes, buf_len 131072 takes at most 131020 (*)" \
		--report "$W/big.131021" --buf-len 131072
	stop big
fi
exit 0
