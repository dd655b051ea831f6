# Fuzz target for the decoder of index snapshots' plaintext
# (server/journal/view_index.h, Restore); include()d from
# tests/fuzz/CMakeLists.txt; ctest replays corpus/snapshot/.
haven_add_fuzz_target(snapshot_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/snapshot_fuzz.cc
  LIBS haven_journal
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/snapshot)
