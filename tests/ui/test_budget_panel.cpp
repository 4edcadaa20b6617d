// BudgetPanel driven through its real widgets over a hand-made sensitivity table.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSlider>
#include <QTest>
#include <cmath>
#include <qcustomplot.h>

#include "budget_panel.h"
#include "studio_document.h"

namespace budget_panel_test {

using srs::ui::BudgetPanel;
using srs::ui::StudioDocument;

// The spin box shows 3 decimals: its range and value are the editor's rounded to them.
constexpr double kSpinTolerance = 0.5e-3 + 1e-12;

// `blocks` decoder blocks of q,k,v,o,gate,up,down; options W2/W4/W8 with a 16-bit scale and a
// b-bit zero point per group of 128 as overhead; scores fall with bits, larger at the ends.
srs::SensitivityTable make_table(int blocks, double w8_score_scale = 1.0 / 300) {
  const char* names[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                         "mlp.gate_proj",    "mlp.up_proj",      "mlp.down_proj"};
  const srs::LayerKind kinds[] = {srs::LayerKind::q,    srs::LayerKind::k,  srs::LayerKind::v,   srs::LayerKind::o,
                                  srs::LayerKind::gate, srs::LayerKind::up, srs::LayerKind::down};
  const int64_t params[] = {1 << 20, 1 << 18, 1 << 18, 1 << 20, 2816 << 10, 2816 << 10, 2816 << 10};
  const int option_bits[] = {2, 4, 8};
  srs::SensitivityTable t;
  t.options = {"W2A16", "W4A16", "W8A16"};
  for (int b = 0; b < blocks; ++b) {
    for (int k = 0; k < 7; ++k) {
      srs::LayerSensitivity l;
      l.name = "model.layers." + std::to_string(b) + "." + names[k];
      l.block = b;
      l.kind = kinds[k];
      l.params = params[k];
      const double sensitivity = (1 + (b * 7 + k) % 5) * 1e-3 * (b == 0 || b == blocks - 1 ? 3 : 1);
      for (int o = 0; o < 3; ++o) {
        l.bits_no_overhead.push_back(l.params * option_bits[o]);
        l.bits.push_back(l.params * option_bits[o] + l.params / 128 * (16 + option_bits[o]));
        l.score.push_back(sensitivity * (o == 0 ? 1.0 : o == 1 ? 0.1 : w8_score_scale));
      }
      t.layers.push_back(std::move(l));
    }
  }
  return t;
}

srs::Project make_project(int blocks, double w8_score_scale = 1.0 / 300) {
  srs::Project p;
  p.table = make_table(blocks, w8_score_scale);
  return p;
}

QCPGraph* graph_named(QCustomPlot* plot, const QString& name) {
  for (int i = 0; i < plot->graphCount(); ++i)
    if (plot->graph(i)->name() == name) return plot->graph(i);
  return nullptr;
}

// The one point of a marker graph, or NaN when it has none.
QPointF marker(QCustomPlot* plot, const QString& name) {
  QCPGraph* g = graph_named(plot, name);
  if (!g || g->dataCount() != 1) return {std::nan(""), std::nan("")};
  return {g->data()->at(0)->key, g->data()->at(0)->value};
}

class BudgetPanelTest : public ::testing::Test {
 protected:
  void SetUp() override { doc.set_project(make_project(4)); }
  const srs::PlanEditor& editor() const { return doc.editor(); }
  double span() const { return editor().max_avg_bits() - editor().min_avg_bits(); }

