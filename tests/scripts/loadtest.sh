#!/usr/bin/env bash
# Integration test: scripts/loadtest with a small configuration (20 clients,
# 5 senders, 50 lines each) against a chatd it starts itself; fails on any
# loss, duplicate, reordering or client failure. Run by `make test`, which
# sets CHATD and CHAT to the binaries under test.

set -u
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CHATD=${CHATD:-$repo/bin/chatd}
export CHAT=${CHAT:-$repo/bin/chat}

passed=0
failed=0
# chat v2 speaks IRC (chat-v2.md): a chatd without IRC (irc-v1.md, which
# brings --irc-port) cannot serve it, so there is nothing to measure yet.
if ! "$CHATD" --help 2>&1 | grep -q -- '--irc-port'; then
	echo "loadtest: SKIP: $CHATD does not speak IRC yet (no --irc-port); chat v2 needs it"
	echo "loadtest: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
if bash "$repo/scripts/loadtest" -q -c 20 -s 5 -m 50 -t 60 --idle 5; then
	passed=1
else
	failed=1
fi
echo "loadtest: $passed passed, $failed failed"
# tests/run-suites reads this line.
echo "TOTALS loadtest checks=1 failed=$failed skipped=0 known=0"
((failed == 0))
