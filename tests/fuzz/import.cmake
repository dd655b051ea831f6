# Fuzz target for import input (ImportReader, EntryFromExportJson), include()d
# from tests/fuzz/CMakeLists.txt; ctest replays the seeds in corpus/import/.
haven_add_fuzz_target(import_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/import_fuzz.cc
  LIBS haven_insights
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/import)
