# Warnings for our own targets only (never for dependencies).
function(mpadjust_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4)
    if(MPADJUST_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
      -Wnon-virtual-dtor -Wcast-align -Wformat=2 -Wimplicit-fallthrough)
    if(MPADJUST_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

function(mpadjust_set_sanitize target)
  if(MPADJUST_SANITIZE AND NOT MSVC)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
