# SPDX-License-Identifier: MIT
# Included into a SEPARATE configure of the whole project (see
# build_test_program.sh) through CMAKE_PROJECT_INCLUDE, so it runs right after
# the top-level project() call:
#
#   cmake -S <repo> -B <work>/static-build -DCMAKE_PROJECT_INCLUDE=<this file>
#         -DKIOSK_SANITIZE=OFF -DBUILD_TESTING=OFF -DKTEST_SOURCE=<test .c> ...
#
# Why a separate configure: the in-VM program must be one static binary
# (the initramfs has no libc), and static binaries cannot carry ASan, which
# the main build (CI) turns on for every target.  Reusing the project's own
# targets (kiosk_drivers, kiosk_core) keeps the program honest: it links the
# very code the kiosk runs, with whatever dependencies those targets declare.
#
# Two tricks make the project's targets link statically without touching
# their CMakeLists:
#  - every find_library() (pkg_check_modules' too) looks for .a archives
#    only, so PkgConfig::GPIOD resolves to libgpiod.a, kiosk_core's crypt
#    to libcrypt.a, and so on;
#  - the test executable is declared with cmake_language(DEFER), i.e. after
#    the top-level CMakeLists.txt has created every target.
#
# Backend hook: KTEST_BACKEND_TARGET names the library target that holds the
# GPIO backend (default kiosk_drivers); the libgpiod archive itself can be
# forced with -Dpkgcfg_lib_GPIOD_gpiod=/path/libgpiod.a (pkg-config's cache
# entry), or for another backend with that backend's own cache entry.

set(CMAKE_FIND_LIBRARY_SUFFIXES .a)

if(NOT KTEST_SOURCE)
    message(FATAL_ERROR "static_build.cmake: set -DKTEST_SOURCE=<path of gpio_kernel_test.c>")
endif()
set(KTEST_BACKEND_TARGET "kiosk_drivers" CACHE STRING "library target holding the GPIO backend")

function(ktest_define_static_program)
    # The program's helpers sit beside it (ktest_gpio_sim.c).
    get_filename_component(ktest_dir "${KTEST_SOURCE}" DIRECTORY)
    add_executable(ktest_static_program "${KTEST_SOURCE}" "${ktest_dir}/ktest_gpio_sim.c")
    target_include_directories(ktest_static_program PRIVATE "${ktest_dir}")
    set_target_properties(ktest_static_program PROPERTIES OUTPUT_NAME gpio_kernel_test)
    target_link_libraries(ktest_static_program PRIVATE
        kiosk_config kiosk_core ${KTEST_BACKEND_TARGET} kiosk_warnings Threads::Threads m)
    target_link_options(ktest_static_program PRIVATE -static)
endfunction()

cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL ktest_define_static_program)
