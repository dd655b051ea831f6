# haven_link_static(<target>
#                   LIBS <haven libraries>...
#                   [HEADER_ONLY <targets>...]
#                   [ARCHIVES <names>...]
#                   [ENABLED <bool>]
#                   [WITHOUT_TLS])
#
# Links <target> against Debian's static archives of gRPC, protobuf,
# Abseil, OpenSSL, re2, c-ares and zlib (plus ARCHIVES, named without
# "lib" and ".a", e.g. rocksdb sodium) instead of their shared libraries,
# with libstdc++ and libgcc linked in too. A binary linking the shared ones
# needs ~60 libraries: a short-lived `haven` spent most of its run in the
# dynamic loader relocating them, and a long-lived havend kept ~25 MB of
# library pages resident that relocating and running had touched
# (docs/performance.md). Native plugins are unaffected: they talk to the
# daemon through the C ABI only.
#
# LIBS are haven's own static libraries (haven_proto, haven_util...). Their
# usage requirements name the shared gRPC/protobuf/Abseil/RocksDB targets,
# so in static mode their archive files, and those of every haven library
# they link, are linked by file; their include directories are taken over.
# HEADER_ONLY targets (CLI11, nlohmann_json) are linked as usual.
#
# WITHOUT_TLS links gRPC's build without TLS (libgrpc++_unsecure.a,
# libgrpc_unsecure.a) and no OpenSSL: for a binary that only ever speaks to
# a Unix socket with insecure credentials. It halves the CLI's code, and
# with it the TLS, xDS and load-balancing plugins gRPC registers when the
# first channel is made.
#
# Falls back to the plain shared link of LIBS when ENABLED is false, under
# HAVEN_SANITIZE, or when an archive is missing.
include_guard(GLOBAL)
include(CheckLinkerFlag)

# The haven static libraries `libs` link, transitively (not imported ones).
function(_haven_project_archives out)
  set(found)
  set(todo ${ARGN})
  while(todo)
    list(POP_FRONT todo lib)
    if(NOT TARGET ${lib} OR lib IN_LIST found)
      continue()
    endif()
    get_target_property(imported ${lib} IMPORTED)
    get_target_property(type ${lib} TYPE)
    if(imported OR NOT type STREQUAL "STATIC_LIBRARY")
      continue()
    endif()
    list(APPEND found ${lib})
    get_target_property(deps ${lib} LINK_LIBRARIES)
    if(deps)
      list(APPEND todo ${deps})
    endif()
  endwhile()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

# Full paths of lib<name>.a for each name and of every Abseil archive;
# `ok` is false when one is missing.
function(_haven_third_party_archives out ok without_tls)
  set(archives)
  set(all_found ON)
  if(without_tls)
    set(grpc_archives grpc++_unsecure grpc_unsecure)
  else()
    set(grpc_archives grpc++ grpc ssl crypto)
  endif()
  foreach(name ${ARGN} ${grpc_archives} gpr upb address_sorting re2 cares z protobuf)
    find_library(HAVEN_STATIC_${name} NAMES lib${name}.a NO_CACHE)
    if(NOT HAVEN_STATIC_${name})
      message(STATUS "lib${name}.a not found")
      set(all_found OFF)
    endif()
    list(APPEND archives ${HAVEN_STATIC_${name}})
  endforeach()
  # Every Abseil archive: inside the group the linker takes only the
  # members something refers to, so the exact list does not matter.
  get_filename_component(libdir "${HAVEN_STATIC_gpr}" DIRECTORY)
  file(GLOB absl_archives "${libdir}/libabsl_*.a")
  if(NOT absl_archives)
    message(STATUS "Abseil archives not found")
    set(all_found OFF)
  endif()
  set(${out} ${archives} ${absl_archives} PARENT_SCOPE)
  set(${ok} ${all_found} PARENT_SCOPE)
endfunction()

function(haven_link_static target)
  cmake_parse_arguments(S "WITHOUT_TLS" "ENABLED" "LIBS;HEADER_ONLY;ARCHIVES" ${ARGN})
  if(NOT DEFINED S_ENABLED)
    set(S_ENABLED ON)
  endif()
  set(static_ok OFF)
  if(S_ENABLED AND NOT HAVEN_SANITIZE)
    _haven_third_party_archives(third_party static_ok "${S_WITHOUT_TLS}" ${S_ARCHIVES})
  endif()
  if(NOT static_ok)
    message(STATUS "${target}: linking gRPC, protobuf and Abseil shared")
    target_link_libraries(${target} PRIVATE ${S_LIBS} ${S_HEADER_ONLY})
    return()
  endif()

  list(JOIN S_ARCHIVES " " extra)
  message(STATUS "${target}: linking static gRPC/protobuf/Abseil ${extra}")
  _haven_project_archives(project_libs ${S_LIBS})
  set(project_archives)
  foreach(lib ${project_libs})
    list(APPEND project_archives $<TARGET_FILE:${lib}>)
    target_include_directories(${target} PRIVATE
      $<TARGET_PROPERTY:${lib},INTERFACE_INCLUDE_DIRECTORIES>)
  endforeach()
  add_dependencies(${target} ${project_libs})
  target_compile_options(${target} PRIVATE -pthread)  # as the gRPC/Abseil targets would add
  # One group: the haven libraries, gRPC, upb, Abseil and protobuf refer
  # to each other in cycles.
  target_link_libraries(${target} PRIVATE ${S_HEADER_ONLY}
    -Wl,--start-group ${project_archives} ${third_party} -Wl,--end-group
    -pthread ${CMAKE_DL_LIBS} m)
  # Unused sections of the archives are dropped: a smaller binary and
  # fewer pages touched at start.
  target_link_options(${target} PRIVATE -Wl,--gc-sections -Wl,--as-needed
    -static-libstdc++ -static-libgcc)
  # The ~50,000 relative relocations of a position-independent binary this
  # size take 1.2 MB as RELA entries, all read at every start; packed
  # (DT_RELR, glibc >= 2.36) they take 11 KB.
  check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" HAVEN_LINKER_PACKS_RELOCS)
  if(HAVEN_LINKER_PACKS_RELOCS)
    target_link_options(${target} PRIVATE -Wl,-z,pack-relative-relocs)
  endif()
endfunction()
