# SPDX-License-Identifier: MIT
# Debian package with CPack:  cmake --build <build> --target package
# (or: cd <build> && cpack -G DEB).  Configure with -DCMAKE_INSTALL_PREFIX=/usr
# for a package; other prefixes still work for testing.
#
# The maintainer scripts live in packaging/debian/ (not systemd/): they are
# Debian packaging, used only by CPack, while systemd/ holds what every
# install (cmake --install, the package) puts on the machine.

# A cross build names the package's architecture in its toolchain file
# (cmake/toolchain-aarch64.cmake sets KIOSK_TARGET_DEB_ARCH to arm64).
set(KIOSK_DEB_ARCH "${KIOSK_TARGET_DEB_ARCH}")
find_program(DPKG_EXECUTABLE dpkg)
if(DPKG_EXECUTABLE AND NOT KIOSK_DEB_ARCH)
    execute_process(COMMAND "${DPKG_EXECUTABLE}" --print-architecture
                    OUTPUT_VARIABLE KIOSK_DEB_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "recovery-kiosk")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "recovery-kiosk")
set(CPACK_PACKAGE_CONTACT "recovery-kiosk maintainers <maintainers@recovery-kiosk.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "controller and touchscreen kiosk for compression-boot stations")
set(CPACK_PACKAGE_DESCRIPTION
"recovery-kiosk runs the compression-boot stations of a gym on a Raspberry Pi:
the pump, exhaust and zone valves of every station over GPIO, a pressure
sensor per manifold, a member touchscreen with contraindication screening,
and station status and staff control over MQTT.
.
It runs as a hardened systemd service on the console (SDL KMS/DRM) with a
watchdog, and drives every output to its de-energised, venting state after
any stop or crash.")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")

set(CPACK_DEBIAN_PACKAGE_NAME "recovery-kiosk")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION "misc")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/recovery-kiosk")
if(KIOSK_DEB_ARCH)
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${KIOSK_DEB_ARCH}")
endif()
# Library dependencies come from dpkg-shlibdeps (dpkg-dev); the rest are
# what the maintainer scripts and the unit use at run time.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, init-system-helpers (>= 1.52)")
if(KIOSK_SYSTEM_FONTS)
    string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", fonts-dejavu-core")
endif()
# The shipped kiosk.conf talks to a broker on the Pi (mosquitto); TLS without
# ca_file trusts the system's CAs (ca-certificates); gpiod's tools help
# with the wiring.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gpiod, mosquitto, ca-certificates")

# Maintainer scripts and conffiles, with 0755/0644 as dpkg wants them.
set(_kiosk_deb_dir "${CMAKE_BINARY_DIR}/packaging/debian")
foreach(script postinst prerm postrm)
    configure_file("${CMAKE_SOURCE_DIR}/packaging/debian/${script}.in"
                   "${_kiosk_deb_dir}/${script}" @ONLY
                   FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
                                    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
file(WRITE "${_kiosk_deb_dir}/conffiles.tmp" "${KIOSK_SYSCONFDIR}/kiosk.conf\n")
configure_file("${_kiosk_deb_dir}/conffiles.tmp" "${_kiosk_deb_dir}/conffiles" COPYONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${_kiosk_deb_dir}/conffiles;${_kiosk_deb_dir}/postinst;${_kiosk_deb_dir}/prerm;${_kiosk_deb_dir}/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Debian wants a copyright file and a compressed changelog in the doc dir.
configure_file("${CMAKE_SOURCE_DIR}/packaging/debian/copyright"
               "${_kiosk_deb_dir}/copyright" COPYONLY)
configure_file("${CMAKE_SOURCE_DIR}/packaging/debian/changelog.in"
               "${_kiosk_deb_dir}/changelog" @ONLY)
add_custom_command(OUTPUT "${_kiosk_deb_dir}/changelog.Debian.gz"
    COMMAND "${GZIP_EXECUTABLE}" -9nc "${_kiosk_deb_dir}/changelog" > "${_kiosk_deb_dir}/changelog.Debian.gz"
    DEPENDS "${_kiosk_deb_dir}/changelog"
    COMMENT "Compressing the Debian changelog")
add_custom_target(kiosk_deb_changelog ALL DEPENDS "${_kiosk_deb_dir}/changelog.Debian.gz")
install(FILES "${_kiosk_deb_dir}/copyright" "${_kiosk_deb_dir}/changelog.Debian.gz"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# lintian overrides, each with its reason (packaging/debian/lintian-overrides).
install(FILES "${CMAKE_SOURCE_DIR}/packaging/debian/lintian-overrides"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/lintian/overrides"
        RENAME recovery-kiosk)

include(CPack)
