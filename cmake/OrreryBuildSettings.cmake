# One INTERFACE target carries the language level, warnings and Qt defines for every target.
add_library(orrery_build_settings INTERFACE)
add_library(Orrery::BuildSettings ALIAS orrery_build_settings)

target_compile_features(orrery_build_settings INTERFACE cxx_std_20)
target_compile_options(orrery_build_settings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Woverloaded-virtual -Wcast-qual -Wformat=2 -Wundef)
if(ORRERY_WERROR)
    target_compile_options(orrery_build_settings INTERFACE -Werror)
endif()
target_compile_definitions(orrery_build_settings INTERFACE
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_RESTRICTED_CAST_FROM_ASCII
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    ORRERY_VERSION="${PROJECT_VERSION}")

if(ORRERY_SANITIZE)
    string(REPLACE ";" "," _orrery_sanitizers "${ORRERY_SANITIZE}")
    target_compile_options(orrery_build_settings INTERFACE
        -fsanitize=${_orrery_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=undefined
        $<$<CONFIG:Debug>:-D_GLIBCXX_ASSERTIONS>)
    target_link_options(orrery_build_settings INTERFACE -fsanitize=${_orrery_sanitizers})
endif()

# orrery_add_test(<name> SOURCES <files> LIBS <libs> [ENVIRONMENT <k=v>...] [LAUNCHER <cmd>...])
# One Qt Test executable per test class, linked to the library under test only. LAUNCHER runs
# it through a command (e.g. a script that provides a private D-Bus session and keyring).
function(orrery_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;ENVIRONMENT;LABELS;LAUNCHER" ${ARGN})
    if(NOT ARG_SOURCES)
        set(ARG_SOURCES ${name}.cpp)
    endif()
    qt_add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} Qt6::Test Orrery::BuildSettings)
    target_compile_definitions(${name} PRIVATE
        ORRERY_TEST_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data"
        ORRERY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    add_test(NAME ${name} COMMAND ${ARG_LAUNCHER} $<TARGET_FILE:${name}>)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${ARG_ENVIRONMENT}")
    if(ARG_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
    endif()
endfunction()
