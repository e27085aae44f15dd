# Writes a man page from a program's own --help, at build time, so the page
# says what the installed program says. Run with cmake -P:
#   -DPROGRAM=path -DNAME=mergelab-cli -DVERSION=x.y.z -DSUMMARY="one line"
#   -DOUT=file.1 [-DSUBCOMMANDS=ON] [-DSEE_ALSO=mergelab]
# writes OUT and, gzipped as Debian installs man pages, OUT.gz.
# With SUBCOMMANDS=ON, every command listed under "Subcommands:" in the help
# gets its own section from `PROGRAM COMMAND --help`.
cmake_minimum_required(VERSION 3.25)
foreach(var PROGRAM NAME VERSION SUMMARY OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "man_page.cmake: ${var} is not set")
  endif()
endforeach()

# The help text of PROGRAM with ARGN appended. The desktop app reads --help
# before it opens a window; the offscreen platform keeps it that way anywhere.
function(help_of out)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${PROGRAM} ${ARGN} --help
    OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "man_page.cmake: '${PROGRAM} ${ARGN} --help' exited ${rc}: ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Roff escapes: a backslash is \e, a hyphen a real \- (so options copy and
# search as typed), and a line may not begin with a control character.
function(roff out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REPLACE "\n." "\n\\&." text "\n${text}")
  string(REPLACE "\n'" "\n\\&'" text "${text}")
  string(SUBSTRING "${text}" 1 -1 text)
  string(STRIP "${text}" text)
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

string(TOUPPER "${NAME}" title)
roff(title_roff "${title}")
roff(name_roff "${NAME}")
roff(summary_roff "${SUMMARY}")
help_of(help)
roff(help_roff "${help}")
set(page ".TH ${title_roff} 1 \"\" \"MergeLab ${VERSION}\" \"User Commands\"
.SH NAME
${name_roff} \\- ${summary_roff}
.SH DESCRIPTION
The text below is the program's own
.B \\-\\-help
output.
.PP
.nf
${help_roff}
.fi
")

if(SUBCOMMANDS)
  string(FIND "${help}" "\nSubcommands:\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "man_page.cmake: '${PROGRAM} --help' lists no subcommands")
  endif()
  string(SUBSTRING "${help}" ${at} -1 listing)
  string(FIND "${listing}" "\n\n" end)
  if(NOT end EQUAL -1)
    string(SUBSTRING "${listing}" 0 ${end} listing)
  endif()
  string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" commands "${listing}")
  string(APPEND page ".SH COMMANDS\n")
  foreach(command IN LISTS commands)
    string(STRIP "${command}" command)
    help_of(sub ${command})
    roff(sub_roff "${sub}")
    roff(command_roff "${command}")
    string(APPEND page ".SS \"${name_roff} ${command_roff}\"\n.nf\n${sub_roff}\n.fi\n")
  endforeach()
endif()

if(DEFINED SEE_ALSO)
  roff(see_roff "${SEE_ALSO}")
  string(APPEND page ".SH SEE ALSO\n.BR ${see_roff} (1)\n")
endif()

file(WRITE "${OUT}" "${page}")
file(ARCHIVE_CREATE OUTPUT "${OUT}.gz.tmp" PATHS "${OUT}" FORMAT raw COMPRESSION GZip)
file(RENAME "${OUT}.gz.tmp" "${OUT}.gz")
