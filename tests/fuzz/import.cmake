# Fuzz target for import input (ImportReader, EntryFromExportJson), meant to
# be include()d from tests/fuzz/CMakeLists.txt. With clang and HAVEN_FUZZ=ON
# it is a libFuzzer binary; otherwise a plain executable replaying the files
# and folders named on its command line. Either way ctest replays the seeds.
add_executable(import_fuzz ${CMAKE_CURRENT_LIST_DIR}/import_fuzz.cc)
target_link_libraries(import_fuzz PRIVATE haven_insights)
set(_haven_import_corpus ${CMAKE_CURRENT_LIST_DIR}/corpus/import)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND HAVEN_FUZZ)
  target_compile_options(import_fuzz PRIVATE -fsanitize=fuzzer)
  target_link_options(import_fuzz PRIVATE -fsanitize=fuzzer)
  add_test(NAME import_fuzz_corpus COMMAND import_fuzz -runs=0 ${_haven_import_corpus})
else()
  target_compile_definitions(import_fuzz PRIVATE HAVEN_FUZZ_REPLAY_MAIN)
  add_test(NAME import_fuzz_corpus COMMAND import_fuzz ${_haven_import_corpus})
endif()
set_tests_properties(import_fuzz_corpus PROPERTIES TIMEOUT 120)
