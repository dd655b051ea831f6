# The hub's login doors end to end: pinned hub ids, registration proofs,
# loopback by parsing. Included from tests/e2e/CMakeLists.txt.
haven_add_test(e2e_hub_login_test
  SOURCES hub_login_test.cc
  LIBS haven_sync_e2e_harness haven_hub haven_crypto haven_proto)
add_dependencies(e2e_hub_login_test haven havend haven_builtin_plugins)
