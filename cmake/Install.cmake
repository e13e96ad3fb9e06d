# Installation layout and the Debian package (CPack).
#
#   bin/kavachc, bin/kavach-launch        (kavach-launch: launcher/CMakeLists.txt)
#   share/kavach/stdlib-policies/*.kv     kavachc finds it as ../share/kavach/stdlib-policies
#                                         relative to its own binary, so the prefix is free
#   share/man/man1/kavachc.1.gz, kavach-launch.1.gz, man5/kavach.kv.5.gz
#                                         generated at build time from docs/man/*.md
#   share/bash-completion/completions/kavachc, kavach-launch
#   share/kavach/lit/kavach.cfg.py        lit configuration for a project's own policy
#                                         tests (%kavachc, %kavach-launch, %stdlib,
#                                         FileCheck; docs/testing-policies.md)
#   share/doc/kavach/examples/policies/   a policies/ folder tested with it
#   share/doc/kavach/                     README and the docs
#
# Everything here is in the `kavach` component, so `cmake --install BUILD
# --component kavach` works in a build where only kavachc was built (the lit
# test of the installed stdlib does that).
include(GNUInstallDirs)

# --- Man pages: one source (docs/man/*.md), roff by a stdlib-only script.
find_program(KAVACH_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
set(KAVACH_MAN_PAGES kavachc.1 kavach-launch.1 kavach.kv.5)
set(KAVACH_MAN_OUTPUTS)
foreach(page ${KAVACH_MAN_PAGES})
  set(src ${CMAKE_SOURCE_DIR}/docs/man/${page}.md)
  set(out ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${KAVACH_PYTHON3} ${CMAKE_SOURCE_DIR}/docs/man/md2man.py ${src} ${out}
    DEPENDS ${src} ${CMAKE_SOURCE_DIR}/docs/man/md2man.py
    COMMENT "Generating man page ${page}")
  list(APPEND KAVACH_MAN_OUTPUTS ${out})
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section} COMPONENT kavach)
endforeach()
add_custom_target(kavach-man ALL DEPENDS ${KAVACH_MAN_OUTPUTS})
# Building kavachc builds the pages, so an install after `ninja kavachc` is complete.
if(TARGET kavachc)
  add_dependencies(kavachc kavach-man)
endif()

install(TARGETS kavachc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT kavach)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/stdlib-policies/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/kavach/stdlib-policies COMPONENT kavach
  FILES_MATCHING PATTERN "*.kv")
install(FILES ${CMAKE_SOURCE_DIR}/completions/kavachc.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME kavachc
  COMPONENT kavach)
install(FILES ${CMAKE_SOURCE_DIR}/completions/kavach-launch.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME kavach-launch
  COMPONENT kavach)
install(FILES ${CMAKE_SOURCE_DIR}/lit/kavach.cfg.py
  DESTINATION ${CMAKE_INSTALL_DATADIR}/kavach/lit COMPONENT kavach)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/policies
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT kavach)
install(FILES ${CMAKE_SOURCE_DIR}/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT kavach)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT kavach
  FILES_MATCHING PATTERN "*.md" PATTERN "man" EXCLUDE)

# --- CPack: `cpack -G DEB` in the build directory.
set(CPACK_PACKAGE_NAME kavach)
set(CPACK_PACKAGE_VENDOR "kavach")
set(CPACK_PACKAGE_CONTACT "kavach maintainers <kavach@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "policy-as-code toolchain for Linux sandboxing (seccomp, Landlock)")
set(CPACK_PACKAGE_DESCRIPTION
  "kavachc compiles kavach policies into precompiled seccomp BPF and Landlock rulesets;\n kavach-launch applies them and runs a command.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # kavach_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # libc6, libstdc++6, libtinfo6, ... from the binaries
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion, man-db")
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build[^/]*/;/\\\\.git/")
include(CPack)
