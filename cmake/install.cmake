# SPDX-License-Identifier: MIT
# Install layout (GNUInstallDirs), included at the end of the top CMakeLists.
#
#   bin/recovery-kiosk
#   share/recovery-kiosk/{programs.conf,screening.conf,kiosk.conf.example,fonts/...}
#   <sysconfdir>/recovery-kiosk/kiosk.conf        (the Debian package's conffile)
#   <systemd system unit dir>/recovery-kiosk.service
#   <udev rules dir>/60-recovery-kiosk-gpio.rules
#   share/doc/recovery-kiosk/{INSTALL.md,README.md}
#
# With CMAKE_INSTALL_PREFIX=/usr the unit goes where pkg-config systemd says
# (/lib/systemd/system on Debian 12), otherwise under <prefix>/lib/systemd/system
# so an install into any prefix works without root.

include("${CMAKE_CURRENT_LIST_DIR}/install_dirs.cmake")

configure_file("${CMAKE_SOURCE_DIR}/systemd/recovery-kiosk.service.in"
               "${CMAKE_BINARY_DIR}/systemd/recovery-kiosk.service" @ONLY)

if(TARGET recovery-kiosk)
    install(TARGETS recovery-kiosk RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()

# Data files the binary finds under KIOSK_DATADIR.
set(KIOSK_ASSET_DATADIR "${CMAKE_INSTALL_DATADIR}/recovery-kiosk")
foreach(asset programs.conf screening.conf)
    if(EXISTS "${KIOSK_SOURCE_ASSETS}/${asset}")
        install(FILES "${KIOSK_SOURCE_ASSETS}/${asset}" DESTINATION "${KIOSK_ASSET_DATADIR}")
    endif()
endforeach()
foreach(dir fonts icons i18n)
    if(IS_DIRECTORY "${KIOSK_SOURCE_ASSETS}/${dir}")
        install(DIRECTORY "${KIOSK_SOURCE_ASSETS}/${dir}" DESTINATION "${KIOSK_ASSET_DATADIR}"
                FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    endif()
endforeach()

# The example config: a pristine copy in share, and the live one under /etc
# with its paths pointing at this install (programs, screening, state).
if(EXISTS "${KIOSK_SOURCE_ASSETS}/kiosk.conf")
    set(_kiosk_example "${KIOSK_SOURCE_ASSETS}/kiosk.conf")
elseif(EXISTS "${KIOSK_SOURCE_ASSETS}/kiosk.conf.example")
    set(_kiosk_example "${KIOSK_SOURCE_ASSETS}/kiosk.conf.example")
endif()
if(_kiosk_example)
    file(READ "${_kiosk_example}" _kiosk_conf)
    string(REGEX REPLACE "(^|\n)programs[ \t]*=[^\n]*" "\\1programs = ${KIOSK_DATADIR}/programs.conf"
           _kiosk_conf "${_kiosk_conf}")
    string(REGEX REPLACE "(^|\n)screening[ \t]*=[^\n]*" "\\1screening = ${KIOSK_DATADIR}/screening.conf"
           _kiosk_conf "${_kiosk_conf}")
    string(REGEX REPLACE "(^|\n)state_dir[ \t]*=[^\n]*" "\\1state_dir = ${KIOSK_STATE_DIR}"
           _kiosk_conf "${_kiosk_conf}")
    file(WRITE "${CMAKE_BINARY_DIR}/etc/kiosk.conf.tmp" "${_kiosk_conf}")
    configure_file("${CMAKE_BINARY_DIR}/etc/kiosk.conf.tmp" "${CMAKE_BINARY_DIR}/etc/kiosk.conf" COPYONLY)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_kiosk_example}")
    install(FILES "${CMAKE_BINARY_DIR}/etc/kiosk.conf"
            DESTINATION "${KIOSK_ASSET_DATADIR}" RENAME kiosk.conf.example)
    install(FILES "${CMAKE_BINARY_DIR}/etc/kiosk.conf"
            DESTINATION "${KIOSK_ETC_INSTALLDIR}")
endif()

install(FILES "${CMAKE_BINARY_DIR}/systemd/recovery-kiosk.service"
        DESTINATION "${KIOSK_SYSTEMD_UNITDIR}")
install(FILES "${CMAKE_SOURCE_DIR}/systemd/60-recovery-kiosk-gpio.rules"
        DESTINATION "${KIOSK_UDEV_RULESDIR}")

foreach(doc docs/INSTALL.md README.md)
    if(EXISTS "${CMAKE_SOURCE_DIR}/${doc}")
        install(FILES "${CMAKE_SOURCE_DIR}/${doc}" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
    endif()
endforeach()
