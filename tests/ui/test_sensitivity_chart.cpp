#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <cmath>

#include "sensitivity_chart.h"
#include "studio_document.h"
#include "util/error.h"

namespace sensitivity_chart_test {

using srs::LayerKind;
using srs::ui::SensitivityChart;
using srs::ui::StudioDocument;

constexpr int kBlocks = 4;
constexpr int kLayers = kBlocks * 7 + 1;  // + lm_head

// 4 blocks of q..down plus lm_head; options W2A16, W4A16, W8A16 (and a lossless BF16 with a
// zero score when asked). Scores fall with the bits and differ by block and kind.
srs::SensitivityTable make_table(bool with_bf16) {
  srs::SensitivityTable t;
  t.options = {"W2A16", "W4A16", "W8A16"};
  std::vector<int> bits = {2, 4, 8};
  if (with_bf16) {
    t.options.push_back("BF16");
    bits.push_back(16);
  }
  const std::pair<const char*, LayerKind> kinds[] = {
      {"self_attn.q_proj", LayerKind::q},  {"self_attn.k_proj", LayerKind::k}, {"self_attn.v_proj", LayerKind::v},
      {"self_attn.o_proj", LayerKind::o},  {"mlp.gate_proj", LayerKind::gate}, {"mlp.up_proj", LayerKind::up},
      {"mlp.down_proj", LayerKind::down}};
  const auto add = [&](const std::string& name, int block, LayerKind kind, int64_t params, double base) {
    srs::LayerSensitivity l{name, block, kind, params, {}, {}, {}};
    for (int b : bits) {
      l.score.push_back(b == 16 ? 0.0 : base * std::pow(2.0, -b));
      l.bits_no_overhead.push_back(params * b);
      l.bits.push_back(params * b + (b == 16 ? 0 : params / 128 * 32));
    }
    t.layers.push_back(l);
  };
  for (int block = 0; block < kBlocks; ++block)
    for (int k = 0; k < 7; ++k)
      add("model.layers." + std::to_string(block) + "." + kinds[k].first, block, kinds[k].second,
          k < 4 ? 4096 : 11264, 0.01 * (1 + block) * (1 + 0.3 * k));
  add("lm_head", -1, LayerKind::lm_head, 64000, 0.05);
  return t;
}

struct Chart {
  explicit Chart(bool with_bf16 = false) {
    srs::Project project;
    project.table = make_table(with_bf16);
    doc.set_project(project);
  }
  // Lays the chart out on the (offscreen) screen so pixels mean something.
  void show() {
    chart.resize(1000, 700);
    chart.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&chart));
    chart.plot()->replot();
  }
  QPoint pixel(int layer, int option) const {
    const double score = doc.table().layers[static_cast<size_t>(layer)].score[static_cast<size_t>(option)];
    return QPoint(qRound(chart.plot()->xAxis->coordToPixel(layer)), qRound(chart.plot()->yAxis->coordToPixel(score)));
  }
  StudioDocument doc;
  SensitivityChart chart{&doc};
};

TEST(SensitivityChart, OneSeriesPerOptionWithOnePointPerPositiveScore) {
  Chart c(true);
  QCustomPlot* plot = c.chart.plot();
  ASSERT_EQ(plot->legend->itemCount(), 4) << "one legend entry per option, overlays left out";
  for (int o = 0; o < 3; ++o) {
    ASSERT_NE(c.chart.option_graph(o), nullptr);
    EXPECT_EQ(c.chart.option_graph(o)->name(), QString::fromStdString(c.doc.table().options[o]));
    EXPECT_EQ(c.chart.option_graph(o)->data()->size(), kLayers);
  }
  EXPECT_EQ(c.chart.option_graph(3)->data()->size(), 0) << "a zero score cannot sit on a log axis";
  EXPECT_EQ(c.chart.option_graph(4), nullptr);
  EXPECT_NE(c.chart.option_graph(0)->pen().color(), c.chart.option_graph(1)->pen().color());
  EXPECT_EQ(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);

  auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(plot->xAxis->ticker());
  ASSERT_TRUE(ticker);
  EXPECT_EQ(ticker->ticks().value(0), "0");
  EXPECT_EQ(ticker->ticks().value(7), "1");
  EXPECT_EQ(ticker->ticks().value(kLayers - 1), "lm_head");

  c.doc.close_project();
  EXPECT_EQ(plot->graphCount(), 0);
  EXPECT_EQ(c.chart.kind_button(LayerKind::q), nullptr);
}

