# SPDX-License-Identifier: MIT
# Build one catalogue: msgfmt --check, and refuse a language that is not
# complete (a half-translated screen would switch language mid-sentence).
#   cmake -DMSGFMT=... -DPO=... -DMO=... -P check_mo.cmake
execute_process(COMMAND "${MSGFMT}" --check --statistics -o "${MO}" "${PO}"
                RESULT_VARIABLE rc ERROR_VARIABLE stats OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PO}: msgfmt failed:\n${stats}")
endif()
if(stats MATCHES "fuzzy|untranslated")
    file(REMOVE "${MO}")
    message(FATAL_ERROR "${PO} is not complete (${stats}); translate every entry "
                        "(po/update-po.sh merges new strings) or remove the language from po/LINGUAS")
endif()
