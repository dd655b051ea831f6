# haven_add_plugin(<target> SOURCES <file>... [OUTPUT_NAME <name>])
#
# Builds a haven native plugin: a MODULE library named <name>.so (default:
# the target name) that exports only haven_plugin_abi and haven_plugin_init
# (hidden visibility plus a version script) and links with -z defs, so a
# missing symbol fails the build instead of the load.
include_guard(GLOBAL)

function(haven_add_plugin target)
  set(_HAVEN_PLUGIN_MAP "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/haven_plugin.map")
  cmake_parse_arguments(P "" "OUTPUT_NAME" "SOURCES" ${ARGN})
  if(NOT P_SOURCES)
    message(FATAL_ERROR "haven_add_plugin(${target}): SOURCES is required")
  endif()
  if(NOT P_OUTPUT_NAME)
    set(P_OUTPUT_NAME ${target})
  endif()
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE haven::plugin_sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    OUTPUT_NAME "${P_OUTPUT_NAME}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_HAVEN_PLUGIN_MAP}")
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${_HAVEN_PLUGIN_MAP}"
    "LINKER:-z,defs")
endfunction()
