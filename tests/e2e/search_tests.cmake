# `haven search` end to end: one home, and two devices through a hub.
# Included from tests/e2e/CMakeLists.txt; owned by the search tests.
haven_add_test(e2e_search_test
  SOURCES search_test.cc
  LIBS haven_sync_e2e_harness)
add_dependencies(e2e_search_test haven havend haven_builtin_plugins)
