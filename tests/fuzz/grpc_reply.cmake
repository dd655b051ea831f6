# Fuzz target for what the CLI reads from its daemon (cli/grpc_call.h):
# HTTP/2 frames through nghttp2 and the gRPC answer they carry;
# include()d from tests/fuzz/CMakeLists.txt; ctest replays corpus/grpc_reply/
# (seeds made by make_grpc_reply_seeds.py beside this file).
haven_add_fuzz_target(grpc_reply_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/grpc_reply_fuzz.cc
  LIBS haven_cli
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/grpc_reply)
