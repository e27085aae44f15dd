# Installing as a desktop app: the two programs, their man pages (written at
# build time from their own --help), the menu entry, the AppStream metainfo
# and the icon; then CPack's Debian package of the same files. The
# translations are compiled into the app, so there is nothing separate to
# install for them.
include(GNUInstallDirs)
set(MERGELAB_APP_ID io.github.mergelab.MergeLab)

install(TARGETS mergelab mergelab-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/resources/${MERGELAB_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/${MERGELAB_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${PROJECT_SOURCE_DIR}/resources/mergelab.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)

# man pages: built with everything else (not by scripts/run.sh, which builds
# only the two programs); a changed --help rewrites them.
set(man_pages)
foreach(program mergelab mergelab-cli)
  if(program STREQUAL "mergelab")
    set(summary "watch neural networks trained in separate environments being merged")
    set(extra -DSEE_ALSO=mergelab-cli)
  else()
    set(summary "train, merge, align and evaluate models in separate environments, without a display")
    set(extra -DSUBCOMMANDS=ON -DSEE_ALSO=mergelab)
  endif()
  set(page ${PROJECT_BINARY_DIR}/man/${program}.1)
  add_custom_command(OUTPUT ${page} ${page}.gz
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${program}> -DNAME=${program} -DVERSION=${PROJECT_VERSION}
            "-DSUMMARY=${summary}" ${extra} -DOUT=${page} -P ${PROJECT_SOURCE_DIR}/cmake/man_page.cmake
    DEPENDS ${program} ${PROJECT_SOURCE_DIR}/cmake/man_page.cmake
    COMMENT "Writing the man page of ${program} from its --help"
    VERBATIM)
  list(APPEND man_pages ${page}.gz)
endforeach()
add_custom_target(man_pages ALL DEPENDS ${man_pages})
install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The Debian package: `cpack -G DEB` in the build folder, after building
# everything. Its dependencies are the Debian packages holding the libraries
# the two programs link to (readelf -d NEEDED, then dpkg -S), named here
# rather than found by dpkg-shlibdeps, so packaging needs no extra tools.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mergelab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "watch neural networks trained in separate environments being merged")
set(CPACK_PACKAGE_DESCRIPTION
  "MergeLab trains the same small network in several environments, each on its own part of Fashion-MNIST, and merges their weights every round. A Qt desktop app shows the merge methods live; mergelab-cli runs the same engine headless.")
set(MERGELAB_PACKAGE_CONTACT "MergeLab maintainers <maintainers@mergelab.invalid>" CACHE STRING "The Debian package's Maintainer field")
set(CPACK_PACKAGE_CONTACT "${MERGELAB_PACKAGE_CONTACT}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libtorch1.13, libqt6core6 (>= 6.4), libqt6gui6 (>= 6.4), libqt6widgets6 (>= 6.4), libqt6svg6 (>= 6.4), libqcustomplot2.1-qt6, libspdlog1.10, libfmt9, libgomp1, zlib1g, libstdc++6 (>= 12), libgcc-s1, libc6 (>= 2.36)")
# The data set, fast BLAS, and what the Korean window needs.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist, libopenblas0-openmp, qt6-translations-l10n, fonts-noto-cjk")
include(CPack)