  StudioDocument doc;
  BudgetPanel panel{&doc};
};

TEST_F(BudgetPanelTest, SpinRangeIsTheFeasibleRange) {
  EXPECT_TRUE(panel.isEnabled());
  EXPECT_LT(editor().min_avg_bits(), editor().max_avg_bits());
  EXPECT_NEAR(panel.spin_box()->minimum(), editor().min_avg_bits(), kSpinTolerance);
  EXPECT_NEAR(panel.spin_box()->maximum(), editor().max_avg_bits(), kSpinTolerance);
  EXPECT_NEAR(panel.spin_box()->value(), editor().target(), kSpinTolerance);
  EXPECT_EQ(panel.slider()->maximum() - panel.slider()->minimum(), BudgetPanel::kSliderSteps);
}

TEST_F(BudgetPanelTest, SliderMovesTheTargetAndThePlan) {
  panel.slider()->setValue(250);
  const double expected = editor().min_avg_bits() + 0.25 * span();
  EXPECT_NEAR(editor().target(), expected, 1e-9);
  EXPECT_LE(editor().plan().avg_bits, editor().target() + 1e-9);
  EXPECT_NEAR(panel.spin_box()->value(), expected, kSpinTolerance);
  EXPECT_TRUE(panel.achieved_label()->text().contains(QString::number(editor().plan().avg_bits, 'f', 3)))
      << panel.achieved_label()->text().toStdString();
  EXPECT_TRUE(panel.loss_label()->text().contains(QString::asprintf("%.4g", editor().plan().predicted_loss)));
  EXPECT_TRUE(panel.size_label()->text().contains("MiB")) << panel.size_label()->text().toStdString();

  const double before = editor().target();
  const QString size_before = panel.size_label()->text();
  QTest::keyClick(panel.slider(), Qt::Key_PageUp);
  EXPECT_EQ(panel.slider()->value(), 250 + panel.slider()->pageStep());
  EXPECT_GT(editor().target(), before);
  EXPECT_LE(editor().plan().avg_bits, editor().target() + 1e-9);
  QTest::keyClick(panel.slider(), Qt::Key_End);
  EXPECT_NEAR(editor().target(), editor().max_avg_bits(), 1e-9);
  EXPECT_NE(panel.size_label()->text(), size_before);
}

TEST_F(BudgetPanelTest, SpinBoxMovesTheSlider) {
  const double bits = editor().min_avg_bits() + 0.6 * span();
  panel.spin_box()->setValue(bits);
  EXPECT_NEAR(editor().target(), bits, 1e-3);
  EXPECT_NEAR(panel.slider()->value(), 600, 1);
  EXPECT_TRUE(panel.achieved_label()->text().contains(QString::number(editor().plan().avg_bits, 'f', 3)));
}

TEST_F(BudgetPanelTest, OverheadToggleChangesCostAndRange) {
  ASSERT_TRUE(editor().count_overhead());
  ASSERT_TRUE(panel.overhead_box()->isChecked());
  const double max_with = panel.spin_box()->maximum();
  panel.overhead_box()->click();
  EXPECT_FALSE(editor().count_overhead());
  EXPECT_NEAR(panel.spin_box()->maximum(), editor().max_avg_bits(), kSpinTolerance);
  EXPECT_NEAR(panel.spin_box()->maximum(), 8.0, kSpinTolerance) << "codes only: W8 everywhere is 8 bits";
  EXPECT_LT(panel.spin_box()->maximum(), max_with);
  // The frontier and the plan point move to the codes-only bits.
  EXPECT_EQ(graph_named(panel.pareto_plot(), "Pareto frontier")->dataCount(), static_cast<int>(editor().frontier().size()));
  EXPECT_NEAR(marker(panel.pareto_plot(), "Current plan").x(), editor().plan().avg_bits_no_overhead, 1e-12);
  panel.overhead_box()->click();
  EXPECT_TRUE(editor().count_overhead());
  EXPECT_NEAR(panel.spin_box()->maximum(), max_with, 1e-12);
}

TEST_F(BudgetPanelTest, ParetoPlotShowsFrontierPlanAndNaivePlans) {
  QCustomPlot* plot = panel.pareto_plot();
  const auto frontier = editor().frontier();
  ASSERT_FALSE(frontier.empty());
  QCPGraph* f = graph_named(plot, "Pareto frontier");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->dataCount(), static_cast<int>(frontier.size()));
  EXPECT_DOUBLE_EQ(f->data()->at(0)->key, frontier.front().avg_bits);
  EXPECT_DOUBLE_EQ(f->data()->at(f->dataCount() - 1)->value, frontier.back().loss);
  EXPECT_EQ(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);

