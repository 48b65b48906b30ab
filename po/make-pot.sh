#!/bin/sh
# SPDX-License-Identifier: MIT
# Write the template of every word on screen to OUT: the strings marked
# tr() / N_() in kiosk/ui, and the program and screening texts of the
# shipped data files (extract-conf.sh).
#   po/make-pot.sh ROOT OUT
set -eu
root=$1
out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
xgettext --from-code=UTF-8 --language=C --keyword= --keyword=tr --keyword=N_ \
	--keyword=trn:1,2 --add-comments=TRANSLATORS: --sort-by-file \
	--package-name=recovery-kiosk --msgid-bugs-address=recovery-kiosk \
	-o "$tmp/code.pot" kiosk/ui/*.c
po/extract-conf.sh "$root" assets/programs.conf assets/screening.conf >"$tmp/conf.pot"
msgcat --use-first "$tmp/code.pot" "$tmp/conf.pot" | sed -e "1s/^# SOME DESCRIPTIVE TITLE./# SPDX-License-Identifier: MIT\n# The words on the recovery-kiosk screens (po\/make-pot.sh)./" >"$out"
