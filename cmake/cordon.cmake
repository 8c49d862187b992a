# cordon_library(NAME name SRCS ... DEPS ...): a static library cordon_<name>, include root = repo root.
function(cordon_library)
  cmake_parse_arguments(L "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(cordon_${L_NAME} STATIC ${L_SRCS})
  target_include_directories(cordon_${L_NAME} PUBLIC ${CORDON_ROOT})
  target_link_libraries(cordon_${L_NAME} PUBLIC ${L_DEPS})
endfunction()

# cordon_test(NAME name SRCS ... DEPS ...): a GoogleTest binary registered with ctest.
function(cordon_test)
  if(NOT CORDON_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${CORDON_ROOT})
  include(GoogleTest)
  gtest_discover_tests(${T_NAME} WORKING_DIRECTORY ${CORDON_ROOT} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "CORDON_SHARED=${CORDON_ROOT}/../shared")
endfunction()