TEST(SensitivityChart, LegendClickTogglesASeries) {
  Chart c;
  c.show();
  QCPGraph* w4 = c.chart.option_graph(1);
  QCPAbstractLegendItem* entry = c.chart.plot()->legend->itemWithPlottable(w4);
  ASSERT_NE(entry, nullptr);
  QTest::mouseClick(c.chart.plot(), Qt::LeftButton, {}, entry->outerRect().center());
  EXPECT_FALSE(w4->visible());
  EXPECT_NE(entry->textColor(), c.chart.plot()->legend->textColor()) << "a hidden series' entry looks greyed";
  EXPECT_FALSE(c.chart.overlay_graph(1, false)->visible()) << "its plan overlay hides with it";
  EXPECT_TRUE(c.chart.option_graph(0)->visible());
  EXPECT_EQ(c.doc.selected_layer(), -1) << "a legend click selects no layer";
  QTest::mouseClick(c.chart.plot(), Qt::LeftButton, {}, entry->outerRect().center());
  EXPECT_TRUE(w4->visible());
  EXPECT_EQ(entry->textColor(), c.chart.plot()->legend->textColor());
}

TEST(SensitivityChart, UncheckingAKindRemovesItsPointsEverywhere) {
  Chart c;
  QAbstractButton* q = c.chart.kind_button(LayerKind::q);
  ASSERT_NE(q, nullptr);
  EXPECT_NE(c.chart.kind_button(LayerKind::lm_head), nullptr);
  EXPECT_EQ(c.chart.kind_button(LayerKind::other), nullptr) << "no button for an absent kind";
  c.show();
  QTest::mouseClick(q, Qt::LeftButton);
  EXPECT_FALSE(q->isChecked());
  for (int o = 0; o < 3; ++o) {
    const QCPGraph* g = c.chart.option_graph(o);
    ASSERT_EQ(g->data()->size(), kLayers - kBlocks);
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
      const auto& layer = c.doc.table().layers[static_cast<size_t>(it->key)];
      EXPECT_NE(layer.kind, LayerKind::q) << layer.name;
      EXPECT_EQ(layer.score[static_cast<size_t>(o)], it->value) << "x positions stay the table index";
    }
  }
  EXPECT_EQ(c.chart.layer_at_pixel(c.pixel(0, 0)), -1) << "a hidden layer cannot be hovered";
  c.chart.set_kind_visible(LayerKind::q, true);
  EXPECT_TRUE(q->isChecked());
  EXPECT_EQ(c.chart.option_graph(0)->data()->size(), kLayers);
}

TEST(SensitivityChart, ClickingAPointSelectsItsLayerAndMarksIt) {
  Chart c;
  c.show();
  const int layer = c.doc.table().find_layer("model.layers.2.mlp.up_proj");
  const QPoint at = c.pixel(layer, 2);
  ASSERT_FALSE(c.chart.plot()->legend->outerRect().contains(at));
  EXPECT_EQ(c.chart.layer_at_pixel(at), layer);
  QTest::mouseClick(c.chart.plot(), Qt::LeftButton, {}, at);
  EXPECT_EQ(c.doc.selected_layer(), layer);

  auto* marker = qobject_cast<QCPItemStraightLine*>(c.chart.plot()->item(0));
  ASSERT_NE(marker, nullptr);
  EXPECT_TRUE(marker->visible());
  EXPECT_EQ(marker->point1->coords().x(), layer);
  c.doc.select_layer(-1);
  EXPECT_FALSE(marker->visible());
  EXPECT_EQ(c.chart.layer_at_pixel(QPointF(0, 0)), -1) << "outside the axes";
}

