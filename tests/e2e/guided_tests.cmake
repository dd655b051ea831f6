# End-to-end tests of guided logging on a terminal and of `haven` with no
# arguments. Included from tests/e2e/CMakeLists.txt.
haven_add_test(guided_e2e_test
  SOURCES
    guided_log_test.cc
    guided_measures_test.cc
    short_help_test.cc
  LIBS haven_e2e_plugin_harness)
add_dependencies(guided_e2e_test haven havend haven_builtin_plugins)
