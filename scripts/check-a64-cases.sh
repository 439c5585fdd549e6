#!/bin/bash
# check-a64-cases.sh [--fill] - assemble every text of the decoder's truth
# table (tests/unit/a64_ldst_cases.h) with the aarch64 assembler and check
# that the table's encoding is the assembler's (TAP); --fill rewrites them.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
table=$top/tests/unit/a64_ldst_cases.h
as=${ARM64_AS:-aarch64-linux-gnu-as}
objdump=${ARM64_OBJDUMP:-aarch64-linux-gnu-objdump}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One line per case: TEXT<tab>HEX
sed -n 's/^\t{ "\([^"]*\)", \(0x[0-9a-f]*\),.*/\1\t\2/p' "$table" >"$work/cases"
cut -f1 "$work/cases" >"$work/cases.S"
"$as" -march=armv8.5-a+memtag+lse+rcpc -o "$work/cases.o" "$work/cases.S"
"$objdump" -d "$work/cases.o" | sed -n 's/^ *[0-9a-f]*:\t\([0-9a-f]\{8\}\) *\t.*/0x\1/p' >"$work/hex"
[ "$(wc -l <"$work/hex")" = "$(wc -l <"$work/cases")" ] ||
	{ echo "check-a64-cases: $(wc -l <"$work/cases") cases but $(wc -l <"$work/hex") encodings" >&2; exit 1; }

if [ "${1:-}" = --fill ]; then
	paste "$work/cases" "$work/hex" | cut -f1,3 >"$work/map"
	awk -F'\t' 'NR == FNR { hex[$1] = $2; next }
		/^\t\{ "/ {
			text = $0; sub(/^\t\{ "/, "", text); sub(/", 0x[0-9a-f]*,.*/, "", text)
			if (text in hex) sub(/", 0x[0-9a-f]*,/, "\", " hex[text] ",")
		}
		{ print }' "$work/map" FS='\n' "$table" >"$work/table"
	cp "$work/table" "$table"
	exit 0
fi
echo "TAP version 13"
echo "1..1"
bad=$(paste "$work/cases" "$work/hex" | awk -F'\t' '$2 != $3 {print "# " $1 ": table " $2 ", assembler " $3}')
if [ -z "$bad" ]; then
	echo "ok 1 all $(wc -l <"$work/cases") decoder table encodings match the assembler"
else
	echo "not ok 1 decoder table encodings differ from the assembler"
	echo "$bad"
	exit 1
fi
