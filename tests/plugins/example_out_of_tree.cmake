# ctest driver: install haven's plugin component into a scratch prefix, move
# the prefix (the install must be relocatable), build plugins/examples out of
# tree against it with find_package(haven), and load the result.
foreach(var HAVEN_BUILD_DIR HAVEN_EXAMPLE_SOURCE_DIR HAVEN_WORK_DIR HAVEN_PLUGIN_CHECK
            HAVEN_GENERATOR HAVEN_NATIVE_PLUGIN_RELDIR HAVEN_MANIFEST_RELDIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${HAVEN_WORK_DIR}")
set(staged "${HAVEN_WORK_DIR}/staged")
set(prefix "${HAVEN_WORK_DIR}/moved prefix")  # a space, to catch quoting bugs
run(${CMAKE_COMMAND} --install "${HAVEN_BUILD_DIR}" --prefix "${staged}" --component haven_plugins)
file(RENAME "${staged}" "${prefix}")

# No absolute path of the original prefix may remain in the package files.
file(GLOB_RECURSE package_files "${prefix}/*.cmake")
if(NOT package_files)
  message(FATAL_ERROR "no CMake package files were installed")
endif()
foreach(f ${package_files})
  file(READ "${f}" text)
  string(FIND "${text}" "${staged}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${f} names the install prefix: not relocatable")
  endif()
endforeach()
foreach(path "include/haven/plugin.h" "${HAVEN_NATIVE_PLUGIN_RELDIR}/break.so"
             "${HAVEN_MANIFEST_RELDIR}/checkin.json")
  if(NOT EXISTS "${prefix}/${path}")
    message(FATAL_ERROR "the install lacks ${path}")
  endif()
endforeach()

set(build "${HAVEN_WORK_DIR}/example-build")
run(${CMAKE_COMMAND} -S "${HAVEN_EXAMPLE_SOURCE_DIR}" -B "${build}" -G "${HAVEN_GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${build}")

file(GLOB built "${build}/*.so")
if(NOT built)
  message(FATAL_ERROR "the example produced no .so in ${build}")
endif()
set(plugin_dir "${HAVEN_WORK_DIR}/user-plugins")
file(MAKE_DIRECTORY "${plugin_dir}")
file(COPY ${built} DESTINATION "${plugin_dir}")

# Loaded together with the installed built-ins, as a daemon would.
run("${HAVEN_PLUGIN_CHECK}" --expect walk
    --fields "{\"minutes\":30,\"steps\":3000,\"calm_before\":3,\"calm_after\":7}"
    "${prefix}/${HAVEN_NATIVE_PLUGIN_RELDIR}" "${prefix}/${HAVEN_MANIFEST_RELDIR}" "${plugin_dir}")
message(STATUS "${run_output}")
foreach(expected "type walk v1" "type scs-sf" "\"calm_change\":4" "summary ")
  string(FIND "${run_output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected \"${expected}\" in:\n${run_output}")
  endif()
endforeach()

# The plugin's own validate refuses implausible steps, with its message.
execute_process(COMMAND "${HAVEN_PLUGIN_CHECK}" --expect walk
    --fields "{\"minutes\":10,\"steps\":9000,\"calm_before\":3,\"calm_after\":7}" "${plugin_dir}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out)
string(FIND "${out}" "invalid: field \"steps\": 9000 steps in 10 minutes" at)
if(rc EQUAL 0 OR at EQUAL -1)
  message(FATAL_ERROR "the example's validate did not refuse implausible steps:\n${out}")
endif()
