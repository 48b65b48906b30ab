#!/bin/sh
# SPDX-License-Identifier: MIT
# The catalogue test: every word the screens can show (kiosk/ui sources and
# the shipped data files, extracted afresh) has a translation in every
# po/<lang>.po listed in LINGUAS, with no fuzzy entry left.
#   po/check-po.sh ROOT
set -eu
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/po/make-pot.sh" "$root" "$tmp/now.pot"
status=0
for lang in $(grep -v '^#' "$root/po/LINGUAS"); do
	if ! msgcmp "$root/po/$lang.po" "$tmp/now.pot" 2>"$tmp/err"; then
		echo "po/$lang.po lacks translations (run po/update-po.sh, then translate):"
		cat "$tmp/err"
		status=1
	fi
	stats=$(msgfmt --check --statistics -o /dev/null "$root/po/$lang.po" 2>&1)
	case "$stats" in
	*fuzzy* | *untranslated*)
		echo "po/$lang.po: $stats"
		status=1
		;;
	esac
done
exit $status
