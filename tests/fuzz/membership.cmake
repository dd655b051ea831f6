# Fuzz target for membership records (ParseMemberRecord, Membership::Add and
# every query), include()d from tests/fuzz/CMakeLists.txt; ctest replays the
# seeds in corpus/membership/.
haven_add_fuzz_target(membership_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/membership_fuzz.cc
  LIBS haven_membership
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/membership)

# Regenerates the seeds (signed by the target's fixed test keys):
#   cmake --build BUILD --target membership_fuzz_seeds && BUILD/bin/membership_fuzz_seeds DIR
add_executable(membership_fuzz_seeds EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/membership_fuzz.cc)
target_compile_definitions(membership_fuzz_seeds PRIVATE HAVEN_MEMBERSHIP_FUZZ_SEEDS)
target_link_libraries(membership_fuzz_seeds PRIVATE haven_membership)
