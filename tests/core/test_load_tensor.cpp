#include <gtest/gtest.h>

#include <map>

#include "model/load_tensor.h"
#include "util/error.h"

namespace {

class FakeSource : public srs::WeightSource {
 public:
  const std::string& path() const override { return path_; }
  std::vector<std::string> names() const override { return {"w"}; }
  bool contains(const std::string& n) const override { return n == "w"; }
  std::vector<int64_t> shape(const std::string&) const override { return {2, 3}; }
  std::string stored_type(const std::string&) const override { return "F32"; }
  void read_f32(const std::string&, float* out) const override {
    for (int i = 0; i < 6; ++i) out[i] = static_cast<float>(i) * 0.5f;
  }

 private:
  std::string path_ = "fake.safetensors";
};

}  // namespace

TEST(LoadTensor, DecodesShapeAndValues) {
  FakeSource src;
  at::Tensor t = srs::load_tensor(src, "w");
  ASSERT_EQ(t.sizes(), (at::IntArrayRef{2, 3}));
  EXPECT_FLOAT_EQ(t[1][2].item<float>(), 2.5f);
  EXPECT_EQ(srs::load_tensor(src, "w", at::kBFloat16).scalar_type(), at::kBFloat16);
}

TEST(LoadTensor, MissingTensorNamesFileAndTensor) {
  FakeSource src;
  try {
    srs::load_tensor(src, "model.norm.weight");
    FAIL() << "expected srs::Error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fake.safetensors"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("model.norm.weight"), std::string::npos);
  }
}
