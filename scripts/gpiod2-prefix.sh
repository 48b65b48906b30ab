#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libgpiod 2 for the second build configuration (issue 8), without touching
# the machine's packages: Debian 12 ships libgpiod 1.6 (libgpiod-dev
# 1.6.3), and its libgpiod-dev conflicts with the 2.x one from
# bookworm-backports, so the 2.x packages are downloaded with a PRIVATE apt
# state (own sources list, lists and cache; the system's are only read for
# apt.conf.d proxy settings) and unpacked with dpkg-deb -x into a prefix.
#
#   scripts/gpiod2-prefix.sh        prints the prefix (a folder holding
#                                   include/gpiod.h, lib/<triplet>/libgpiod.*
#                                   and lib/<triplet>/pkgconfig/libgpiod.pc)
#
# Use it as CMAKE_PREFIX_PATH (pkg_check_modules searches its pkgconfig
# folders first), or put <prefix>/lib/<triplet>/pkgconfig on PKG_CONFIG_PATH.
# The .pc file is rewritten to point into the prefix.  Build trees get an
# rpath to libgpiod.so.3 from CMake; nothing is installed system-wide.
#
# Cache: KIOSK_GPIOD2_CACHE, default
# ${XDG_CACHE_HOME:-$HOME/.cache}/recovery-kiosk/gpiod2.  A warm cache needs
# no network.  Writers take a lock, so parallel builds are safe.
# Environment:
#   KIOSK_GPIOD2_VERSION   Debian version to fetch (default 2.1.3-1~bpo12+1;
#                          when bookworm-backports no longer carries it, its
#                          current candidate is used and said so on stderr)
#   KIOSK_DEBIAN_MIRROR    mirror URI (default: the Debian mirror the machine
#                          already uses in /etc/apt/sources.list*, else
#                          http://deb.debian.org/debian)
#
# Exit: 0 prefix printed; 1 failure (the reason on stderr).
set -euo pipefail

want_version="${KIOSK_GPIOD2_VERSION:-2.1.3-1~bpo12+1}"
suite="bookworm-backports"
keyring="/usr/share/keyrings/debian-archive-keyring.gpg"
# Bump when the recipe (layout, .pc fix) changes so cached prefixes are redone.
recipe=1

log() { printf 'gpiod2-prefix: %s\n' "$*" >&2; }
fail() {
	printf 'gpiod2-prefix: ERROR: %s\n' "$*" >&2
	exit 1
}

cache="${KIOSK_GPIOD2_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recovery-kiosk/gpiod2}"
mkdir -p "$cache" || fail "cannot create the cache folder $cache (set KIOSK_GPIOD2_CACHE to a writable folder)"

# The folder for one Debian version: '~', '+' and ':' stay out of paths that
# end up in compiler flags and rpaths.
version_dir() {
	printf '%s/libgpiod-%s\n' "$cache" "$(printf '%s' "$1" | tr '~+:' '___')"
}

