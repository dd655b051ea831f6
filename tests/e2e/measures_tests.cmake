# End-to-end tests of the measures (docs/measures.md): stats, the HTML report
# in a headless browser, and sync through a hub. Included from
# tests/e2e/CMakeLists.txt.
haven_add_test(measures_e2e_test
  SOURCES measures_test.cc
  LIBS haven_sync_e2e_harness)
add_dependencies(measures_e2e_test haven havend haven_builtin_plugins)
