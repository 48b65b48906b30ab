#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every C source and header follows the repository's .clang-format.
#   check_format.sh [SOURCE_DIR]
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top"
fmt=$(command -v clang-format-14 || command -v clang-format)
mapfile -t files < <(find drivers kiosk tests -name '*.[ch]' -not -path '*/build*' | sort)
if ! "$fmt" --dry-run -Werror "${files[@]}"; then
	echo "format: run '$fmt -i' on the files above (.clang-format at the top)" >&2
	exit 1
fi
echo "format: ${#files[@]} files follow .clang-format"
