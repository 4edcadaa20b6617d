# srs_warnings(target): the project's warning set, applied to our own targets only
# (LibTorch's headers are included as SYSTEM so their warnings stay out of our logs).
function(srs_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wno-unused-parameter)
endfunction()
