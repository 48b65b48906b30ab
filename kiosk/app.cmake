# SPDX-License-Identifier: MIT
# The recovery-kiosk executable: main.c wires the layers together.
add_executable(recovery-kiosk "${CMAKE_CURRENT_SOURCE_DIR}/main.c")
target_link_libraries(recovery-kiosk PRIVATE
    kiosk_ui kiosk_mqtt kiosk_store kiosk_service kiosk_config kiosk_core kiosk_drivers kiosk_warnings)
target_compile_definitions(recovery-kiosk PRIVATE
    KIOSK_VERSION="${PROJECT_VERSION}"
    KIOSK_GPIO_BACKEND="libgpiod ${GPIOD_VERSION}"
    KIOSK_DEFAULT_CONFIG="${KIOSK_SYSCONFDIR}/kiosk.conf"
    KIOSK_DEFAULT_ASSETS="${KIOSK_DATADIR}")
