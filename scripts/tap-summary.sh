#!/bin/bash
# tap-summary.sh FILE... - count TAP results across streams and print one
# closing line, "check: N passed, N failed, N skipped, N known failures".
# A `not ok ... # TODO` is a known failure that is not ours (TAP's TODO:
# reported, named, not counted as failed).  Exit 1 on failures.
set -euo pipefail
awk '
	/^ok / && /# [Ss][Kk][Ii][Pp]/ { skipped++; next }
	/^ok / { passed++ }
	/^not ok / && /# TODO/ { todo++; print "KNOWN: " FILENAME ": " $0; next }
	/^not ok / { failed++; print "FAILED: " FILENAME ": " $0 }
	END {
		printf "check: %d passed, %d failed, %d skipped, %d known failures\n",
			passed, failed, skipped, todo
		exit failed > 0
	}' "$@"
