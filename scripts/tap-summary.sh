#!/bin/bash
# tap-summary.sh FILE... - count TAP results across streams and print one
# closing line, "check: N passed, N failed, N skipped".  Exit 1 on failures.
set -euo pipefail
awk '
	/^ok / && /# [Ss][Kk][Ii][Pp]/ { skipped++; next }
	/^ok / { passed++ }
	/^not ok / { failed++; print "FAILED: " FILENAME ": " $0 }
	END {
		printf "check: %d passed, %d failed, %d skipped\n", passed, failed, skipped
		exit failed > 0
	}' "$@"
