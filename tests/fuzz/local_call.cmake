# Fuzz target for the local call protocol's decoders (common/local_call.h):
# a request as havend reads it and a reply as the CLI reads it;
# include()d from tests/fuzz/CMakeLists.txt; ctest replays corpus/local_call/.
haven_add_fuzz_target(local_call_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/local_call_fuzz.cc
  LIBS haven_common
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/local_call)
