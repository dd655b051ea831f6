# Fuzz target for sealed records (ParseRecordHeader, OpenRecord, RecordBody /
# EntryState parsing and the merge), include()d from tests/fuzz/CMakeLists.txt.
# With clang and HAVEN_FUZZ=ON it is a libFuzzer binary; otherwise a plain
# executable replaying the files and folders named on its command line.
# Either way ctest replays the seeds in corpus/record/.
add_executable(record_fuzz ${CMAKE_CURRENT_LIST_DIR}/record_fuzz.cc)
target_link_libraries(record_fuzz PRIVATE haven_journal)
set(_haven_record_corpus ${CMAKE_CURRENT_LIST_DIR}/corpus/record)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND HAVEN_FUZZ)
  target_compile_options(record_fuzz PRIVATE -fsanitize=fuzzer)
  target_link_options(record_fuzz PRIVATE -fsanitize=fuzzer)
  add_test(NAME record_fuzz_corpus COMMAND record_fuzz -runs=0 ${_haven_record_corpus})
else()
  target_sources(record_fuzz PRIVATE ${CMAKE_CURRENT_LIST_DIR}/fuzz_replay_main.cc)
  add_test(NAME record_fuzz_corpus COMMAND record_fuzz ${_haven_record_corpus})
endif()
set_tests_properties(record_fuzz_corpus PROPERTIES TIMEOUT 120)

# Regenerates the seeds (they are sealed under the target's fixed test key):
#   cmake --build BUILD --target record_fuzz_seeds && BUILD/tests/fuzz/record_fuzz_seeds DIR
add_executable(record_fuzz_seeds EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/record_fuzz.cc)
target_compile_definitions(record_fuzz_seeds PRIVATE HAVEN_RECORD_FUZZ_SEEDS)
target_link_libraries(record_fuzz_seeds PRIVATE haven_journal)
