# Hostile data end-to-end tests: JSON nested too deep from the command line
# and from a compromised device through a real hub, and view rows moved or
# rolled back on disk (tamper_tool's device modes). Included from
# tests/e2e/CMakeLists.txt after sync_tests.cmake, whose harness they use.
# tamper_tool's modes on a device's store (swap-view, save-view,
# restore-view, seal-deep) live in their own file.
target_sources(haven_tamper_tool PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tamper_store.cc)
target_link_libraries(haven_tamper_tool PRIVATE haven_proto)

haven_add_test(e2e_hostile_test
  SOURCES hostile_data_test.cc
  LIBS haven_sync_e2e_harness)
add_dependencies(e2e_hostile_test haven havend haven_builtin_plugins haven_tamper_tool)