# Prefix of a finished unpack, or nothing.
complete_prefix() {
	local dir
	dir=$(version_dir "$1")
	if [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$recipe $1" ]]; then
		printf '%s/usr\n' "$dir"
	fi
}

# The Debian mirror this machine already uses for its release: the first
# URI of a deb entry (one-line or deb822) whose suite is the plain release
# name (not -security), in /etc/apt/sources.list and sources.list.d.
machine_mirror() {
	local files=() f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[[ -f "$f" ]] && files+=("$f")
	done
	((${#files[@]})) || return 0
	awk '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && uris != "" && suites ~ /(^| )(bookworm|stable|trixie)( |$)/ && found == "") {
				split(uris, u, " "); found = u[1]
			}
			types = ""; uris = ""; suites = ""
		}
		FILENAME ~ /\.sources$/ {
			if ($0 ~ /^[ \t]*$/) { flush(); next }
			if ($1 == "Types:") { $1 = ""; types = $0 }
			else if ($1 == "URIs:") { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
			else if ($1 == "Suites:") { $1 = ""; suites = $0 }
			next
		}
		FNR == 1 { flush() }
		$1 == "deb" && found == "" {
			i = 2
			if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) ~ /^(bookworm|stable|trixie)$/) found = $i
		}
		END { flush(); if (found != "") print found }
	' "${files[@]}"
}

fetch() {
	local prefix
	prefix=$(complete_prefix "$want_version")
	if [[ -n "$prefix" ]]; then
		printf '%s\n' "$prefix"
		return 0
	fi

	command -v apt-get >/dev/null || fail "apt-get is not installed (this script needs a Debian system)"
	command -v dpkg-deb >/dev/null || fail "dpkg-deb is not installed (apt-get install dpkg)"
	[[ -r "$keyring" ]] || fail "$keyring is missing (apt-get install debian-archive-keyring)"

	local mirror="${KIOSK_DEBIAN_MIRROR:-}"
	[[ -n "$mirror" ]] || mirror=$(machine_mirror)
	[[ -n "$mirror" ]] || mirror="http://deb.debian.org/debian"
	mirror=${mirror%/}

	# Private apt: its own sources list, lists, cache and an empty dpkg
	# status, so the machine's apt state is read for nothing but apt.conf.d.
	local apt="$cache/apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/preferences.d" "$apt/debs"
	printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" >"$apt/sources.list"
	: >"$apt/status"
	local opts=(
		-o "Dir::State=$apt"
		-o "Dir::State::Lists=$apt/lists"
		-o "Dir::State::status=$apt/status"
		-o "Dir::Cache=$apt/cache"
		-o "Dir::Etc::SourceList=$apt/sources.list"
		-o "Dir::Etc::SourceParts=$apt/sources.list.d-empty"
		-o "Dir::Etc::Preferences=$apt/preferences"
		-o "Dir::Etc::PreferencesParts=$apt/preferences.d"
		-o "APT::Get::List-Cleanup=false"
	)
	# As root, apt would hand downloads to the _apt user, who cannot write
	# into a private cache under /root.
	if [[ $(id -u) -eq 0 ]]; then
		opts+=(-o "APT::Sandbox::User=root")
	fi

	log "apt-get update for $suite from $mirror (private state in $apt)"
	local out
	out=$(apt-get "${opts[@]}" -q update 2>&1) ||
		fail "apt-get update of $suite from $mirror failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"

	local version="$want_version" candidate
	candidate=$(apt-cache "${opts[@]}" policy libgpiod-dev 2>/dev/null | awk '/Candidate:/ { print $2; exit }')
	if ! apt-cache "${opts[@]}" show "libgpiod-dev=$version" >/dev/null 2>&1; then
		[[ -n "$candidate" && "$candidate" != "(none)" && "$candidate" == 2.* ]] ||
			fail "$suite at $mirror has no libgpiod-dev $version nor any libgpiod-dev 2.x (candidate: ${candidate:-none})"
		log "NOTE: $suite no longer has libgpiod-dev $version; using its current $candidate (set KIOSK_GPIOD2_VERSION to choose)"
		version=$candidate
		prefix=$(complete_prefix "$version")
		if [[ -n "$prefix" ]]; then
			printf '%s\n' "$prefix"
			return 0
		fi
	fi

	local debs="$apt/debs"
	rm -f "$debs"/*.deb
	log "downloading libgpiod-dev and libgpiod3 $version"
	out=$(cd "$debs" && apt-get "${opts[@]}" -q download "libgpiod-dev=$version" "libgpiod3=$version" 2>&1) ||
		fail "apt-get download of libgpiod-dev/libgpiod3 $version failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"

	local dir f n=0
	dir=$(version_dir "$version")
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in "$debs"/libgpiod-dev_*.deb "$debs"/libgpiod3_*.deb; do
		[[ -e "$f" ]] || fail "apt-get download left no $(basename "$f") in $debs"
		[[ "$(dpkg-deb -f "$f" Version)" == "$version" ]] ||
			fail "$f is version $(dpkg-deb -f "$f" Version), not $version"
		dpkg-deb -x "$f" "$dir"
		n=$((n + 1))
	done
	((n == 2)) || fail "expected two packages in $debs, found $n"

	# Debian's .pc files say prefix=/usr: point them into the prefix, or the
	# build would get the system's 1.6 headers and library.
	local pc found_pc=0
	for pc in "$dir"/usr/lib/*/pkgconfig/*.pc "$dir"/usr/lib/pkgconfig/*.pc; do
		[[ -e "$pc" ]] || continue
		sed -i "s|^prefix=.*|prefix=$dir/usr|" "$pc"
		[[ "$(basename "$pc")" == libgpiod.pc ]] && found_pc=1
	done
	((found_pc)) || fail "no libgpiod.pc in libgpiod-dev $version"
	[[ -f "$dir/usr/include/gpiod.h" ]] || fail "no gpiod.h in libgpiod-dev $version"

	rm -f "$debs"/*.deb
	printf '%s %s\n' "$recipe" "$version" >"$dir/.complete"
	log "libgpiod $version unpacked into $dir/usr"

	# Keep one version in the cache.
	local d
	for d in "$cache"/libgpiod-*/; do
		[[ "${d%/}" == "$dir" ]] || rm -rf "${d%/}"
	done
	printf '%s/usr\n' "$dir"
}

command -v flock >/dev/null || fail "flock is not installed (apt-get install util-linux)"
(
	flock -w 600 9 || fail "waited 10 min for the cache lock $cache/.lock"
	fetch
) 9>"$cache/.lock"
