# SPDX-License-Identifier: MIT
# Where things are installed, shared by install.cmake, packaging.cmake and the
# deployment tests (tests/deploy, configured before install.cmake runs).
#   KIOSK_BINARY, KIOSK_CONFIG_FILE, KIOSK_DOCDIR, KIOSK_STATE_DIR: absolute
#   KIOSK_SYSTEMD_UNITDIR, KIOSK_UDEV_RULESDIR, KIOSK_ETC_INSTALLDIR: install
#     destinations (relative = under the prefix)
#   KIOSK_*_FULL: the same as absolute paths
include(GNUInstallDirs)

set(KIOSK_BINARY "${CMAKE_INSTALL_FULL_BINDIR}/recovery-kiosk")
set(KIOSK_CONFIG_FILE "${KIOSK_SYSCONFDIR}/kiosk.conf")
set(KIOSK_DOCDIR "${CMAKE_INSTALL_FULL_DOCDIR}")
set(KIOSK_STATE_DIR "/var/lib/recovery-kiosk")

# Destinations: absolute system paths for a /usr (package) install, relative
# ones otherwise so `cmake --install --prefix` and DESTDIR relocate them all.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    pkg_get_variable(_kiosk_unitdir systemd systemdsystemunitdir)
    pkg_get_variable(_kiosk_udevdir udev udevdir)
    if(NOT _kiosk_unitdir)
        set(_kiosk_unitdir "/lib/systemd/system")
    endif()
    if(NOT _kiosk_udevdir)
        set(_kiosk_udevdir "/lib/udev")
    endif()
    set(_kiosk_udevdir "${_kiosk_udevdir}/rules.d")
    set(_kiosk_etcdir "${CMAKE_INSTALL_FULL_SYSCONFDIR}/recovery-kiosk")
else()
    set(_kiosk_unitdir "lib/systemd/system")
    set(_kiosk_udevdir "lib/udev/rules.d")
    set(_kiosk_etcdir "${CMAKE_INSTALL_SYSCONFDIR}/recovery-kiosk")
endif()
set(KIOSK_SYSTEMD_UNITDIR "${_kiosk_unitdir}" CACHE STRING
    "Where the systemd unit is installed (relative = under the prefix)")
set(KIOSK_UDEV_RULESDIR "${_kiosk_udevdir}" CACHE STRING
    "Where the udev rule is installed (relative = under the prefix)")
set(KIOSK_ETC_INSTALLDIR "${_kiosk_etcdir}")

foreach(_kiosk_var SYSTEMD_UNITDIR UDEV_RULESDIR ETC_INSTALLDIR)
    if(KIOSK_${_kiosk_var} MATCHES "^/")
        set(KIOSK_${_kiosk_var}_FULL "${KIOSK_${_kiosk_var}}")
    else()
        set(KIOSK_${_kiosk_var}_FULL "${CMAKE_INSTALL_PREFIX}/${KIOSK_${_kiosk_var}}")
    endif()
endforeach()
