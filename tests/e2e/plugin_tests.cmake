# End-to-end tests of exercise plugins (docs/plugins.md): the real haven and
# havend binaries with built-in, manifest, synced and out-of-tree native types.
# Included from tests/e2e/CMakeLists.txt.
add_library(haven_e2e_plugin_harness STATIC plugin_harness.cc builtin_spec.cc)
target_link_libraries(haven_e2e_plugin_harness PUBLIC haven_e2e_harness)
target_compile_definitions(haven_e2e_plugin_harness PRIVATE
  HAVEN_E2E_CMAKE_COMMAND="${CMAKE_COMMAND}"
  HAVEN_E2E_CMAKE_GENERATOR="${CMAKE_GENERATOR}"
  HAVEN_E2E_BUILD_DIR="${CMAKE_BINARY_DIR}"
  HAVEN_E2E_EXAMPLE_SOURCE_DIR="${PROJECT_SOURCE_DIR}/plugins/examples")

haven_add_test(plugins_e2e_test
  SOURCES
    plugins_builtin_test.cc
    plugins_measures_test.cc
    plugins_manifest_test.cc
    plugins_prompt_test.cc
    plugins_sync_test.cc
    plugins_example_test.cc
  LIBS haven_e2e_plugin_harness)
# The tests run what the build just produced, and install the plugin SDK.
add_dependencies(plugins_e2e_test haven havend haven_builtin_plugins)
