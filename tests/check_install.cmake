# Installs the build into a scratch DESTDIR with prefix /usr, as the Debian
# package does, and checks what lands there: exactly the expected files, a
# menu entry and metainfo that their validators accept, man pages that render
# without a groff warning, and programs that report the project's version.
#   cmake -DBUILD=dir -DVERSION=x.y.z -DAPP_ID=id -DWORK=dir -P check_install.cmake
cmake_minimum_required(VERSION 3.25)

set(root ${WORK}/root)
file(REMOVE_RECURSE ${root})
execute_process(COMMAND ${CMAKE_COMMAND} -E env DESTDIR=${root} ${CMAKE_COMMAND} --install ${BUILD} --prefix /usr
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}); build everything first (the man pages are built by 'all'):\n${out}${err}")
endif()

set(expected
  usr/bin/mergelab
  usr/bin/mergelab-cli
  usr/share/applications/${APP_ID}.desktop
  usr/share/icons/hicolor/scalable/apps/mergelab.svg
  usr/share/man/man1/mergelab-cli.1.gz
  usr/share/man/man1/mergelab.1.gz
  usr/share/metainfo/${APP_ID}.metainfo.xml)
file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE ${root} ${root}/*)
list(SORT installed)
list(SORT expected)
if(NOT installed STREQUAL expected)
  string(REPLACE ";" "\n  " got "${installed}")
  string(REPLACE ";" "\n  " want "${expected}")
  message(FATAL_ERROR "installed files differ.\nGot:\n  ${got}\nExpected:\n  ${want}")
endif()

# Runs a command; fails the test with its output unless it exits 0 and
# writes nothing to stderr. Its stdout lands in the variable named OUT.
function(check out)
  execute_process(COMMAND ${ARGN} OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT stderr STREQUAL "")
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "'${command}' exited ${rc}:\n${stdout}${stderr}")
  endif()
  set(${out} "${stdout}" PARENT_SCOPE)
endfunction()

find_program(DESKTOP_FILE_VALIDATE desktop-file-validate REQUIRED)
find_program(APPSTREAMCLI appstreamcli REQUIRED)
find_program(MAN man REQUIRED)
check(ignored ${DESKTOP_FILE_VALIDATE} ${root}/usr/share/applications/${APP_ID}.desktop)
check(ignored ${APPSTREAMCLI} validate --no-net ${root}/usr/share/metainfo/${APP_ID}.metainfo.xml)

# Each page renders without a groff warning and carries the program's help:
# every subcommand the CLI lists has its section.
foreach(program mergelab mergelab-cli)
  check(page ${CMAKE_COMMAND} -E env LC_ALL=C.UTF-8 MANWIDTH=100 ${MAN} --warnings -l ${root}/usr/share/man/man1/${program}.1.gz)
  string(TOUPPER "${program}" title)
  foreach(needle "${title}(1)" "NAME" "--help" "MergeLab ${VERSION}")
    string(FIND "${page}" "${needle}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "the man page of ${program} lacks '${needle}':\n${page}")
    endif()
  endforeach()
endforeach()
check(help ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${root}/usr/bin/mergelab-cli --help)
string(FIND "${help}" "\nSubcommands:\n" at)
string(SUBSTRING "${help}" ${at} -1 listing)
string(FIND "${listing}" "\n\n" end)
string(SUBSTRING "${listing}" 0 ${end} listing)
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" commands "${listing}")
if(commands STREQUAL "")
  message(FATAL_ERROR "mergelab-cli --help lists no subcommands:\n${help}")
endif()
check(page ${CMAKE_COMMAND} -E env LC_ALL=C.UTF-8 MANWIDTH=100 ${MAN} -l ${root}/usr/share/man/man1/mergelab-cli.1.gz)
foreach(command IN LISTS commands)
  string(STRIP "${command}" command)
  string(FIND "${page}" "mergelab-cli ${command}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the man page of mergelab-cli has no section for '${command}'")
  endif()
endforeach()

# The installed programs report the version project() declares.
check(version ${root}/usr/bin/mergelab-cli --version)
if(NOT version STREQUAL "mergelab-cli ${VERSION}\n")
  message(FATAL_ERROR "mergelab-cli --version printed '${version}', expected 'mergelab-cli ${VERSION}'")
endif()
check(version ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${root}/usr/bin/mergelab --version)
if(NOT version STREQUAL "MergeLab ${VERSION}\n")
  message(FATAL_ERROR "mergelab --version printed '${version}', expected 'MergeLab ${VERSION}'")
endif()
message(STATUS "installed ${root}: ${installed}")
