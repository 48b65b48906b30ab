# SPDX-License-Identifier: MIT
# Install layout (GNUInstallDirs), included at the end of the top CMakeLists.
#
#   bin/recovery-kiosk
#   share/recovery-kiosk/{programs.conf,screening.conf,kiosk.conf.example,fonts/...}
#   <sysconfdir>/recovery-kiosk/kiosk.conf        (the Debian package's conffile)
#   <systemd system unit dir>/recovery-kiosk.service
#   <udev rules dir>/60-recovery-kiosk-gpio.rules
#   share/doc/recovery-kiosk/{installers-guide.md,README.md,copyright,changelog.Debian.gz}
#   share/man/man1/recovery-kiosk.1.gz
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
# Fonts: a Debian install links the DejaVu files of fonts-dejavu-core (one
# copy on the system, security updates from Debian); other installs copy the
# bundled ones.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(_kiosk_system_fonts_default ON)
else()
    set(_kiosk_system_fonts_default OFF)
endif()
option(KIOSK_SYSTEM_FONTS "Link the DejaVu fonts of fonts-dejavu-core instead of copying them"
       ${_kiosk_system_fonts_default})
set(KIOSK_SYSTEM_FONT_DIR "/usr/share/fonts/truetype/dejavu")
if(KIOSK_SYSTEM_FONTS)
    file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/fonts-links")
    foreach(font DejaVuSans.ttf DejaVuSans-Bold.ttf)
        # Relative, as Debian policy wants for links within /usr.
        file(RELATIVE_PATH _kiosk_font_link "${KIOSK_DATADIR}/fonts" "${KIOSK_SYSTEM_FONT_DIR}/${font}")
        file(CREATE_LINK "${_kiosk_font_link}" "${CMAKE_BINARY_DIR}/fonts-links/${font}" SYMBOLIC)
        install(FILES "${CMAKE_BINARY_DIR}/fonts-links/${font}" DESTINATION "${KIOSK_ASSET_DATADIR}/fonts")
    endforeach()
endif()
foreach(dir fonts icons i18n)
    if(dir STREQUAL "fonts" AND KIOSK_SYSTEM_FONTS)
        continue()
    endif()
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

# The installer's guide (installed under a name lintian does not take for
# upstream build instructions) and the manual page.
install(FILES "${CMAKE_SOURCE_DIR}/docs/INSTALL.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}"
        RENAME installers-guide.md)
if(EXISTS "${CMAKE_SOURCE_DIR}/README.md")
    install(FILES "${CMAKE_SOURCE_DIR}/README.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
endif()
configure_file("${CMAKE_SOURCE_DIR}/packaging/recovery-kiosk.1.in"
               "${CMAKE_BINARY_DIR}/man/recovery-kiosk.1" @ONLY)
find_program(GZIP_EXECUTABLE gzip REQUIRED)
add_custom_command(OUTPUT "${CMAKE_BINARY_DIR}/man/recovery-kiosk.1.gz"
    COMMAND "${GZIP_EXECUTABLE}" -9nc "${CMAKE_BINARY_DIR}/man/recovery-kiosk.1"
            > "${CMAKE_BINARY_DIR}/man/recovery-kiosk.1.gz"
    DEPENDS "${CMAKE_BINARY_DIR}/man/recovery-kiosk.1"
    COMMENT "Compressing the manual page")
add_custom_target(kiosk_manpage ALL DEPENDS "${CMAKE_BINARY_DIR}/man/recovery-kiosk.1.gz")
install(FILES "${CMAKE_BINARY_DIR}/man/recovery-kiosk.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
