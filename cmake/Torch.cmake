# Finds LibTorch: Debian's libtorch-dev (CPU) by default, or a CUDA build from
# `python3 -c 'import torch;print(torch.utils.cmake_prefix_path)'` passed as CMAKE_PREFIX_PATH.
find_package(Torch REQUIRED)
# TorchConfig puts -D_GLIBCXX_USE_CXX11_ABI and friends into TORCH_CXX_FLAGS.
separate_arguments(SRS_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")
add_library(srs_torch INTERFACE)
target_link_libraries(srs_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(srs_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_compile_options(srs_torch INTERFACE ${SRS_TORCH_CXX_FLAGS})

# srs_use_torch_pch(target): reuse srs_core's LibTorch precompiled header. The header was
# compiled with -fPIC (srs_core is a library); GCC refuses it for -fPIE objects, so the
# executable's objects are compiled -fPIC too (they still link as a PIE).
function(srs_use_torch_pch target)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
  target_compile_options(${target} PRIVATE -fPIC)
  target_precompile_headers(${target} REUSE_FROM srs_core)
endfunction()
