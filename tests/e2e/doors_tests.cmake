# End-to-end tests of the daemon's hardening: no core dumps, native plugins
# checked before dlopen, export's .partial file, no vault content in
# havend.log, passphrase strength. Included from tests/e2e/CMakeLists.txt.

# Shares a custom type through a vault with a manifest this haven refuses.
add_executable(haven_forge_vault_type forge_vault_type.cc)
target_link_libraries(haven_forge_vault_type PRIVATE haven_vault)

haven_add_test(e2e_doors_test
  SOURCES
    export_partial_test.cc
    hardening_test.cc
    log_privacy_test.cc
    passphrase_strength_e2e_test.cc
    plugin_trust_e2e_test.cc
  LIBS haven_e2e_harness)
target_compile_definitions(e2e_doors_test PRIVATE
  FORGE_VAULT_TYPE_TOOL="$<TARGET_FILE:haven_forge_vault_type>"
  HAVEN_TEST_PLUGIN_DIR="${CMAKE_BINARY_DIR}/tests/plugins/test_plugins")
add_dependencies(e2e_doors_test haven havend haven_builtin_plugins haven_forge_vault_type
  haven_test_plugin_constructor_marker)
