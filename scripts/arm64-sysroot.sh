#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Make (or find in the cache) the arm64 sysroot the cross build compiles
# against, and print its path:
#
#   scripts/arm64-sysroot.sh
#
# The sysroot is Debian 12 arm64's -dev packages of every library the kiosk
# and its unit tests use, with their dependencies, unpacked by
# `mmdebstrap --variant=extract --arch=arm64` from the Debian archive this
# machine's apt is configured with.  Nothing is installed on the machine
# itself, so the amd64 -dev packages stay as they are (Debian's multiarch
# -dev packages are not all co-installable across architectures).  For
# dpkg-shlibdeps the sysroot also gets DEBIAN/symbols and DEBIAN/shlibs: the
# arm64 packages' own files, concatenated (scripts/dpkg-shlibdeps-arm64).
#
# Cached in ${XDG_CACHE_HOME:-~/.cache}/recovery-kiosk/arm64 (or
# KIOSK_ARM64_CACHE), keyed by the package list; about 250 MB.  A warm cache
# needs no network.  Exit 77 when it cannot be made here (no mmdebstrap, no
# archive).
set -euo pipefail

# Bump when the recipe changes.  zlib1g-dev (the history's plot rows) comes
# with libsdl2-ttf-dev (libfreetype-dev depends on it), so it is not listed
# and the cached sysroot still holds it.
recipe=2
packages=(libc6-dev libsdl2-dev libsdl2-ttf-dev libgpiod-dev libmosquitto-dev
	libinih-dev libcjson-dev libsqlite3-dev libsystemd-dev libcrypt-dev libcmocka-dev)

say() { printf 'arm64-sysroot: %s\n' "$*" >&2; }
skip() { say "SKIP: $*"; exit 77; }

cache="${KIOSK_ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recovery-kiosk/arm64}"
mkdir -p "$cache"
key=$(printf '%s ' "$recipe" "${packages[@]}" | sha256sum | cut -c1-12)
dir="$cache/sysroot-bookworm-$key"

make_sysroot() {
	if [[ -f "$dir/.complete" ]]; then
		printf '%s\n' "$dir"
		return 0
	fi
	command -v mmdebstrap >/dev/null || skip "mmdebstrap is not installed (apt-get install mmdebstrap)"
	local sources="" f
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
		[[ -f "$f" ]] || continue
		if grep -qE '^[^#]*(URIs:|deb ).*/debian/?( |$)' "$f" && grep -qE '^[^#]*bookworm' "$f"; then
			sources=$f
			break
		fi
	done
	[[ -n "$sources" ]] || skip "no bookworm Debian archive in /etc/apt"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	say "unpacking ${#packages[*]} arm64 -dev packages and their dependencies from $sources"
	local inc
	inc=$(IFS=,; printf '%s' "${packages[*]}")
	if ! mmdebstrap --mode=root --variant=extract --arch=arm64 --format=directory \
		--skip=cleanup/apt/cache --include="$inc" \
		bookworm "$dir.tmp/root" "$sources" >"$dir.tmp/mmdebstrap.log" 2>&1; then
		tail -n 20 "$dir.tmp/mmdebstrap.log" >&2
		skip "mmdebstrap could not unpack the arm64 packages (log: $dir.tmp/mmdebstrap.log)"
	fi
	local root="$dir.tmp/root" deb n=0
	mkdir -p "$root/DEBIAN"
	: >"$root/DEBIAN/symbols"
	: >"$root/DEBIAN/shlibs"
	for deb in "$root"/var/cache/apt/archives/*.deb; do
		dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./symbols 2>/dev/null >>"$root/DEBIAN/symbols" || true
		dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./shlibs 2>/dev/null >>"$root/DEBIAN/shlibs" || true
		n=$((n + 1))
	done
	rm -f "$root"/var/cache/apt/archives/*.deb
	# The -dev symlinks are absolute (libcrypt.so -> /lib/.../libcrypt.so.1):
	# inside a sysroot they must point into it, or the linker falls back to
	# the static archive.  Make them relative, as symlinks(8) -c does.
	local link target
	while IFS= read -r link; do
		target=$(readlink "$link")
		ln -sfr "$root$target" "$link"
	done < <(find "$root/usr" "$root/lib" -type l -lname '/*')
	[[ -s "$root/DEBIAN/symbols" ]] || { say "no symbols files in the arm64 packages"; exit 1; }
	mv "$root" "$dir"
	mv "$dir.tmp/mmdebstrap.log" "$dir/.mmdebstrap.log"
	rm -rf "$dir.tmp"
	printf '%s\n' "$n" >"$dir/.complete"
	say "$n packages in $dir ($(du -sh "$dir" | cut -f1))"
	for f in "$cache"/sysroot-*/; do
		[[ "${f%/}" == "$dir" ]] || rm -rf "${f%/}"
	done
	printf '%s\n' "$dir"
}

(
	flock -w 1800 9 || { say "waited 30 min for $cache/.lock"; exit 1; }
	make_sysroot
) 9>"$cache/.lock"
