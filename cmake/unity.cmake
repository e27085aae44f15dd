# Unity groups: a target's sources compiled a few at a time in one
# translation unit, so the headers they share (Qt Widgets, nlohmann/json,
# CLI11, spdlog) are parsed once per group instead of once per file. On the
# 2-core machines MergeLab is first built on, this halves the compiler time
# of a first build. A developer who edits one file often can configure with
# -DMERGELAB_UNITY=OFF to compile file by file.
option(MERGELAB_UNITY "Compile sources in unity groups (faster first builds)" ON)

# mergelab_unity_groups(TARGET PREFIX COUNT SOURCES...): deals SOURCES out to
# COUNT groups named PREFIX_0.., in turn, and turns grouping on for TARGET.
# Sources not dealt out compile on their own.
function(mergelab_unity_groups target prefix count)
  if(NOT MERGELAB_UNITY)
    return()
  endif()
  set(i 0)
  foreach(source ${ARGN})
    math(EXPR group "${i} % ${count}")
    set_property(SOURCE ${source} PROPERTY UNITY_GROUP ${prefix}_${group})
    math(EXPR i "${i} + 1")
  endforeach()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
endfunction()
