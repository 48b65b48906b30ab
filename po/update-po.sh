#!/bin/sh
# SPDX-License-Identifier: MIT
# After changing a word on screen: regenerate po/recovery-kiosk.pot and merge
# it into every po/<lang>.po (new strings arrive untranslated, and the build
# refuses a language until they are translated).
#   po/update-po.sh          (from anywhere; also: cmake --build build -t update-po)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/po/make-pot.sh" "$root" "$root/po/recovery-kiosk.pot"
for lang in $(grep -v '^#' "$root/po/LINGUAS"); do
	msgmerge --quiet --update --backup=none --no-fuzzy-matching \
		"$root/po/$lang.po" "$root/po/recovery-kiosk.pot"
done
