# Fuzz target for search's decoders of outside text (server/search/):
# query arguments, stored JSON strings, word folding and excerpts;
# include()d from tests/fuzz/CMakeLists.txt; ctest replays corpus/search/.
haven_add_fuzz_target(search_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/search_fuzz.cc
  LIBS haven_search
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/search)
