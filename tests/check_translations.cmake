# Runs lupdate over the translated sources into a copy of each .ts and fails
# when any entry is unfinished: every visible string ships in Korean and
# English. Called by ctest with -DLUPDATE=... -DTS_FILES=... -DSOURCES=...
# -DWORK=... (a scratch folder).
cmake_policy(SET CMP0057 NEW) # if(... IN_LIST ...)
file(MAKE_DIRECTORY ${WORK})
set(failed 0)
foreach(ts IN LISTS TS_FILES PLURAL_TS_FILES)
  get_filename_component(name ${ts} NAME)
  configure_file(${ts} ${WORK}/${name} COPYONLY)
  # English carries only plural forms of its own source texts.
  set(only)
  if(ts IN_LIST PLURAL_TS_FILES)
    set(only -pluralonly)
  endif()
  execute_process(COMMAND ${LUPDATE} -silent ${only} -locations none ${SOURCES} -ts ${WORK}/${name}
                  RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
  if(NOT result EQUAL 0)
    message(SEND_ERROR "lupdate failed on ${name}")
  endif()
  file(STRINGS ${WORK}/${name} unfinished REGEX "type=\"unfinished\"")
  list(LENGTH unfinished count)
  message(STATUS "${name}: ${count} unfinished")
  if(count GREATER 0)
    file(STRINGS ${WORK}/${name} lines)
    set(failed 1)
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "translations are unfinished: run the update_translations target and translate them")
endif()
