#pragma once
// Shapes as error messages print them: [2048, 576].
#include <c10/util/ArrayRef.h>

#include <cstdint>
#include <string>

namespace srs {

std::string shape_text(c10::IntArrayRef shape);

}  // namespace srs
