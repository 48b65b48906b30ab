# SPDX-License-Identifier: MIT
# Cross build for 64-bit Raspberry Pi OS / Debian arm64 on an x86-64 Debian 12
# machine: Debian's cross compiler (gcc-aarch64-linux-gnu) against an arm64
# sysroot of -dev packages (scripts/arm64-sysroot.sh), tests run under
# qemu-user (qemu-user-static).  scripts/build-deb-arm64.sh and
# scripts/test-arm64.sh use it:
#
#   cmake -S . -B build/arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake \
#         -DKIOSK_ARM64_SYSROOT=$(scripts/arm64-sysroot.sh)
#
# KIOSK_ARM64_SYSROOT may also come from the environment.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(NOT KIOSK_ARM64_SYSROOT AND DEFINED ENV{KIOSK_ARM64_SYSROOT})
    set(KIOSK_ARM64_SYSROOT "$ENV{KIOSK_ARM64_SYSROOT}")
endif()
if(NOT KIOSK_ARM64_SYSROOT OR NOT EXISTS "${KIOSK_ARM64_SYSROOT}/usr/include")
    message(FATAL_ERROR "KIOSK_ARM64_SYSROOT ('${KIOSK_ARM64_SYSROOT}') is not an arm64 sysroot; "
                        "make one with scripts/arm64-sysroot.sh and pass -DKIOSK_ARM64_SYSROOT=<its output>")
endif()
set(KIOSK_ARM64_SYSROOT "${KIOSK_ARM64_SYSROOT}" CACHE PATH "arm64 sysroot (scripts/arm64-sysroot.sh)")
# try_compile() projects read this file again: hand them the sysroot.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KIOSK_ARM64_SYSROOT)

set(CMAKE_SYSROOT "${KIOSK_ARM64_SYSROOT}")
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Headers, libraries and pkg-config files only from the sysroot; programs
# (gzip, dpkg, qemu) from the machine.
set(CMAKE_FIND_ROOT_PATH "${KIOSK_ARM64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${KIOSK_ARM64_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
    "${KIOSK_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${KIOSK_ARM64_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ctest runs the arm64 test programs under qemu-user, with the sysroot as
# their / for the dynamic loader and the libraries.
find_program(KIOSK_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(KIOSK_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${KIOSK_QEMU_AARCH64};-L;${KIOSK_ARM64_SYSROOT}")
endif()

# The Debian package's Architecture (cmake/packaging.cmake).
set(KIOSK_TARGET_DEB_ARCH arm64)
