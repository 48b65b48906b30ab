#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The layer check must fail on a tree that breaks the rule: a core file that
# includes the UI, a driver that includes SDL, a loader that includes the
# controller, and a bare include that does not name its layer.
set -euo pipefail
check=$(cd "$(dirname "$0")" && pwd)/check_layers.sh
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/drivers" "$tree/kiosk/core" "$tree/kiosk/config"
printf '#include "drivers/gpio.h"\n#include <SDL.h>\n' >"$tree/drivers/bad_driver.c"
printf '#include "core/station.h"\n#include "ui/view.h"\n#include "station.h"\n' >"$tree/kiosk/core/bad_core.c"
printf '#include "core/controller.h"\n' >"$tree/kiosk/config/bad_loader.c"
if out=$("$check" "$tree" 2>&1); then
	echo "FAIL: the layer check passed a tree with four violations" >&2
	exit 1
fi
for want in 'drivers/bad_driver.c:2: <SDL.h> belongs to' \
	'kiosk/core/bad_core.c:2: kiosk/core may not include ui/' \
	'kiosk/core/bad_core.c:3: #include "station.h" does not name its layer' \
	'kiosk/config/bad_loader.c:1: the loaders may not include the controller'; do
	if ! grep -qF -- "$want" <<<"$out"; then
		echo "FAIL: expected '$want' in:" >&2
		echo "$out" >&2
		exit 1
	fi
done
if grep -q 'drivers/bad_driver.c:1' <<<"$out" || grep -q 'bad_core.c:1' <<<"$out"; then
	echo "FAIL: an allowed include was reported:" >&2
	echo "$out" >&2
	exit 1
fi
echo "layer check: 4 of 4 planted violations reported, 2 allowed includes passed"
