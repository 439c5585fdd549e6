#!/bin/bash
# man_page.sh - vmapple(1) and `vmapple help COMMAND` cover the command
# line: every option in cli.c's table is in the man page and in its
# command's help text; the page formats without a groff warning.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/kselftest/tap.sh"
cd "$top"
page=docs/vmapple.1

# "VMAPPLE_CMD_RUN --mem" for each entry of the options table.
options() {
	sed -n 's/^\tOPT\(_LIST_OF\)\?(VMAPPLE_CMD_\([A-Z]*\), "\(--[a-z-]*\)".*/\2 \3/p' \
		userspace/cli.c
}
in_man() {
	missing=
	while read -r _ opt; do
		grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$page" || missing="$missing $opt"
	done < <(options)
	[ -z "$missing" ] || { echo "not in $page:$missing"; return 1; }
}
in_help() {
	missing=
	while read -r cmd opt; do
		cmd=$(echo "$cmd" | tr 'A-Z' 'a-z')
		# The help text of $cmd: from its "static const char ${cmd}_help" to the next one.
		text=$(sed -n "/^static const char ${cmd}_help/,/^static const/p" userspace/help.c)
		grep -q -- "$opt" <<<"$text" || missing="$missing $cmd:$opt"
	done < <(options)
	[ -z "$missing" ] || { echo "not in its help text:$missing"; return 1; }
}
formats_cleanly() {
	out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
}

tap_plan 4
t "the options table is not empty (the test reads it)" test "$(options | wc -l)" -gt 30
t "every option is in vmapple(1)" in_man
t "every option is in its command's help text" in_help
t "vmapple(1) formats without a warning" formats_cleanly
tap_exit
