# Warnings for our own targets only (never for dependencies).
function(mpadjust_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4)
    if(MPADJUST_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
      -Wcast-align -Wformat=2 -Wimplicit-fallthrough
      $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)
    if(MPADJUST_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

function(mpadjust_set_sanitize target)
  if(MPADJUST_SANITIZE AND NOT MSVC)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined)
    # GCC's flow analysis reports false -Wmaybe-uninitialized under the sanitizers' instrumentation
    # (inside libstdc++'s std::regex and std::optional); the normal build keeps the warning.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
