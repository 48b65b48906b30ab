#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch (or find in the cache) what the kernel test boots, using Debian
# packages only, and print the folder that holds it:
#
#   <cache>/linux-<version>/vmlinuz        from linux-image-<abi>-amd64
#   <cache>/linux-<version>/configfs.ko    from the same package
#   <cache>/linux-<version>/busybox        from busybox-static
#   <cache>/linux-<version>/gpio-sim.ko    built by build_gpio_sim.sh
#
# The version is linux-image-amd64's candidate in apt's lists (or
# KIOSK_KTEST_KERNEL_VERSION); the ABI comes from its dependency.  Packages
# are downloaded with `apt-get download` into <cache>/debs and unpacked with
# dpkg-deb: no kernel is installed.  A warm cache needs no network and no apt.
#
# Exit 77 (skip) when the packages cannot be had.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=kernel_lib.sh
. "$here/kernel_lib.sh"

# Bump when the recipe changes so cached builds are redone.
KT_RECIPE=3

cache=$(kt_cache_root)
debs="$cache/debs"

candidate_version() {
	apt-cache policy linux-image-amd64 2>/dev/null | awk '/Candidate:/ { print $2; exit }'
}

newest_complete() {
	local d best=""
	for d in "$cache"/linux-*/; do
		[[ -f "$d/.complete" && "$(cat "$d/.complete")" == "$KT_RECIPE" ]] || continue
		best="${d%/}"
	done
	[[ -n "$best" ]] && printf '%s\n' "$best"
}

# The .deb of name=version in the cache, downloading it when missing.
fetch_deb() {
	local name=$1 version=$2 f
	for f in "$debs/${name}_"*.deb; do
		[[ -e "$f" ]] || continue
		if [[ "$(dpkg-deb -f "$f" Version)" == "$version" ]]; then
			printf '%s\n' "$f"
			return 0
		fi
	done
	kt_log "downloading $name=$version"
	local log sandbox=()
	# As root, apt drops to _apt, which may not write into a cache under $HOME.
	[[ $(id -u) -eq 0 ]] && sandbox=(-o APT::Sandbox::User=root)
	log=$(cd "$debs" && apt-get download -q ${sandbox[@]+"${sandbox[@]}"} "$name=$version" 2>&1) ||
		kt_skip "cannot download the Debian package $name=$version: $(printf '%s' "$log" | tail -n 2 | tr '\n' ' ')"
	for f in "$debs/${name}_"*.deb; do
		if [[ -e "$f" && "$(dpkg-deb -f "$f" Version)" == "$version" ]]; then
			printf '%s\n' "$f"
			return 0
		fi
	done
	kt_skip "apt-get download $name=$version left no .deb in $debs"
}

prepare() {
	local version="${KIOSK_KTEST_KERNEL_VERSION:-}"
	if [[ -z "$version" ]]; then
		version=$(candidate_version)
		if [[ -z "$version" || "$version" == "(none)" ]] && [[ $(id -u) -eq 0 ]]; then
			kt_log "apt knows no linux-image-amd64; running apt-get update once"
			apt-get update -qq >/dev/null 2>&1 || true
			version=$(candidate_version)
		fi
	fi
	if [[ -z "$version" || "$version" == "(none)" ]]; then
		local old
		if old=$(newest_complete); then
			kt_log "apt knows no linux-image-amd64; using the cached $old"
			printf '%s\n' "$old"
			return 0
		fi
		kt_skip "apt knows no linux-image-amd64 (no Debian package lists; run apt-get update) and nothing is cached in $cache"
	fi

	local dir="$cache/linux-$version"
	if [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$KT_RECIPE" ]]; then
		printf '%s\n' "$dir"
		return 0
	fi

	kt_need_tool apt-get apt
	kt_need_tool dpkg-deb dpkg
	local abi
	abi=$(apt-cache show "linux-image-amd64=$version" 2>/dev/null |
		sed -n 's/^Depends:.*linux-image-\([0-9][0-9.]*-[0-9][0-9]*\)-amd64.*/\1/p' | head -n 1)
	[[ -n "$abi" ]] || kt_skip "cannot read the kernel ABI from linux-image-amd64=$version's dependencies"
	local series=${abi%.*-*}   # 6.1.0-56 -> 6.1
	local bbver
	bbver=$(apt-cache policy busybox-static 2>/dev/null | awk '/Candidate:/ { print $2; exit }')
	[[ -n "$bbver" && "$bbver" != "(none)" ]] || kt_skip "apt knows no busybox-static"

	mkdir -p "$debs"
	local image headers common kbuild source busybox
	image=$(fetch_deb "linux-image-$abi-amd64" "$version")
	headers=$(fetch_deb "linux-headers-$abi-amd64" "$version")
	common=$(fetch_deb "linux-headers-$abi-common" "$version")
	kbuild=$(fetch_deb "linux-kbuild-$series" "$version")
	source=$(fetch_deb "linux-source-$series" "$version")
	busybox=$(fetch_deb busybox-static "$bbver")

	kt_log "unpacking linux $version (ABI $abi)"
	rm -rf "$dir"
	mkdir -p "$dir/unpack"
	dpkg-deb --fsys-tarfile "$image" |
		tar -x -C "$dir/unpack" --wildcards "./boot/vmlinuz-*" "*/kernel/fs/configfs/configfs.ko"
	mv "$dir/unpack/boot/vmlinuz-$abi-amd64" "$dir/vmlinuz"
	find "$dir/unpack" -name configfs.ko -exec mv {} "$dir/configfs.ko" \;
	[[ -s "$dir/configfs.ko" ]] || kt_fail "configfs.ko not found in $image"
	dpkg-deb --fsys-tarfile "$busybox" | tar -x -C "$dir/unpack" ./bin/busybox
	mv "$dir/unpack/bin/busybox" "$dir/busybox"
	rm -rf "$dir/unpack"

	printf '%s\n' "$abi" >"$dir/abi"
	printf 'linux-image-%s-amd64 %s\n' "$abi" "$version" >"$dir/packages"
	printf 'busybox-static %s\n' "$bbver" >>"$dir/packages"

	"$here/build_gpio_sim.sh" "$dir" "$headers" "$common" "$kbuild" "$source" >&2

	printf '%s\n' "$KT_RECIPE" >"$dir/.complete"

	# Keep the cache to one kernel: drop other versions' folders and debs.
	local d f v
	for d in "$cache"/linux-*/; do
		[[ "${d%/}" == "$dir" ]] || rm -rf "${d%/}"
	done
	for f in "$debs"/*.deb; do
		[[ -e "$f" ]] || continue
		v=$(dpkg-deb -f "$f" Version)
		[[ "$v" == "$version" || "$v" == "$bbver" ]] || rm -f "$f"
	done
	printf '%s\n' "$dir"
}

kt_with_cache_lock prepare
