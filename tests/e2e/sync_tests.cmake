# Sync end-to-end tests: a real hub and device daemons on loopback.
# Included from tests/e2e/CMakeLists.txt; owned by the sync tests.
add_executable(haven_tamper_tool tamper_tool.cc)
target_link_libraries(haven_tamper_tool PRIVATE haven_store)
add_executable(haven_forge_push_tool forge_push_tool.cc)
target_link_libraries(haven_forge_push_tool PRIVATE haven_sync)

add_library(haven_sync_e2e_harness STATIC sync_harness.cc)
target_link_libraries(haven_sync_e2e_harness PUBLIC haven_e2e_harness)
target_compile_definitions(haven_sync_e2e_harness PRIVATE
  TAMPER_TOOL="$<TARGET_FILE:haven_tamper_tool>"
  FORGE_PUSH_TOOL="$<TARGET_FILE:haven_forge_push_tool>")
add_dependencies(haven_sync_e2e_harness haven_tamper_tool haven_forge_push_tool)

haven_add_test(e2e_sync_test
  SOURCES
    sync_basic_test.cc
    sync_clock_drift_test.cc
    sync_failure_test.cc
    sync_convergence_test.cc
    sync_limits_test.cc
    sync_report_test.cc
    sync_tls_test.cc
  LIBS haven_sync_e2e_harness)
add_dependencies(e2e_sync_test haven havend haven_builtin_plugins haven_tamper_tool
  haven_forge_push_tool)
