# Device, key epoch and migration end-to-end tests (docs/design.md,
# "Devices and key epochs"): a real hub and three devices, raw records read
# back with raw_record_tool, and the v1 fixture vault of fixtures/.
# Included from tests/e2e/CMakeLists.txt after sync_tests.cmake, whose
# harness they use.
add_executable(haven_raw_record_tool raw_record_tool.cc device_forge.cc)
target_link_libraries(haven_raw_record_tool PRIVATE haven_journal haven_store haven_crypto haven_proto
  nlohmann_json::nlohmann_json gRPC::grpc++)

add_library(haven_devices_e2e_harness STATIC devices_harness.cc)
target_link_libraries(haven_devices_e2e_harness PUBLIC haven_sync_e2e_harness)
target_compile_definitions(haven_devices_e2e_harness PRIVATE
  RAW_RECORD_TOOL="$<TARGET_FILE:haven_raw_record_tool>")
add_dependencies(haven_devices_e2e_harness haven_raw_record_tool)

haven_add_test(e2e_devices_test
  SOURCES devices_test.cc rekey_test.cc migration_test.cc
  LIBS haven_devices_e2e_harness)
target_compile_definitions(e2e_devices_test PRIVATE
  V1_FIXTURE_DIR="${CMAKE_CURRENT_SOURCE_DIR}/fixtures")
add_dependencies(e2e_devices_test haven havend haven_builtin_plugins haven_raw_record_tool)

haven_add_test(e2e_revoke_cut_test
  SOURCES revoke_cut_test.cc
  LIBS haven_devices_e2e_harness)
add_dependencies(e2e_revoke_cut_test haven havend haven_builtin_plugins haven_raw_record_tool)
