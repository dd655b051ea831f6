# Fuzz target for the bounded JSON parser (server/util/json_bounded.h),
# include()d from tests/fuzz/CMakeLists.txt; ctest replays the seeds in
# corpus/json/ (the first byte of each seed is the depth limit modulo 32).
haven_add_fuzz_target(json_bounded_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/json_bounded_fuzz.cc
  LIBS haven_util
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/json)