TEST(SensitivityChart, TooltipNamesLayerScoresAndThePlansChoice) {
  Chart c;
  c.show();
  const int layer = c.doc.table().find_layer("model.layers.1.self_attn.o_proj");
  const int chosen = c.doc.editor().plan().choice[static_cast<size_t>(layer)];
  ASSERT_GE(chosen, 0);
  const QString text = c.chart.tooltip_text(layer);
  EXPECT_TRUE(text.contains("model.layers.1.self_attn.o_proj")) << text.toStdString();
  for (const char* option : {"W2A16:", "W4A16:", "W8A16:"}) EXPECT_TRUE(text.contains(option)) << text.toStdString();
  EXPECT_TRUE(text.contains("plan: " + QString::fromStdString(c.doc.table().options[static_cast<size_t>(chosen)])))
      << text.toStdString();
  EXPECT_FALSE(text.contains("locked"));

  c.doc.lock(layer, 2);
  EXPECT_TRUE(c.chart.tooltip_text(layer).contains("plan: W8A16 (locked)")) << c.chart.tooltip_text(layer).toStdString();
  EXPECT_TRUE(c.chart.tooltip_text(kLayers - 1).contains("unquantized")) << "lm_head stays BF16";

  QTest::mouseMove(c.chart.plot(), c.pixel(layer, 2));
  QTRY_COMPARE(QToolTip::text(), c.chart.tooltip_text(layer));
}

TEST(SensitivityChart, OverlayFollowsThePlan) {
  Chart c;
  const auto check_overlay_matches_plan = [&] {
    const srs::QuantPlan& plan = c.doc.editor().plan();
    int quantized = 0, shown = 0;
    for (int choice : plan.choice) quantized += choice >= 0;
    for (int o = 0; o < 3; ++o)
      for (bool locked : {false, true}) {
        const QCPGraph* g = c.chart.overlay_graph(o, locked);
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it, ++shown) {
          const auto layer = static_cast<size_t>(it->key);
          EXPECT_EQ(plan.choice[layer], o) << c.doc.table().layers[layer].name;
          EXPECT_EQ(c.doc.editor().is_locked(static_cast<int>(layer)), locked);
          EXPECT_EQ(it->value, c.doc.table().layers[layer].score[static_cast<size_t>(o)]);
        }
      }
    EXPECT_EQ(shown, quantized);
  };
  c.doc.set_target(3.0);
  check_overlay_matches_plan();
  c.doc.set_target(6.0);
  check_overlay_matches_plan();
  const int down = c.doc.table().find_layer("model.layers.0.mlp.down_proj");
  c.doc.lock(down, 0);
  check_overlay_matches_plan();
  EXPECT_EQ(c.chart.overlay_graph(0, true)->data()->size(), 1) << "the lock shows as its own marker";
}

TEST(SensitivityChart, ExportsPngPdfAndSvgByExtension) {
  Chart c;
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const std::pair<const char*, QByteArray> formats[] = {
      {"chart.png", QByteArray("\x89PNG", 4)}, {"chart.pdf", "%PDF"}, {"chart.svg", "<?xml"}};
  for (const auto& [name, magic] : formats) {
    const QString path = dir.filePath(name);
    c.chart.export_image(path);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << name;
    const QByteArray bytes = file.readAll();
    EXPECT_GT(bytes.size(), 1000) << name;
    EXPECT_TRUE(bytes.startsWith(magic) || (magic == "<?xml" && bytes.startsWith("<svg"))) << name;
  }
  EXPECT_THROW(c.chart.export_image(dir.filePath("chart.bmp")), srs::Error);
  EXPECT_THROW(c.chart.export_image(dir.filePath("missing/chart.png")), srs::Error);
  EXPECT_THROW(c.chart.export_image(dir.filePath("missing/chart.svg")), srs::Error);
}

}  // namespace sensitivity_chart_test
