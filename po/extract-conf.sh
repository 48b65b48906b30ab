#!/bin/sh
# SPDX-License-Identifier: MIT
# Print a .pot fragment of the words the screen shows from data files: the
# name and description of every program (programs.conf), the text and
# short of every screening question (screening.conf).  The English text is
# the msgid.  Continuation lines (starting with a space) join with a space,
# as the loaders join them.
#   po/extract-conf.sh ROOT FILE...   (FILE relative to ROOT, for the #: lines)
set -eu
root=$1
shift
printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
for f in "$@"; do
	awk -v file="$f" '
	function flush() {
		if (key != "") {
			gsub(/\\/, "\\\\", val)
			gsub(/"/, "\\\"", val)
			printf "#: %s:%d\nmsgid \"%s\"\nmsgstr \"\"\n\n", file, line, val
		}
		key = ""
	}
	/^[ \t]+[^ \t]/ && key != "" { sub(/^[ \t]+/, ""); val = val " " $0; next }
	{ flush() }
	/^(name|description|text|short)[ \t]*=/ {
		key = $0; sub(/[ \t]*=.*/, "", key)
		val = $0; sub(/^[^=]*=[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
		line = NR
	}
	END { flush() }
	' "$root/$f"
done