  panel.slider()->setValue(400);
  const QPointF current = marker(plot, "Current plan");
  EXPECT_DOUBLE_EQ(current.x(), editor().plan().avg_bits);
  EXPECT_DOUBLE_EQ(current.y(), editor().plan().predicted_loss);
  for (bool first : {true, false}) {
    const auto naive = editor().naive(first);
    ASSERT_TRUE(naive.has_value()) << "the naive plans fit the middle of the range";
    const QPointF p = marker(plot, first ? "Naive: first blocks" : "Naive: last blocks");
    EXPECT_DOUBLE_EQ(p.x(), naive->avg_bits);
    EXPECT_DOUBLE_EQ(p.y(), naive->predicted_loss);
    EXPECT_GE(p.y(), current.y() - 1e-12) << "DeltaLoss is optimal at its budget";
  }

  // A lock changes the constraints: the frontier graph follows.
  doc.lock(0, 2);
  const auto locked = editor().frontier();
  ASSERT_EQ(f->dataCount(), static_cast<int>(locked.size()));
  EXPECT_DOUBLE_EQ(f->data()->at(0)->key, locked.front().avg_bits);
  EXPECT_NE(locked.front().avg_bits, frontier.front().avg_bits);
  int locked_readouts = 0;  // q/k/v share an option: locking q locks three layers
  for (const QLabel* l : panel.findChildren<QLabel*>()) locked_readouts += l->text() == "Locked layers: 3 of 28";
  EXPECT_EQ(locked_readouts, 1);
}

TEST(BudgetPanel, ALossOfZeroGivesALinearAxis) {
  StudioDocument doc;
  doc.set_project(make_project(3, 0.0));
  BudgetPanel panel(&doc);
  EXPECT_EQ(panel.pareto_plot()->yAxis->scaleType(), QCPAxis::stLinear);
  EXPECT_EQ(graph_named(panel.pareto_plot(), "Pareto frontier")->dataCount(),
            static_cast<int>(doc.editor().frontier().size()));
}

TEST_F(BudgetPanelTest, ClickOnThePlotSetsTheTarget) {
  panel.resize(900, 700);
  panel.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
  QCustomPlot* plot = panel.pareto_plot();
  plot->replot();  // lay out the axes so pixels map to bits
  const double bits = editor().min_avg_bits() + 0.3 * span();
  const QPoint at(qRound(plot->xAxis->coordToPixel(bits)), plot->axisRect()->bottom() - 4);
  QTest::mouseClick(plot, Qt::LeftButton, {}, at);
  EXPECT_NEAR(editor().target(), bits, 0.01 * span());
  EXPECT_NEAR(panel.slider()->value(), 300, 10);
}

TEST(BudgetPanel, DisabledWithoutAProject) {
  StudioDocument doc;
  BudgetPanel panel(&doc);
  EXPECT_FALSE(panel.isEnabled());
  const QLabel* hint = nullptr;
  for (const QLabel* l : panel.findChildren<QLabel*>())
    if (l->text().contains("Analyze a model or open a project")) hint = l;
  ASSERT_NE(hint, nullptr);
  EXPECT_FALSE(hint->isHidden());
  EXPECT_EQ(graph_named(panel.pareto_plot(), "Pareto frontier")->dataCount(), 0);
  doc.set_project(make_project(2));
  EXPECT_TRUE(panel.isEnabled());
  EXPECT_TRUE(hint->isHidden());
  EXPECT_GT(graph_named(panel.pareto_plot(), "Pareto frontier")->dataCount(), 0);
  EXPECT_FALSE(panel.achieved_label()->text().isEmpty());
  doc.close_project();
  EXPECT_FALSE(panel.isEnabled());
  EXPECT_FALSE(hint->isHidden());
  EXPECT_TRUE(panel.achieved_label()->text().isEmpty());
  EXPECT_EQ(graph_named(panel.pareto_plot(), "Pareto frontier")->dataCount(), 0);
}

}  // namespace budget_panel_test
