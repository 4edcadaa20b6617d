#include "budget_panel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>

#include "studio_document.h"

namespace srs::ui {

namespace {

// A plan's average bits under its own cost setting: the x the frontier uses.
double plotted_bits(const QuantPlan& plan) { return plan.count_overhead ? plan.avg_bits : plan.avg_bits_no_overhead; }

// One marker at the plan's (bits, loss); none when there is no plan.
void show_point(QCPGraph* graph, const QuantPlan* plan) {
  if (plan)
    graph->setData({plotted_bits(*plan)}, {plan->predicted_loss});
  else
    graph->data()->clear();
}

QCPGraph* add_marker(QCustomPlot* plot, const QString& name, QCPScatterStyle::ScatterShape shape, const QColor& color,
                     double size) {
  QCPGraph* g = plot->addGraph();
  g->setName(name);
  g->setLineStyle(QCPGraph::lsNone);
  g->setPen(QPen(color.darker(130), 1.5));
  g->setScatterStyle(QCPScatterStyle(shape, QPen(color.darker(130), 1.5), QBrush(color), size));
  return g;
}

}  // namespace

BudgetPanel::BudgetPanel(StudioDocument* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
  hint_ = new QLabel(tr("Analyze a model or open a project to set a bit budget."), this);
  hint_->setAlignment(Qt::AlignCenter);

  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, kSliderSteps);
  slider_->setPageStep(kSliderSteps / 20);
  spin_ = new QDoubleSpinBox(this);
  spin_->setDecimals(3);
  spin_->setSingleStep(0.05);
  spin_->setSuffix(tr(" bits"));
  spin_->setKeyboardTracking(false);  // solve when the typed number is complete, not per keystroke
  overhead_ = new QCheckBox(tr("Count scale and zero-point bits"), this);
  overhead_->setToolTip(tr("Budget the storage of per-group scales and zero points, not only the codes"));

  achieved_ = new QLabel(this);
  target_ = new QLabel(this);
  size_ = new QLabel(this);
  loss_ = new QLabel(this);
  locked_ = new QLabel(this);
  range_ = new QLabel(this);

  plot_ = new QCustomPlot(this);
  plot_->setMinimumHeight(fontMetrics().height() * 14);
  plot_->xAxis->setLabel(tr("Average bits per weight"));
  plot_->yAxis->setLabel(tr("Least predicted loss"));
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  frontier_graph_ = plot_->addGraph();
  frontier_graph_->setName(tr("Pareto frontier"));
  frontier_graph_->setLineStyle(QCPGraph::lsStepLeft);  // the least loss holds until the next point
  frontier_graph_->setPen(QPen(QColor(40, 90, 170), 1.5));
  const double marker = fontMetrics().height() * 0.6;  // scales with the font, so with the DPI
  plan_graph_ = add_marker(plot_, tr("Current plan"), QCPScatterStyle::ssCircle, QColor(220, 50, 40), marker * 1.6);
  first_blocks_graph_ = add_marker(plot_, tr("Naive: first blocks"), QCPScatterStyle::ssTriangle, QColor(250, 170, 30), marker);
  last_blocks_graph_ =
      add_marker(plot_, tr("Naive: last blocks"), QCPScatterStyle::ssTriangleInverted, QColor(60, 170, 80), marker);

  auto* target_row = new QHBoxLayout;
  target_row->addWidget(new QLabel(tr("Target average:"), this));
  target_row->addWidget(slider_, 1);
  target_row->addWidget(spin_);
  auto* readouts = new QGridLayout;
  readouts->addWidget(achieved_, 0, 0, 1, 2);
  readouts->addWidget(target_, 1, 0);
  readouts->addWidget(range_, 1, 1);
  readouts->addWidget(size_, 2, 0);
  readouts->addWidget(loss_, 2, 1);
  readouts->addWidget(locked_, 3, 0);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(hint_);
  layout->addLayout(target_row);
  layout->addWidget(overhead_);
  layout->addLayout(readouts);
  layout->addWidget(plot_, 1);

  connect(slider_, &QSlider::valueChanged, this, [this](int v) { doc_->set_target(slider_to_bits(v)); });
  connect(spin_, &QDoubleSpinBox::valueChanged, doc_, &StudioDocument::set_target);
  connect(overhead_, &QCheckBox::toggled, doc_, &StudioDocument::set_count_overhead);
  connect(plot_, &QCustomPlot::mousePress, this, &BudgetPanel::on_plot_pressed);
  connect(doc_, &StudioDocument::project_changed, this, &BudgetPanel::on_project_changed);
  connect(doc_, &StudioDocument::plan_changed, this, &BudgetPanel::on_plan_changed);

  on_project_changed();
  on_plan_changed();
}

void BudgetPanel::on_project_changed() {
  const bool has = doc_->has_project();
  setEnabled(has);
  hint_->setVisible(!has);
  frontier_key_.clear();  // a new table: the next refresh rebuilds the frontier graph
  if (has) return;        // plan_changed follows with the new plan
  for (QLabel* l : {achieved_, target_, size_, loss_, locked_, range_}) l->clear();
  for (int i = 0; i < plot_->graphCount(); ++i) plot_->graph(i)->data()->clear();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void BudgetPanel::on_plan_changed() {
  if (!doc_->has_project()) return;
  sync_controls();
  update_readouts();
  update_plot();
}

double BudgetPanel::slider_to_bits(int value) const {
  const PlanEditor& e = doc_->editor();
  return e.min_avg_bits() + (e.max_avg_bits() - e.min_avg_bits()) * value / kSliderSteps;
}

int BudgetPanel::bits_to_slider(double bits) const {
  const PlanEditor& e = doc_->editor();
  const double span = e.max_avg_bits() - e.min_avg_bits();
  if (span <= 0) return 0;
  return std::clamp(qRound((bits - e.min_avg_bits()) / span * kSliderSteps), 0, kSliderSteps);
}

void BudgetPanel::sync_controls() {
  const PlanEditor& e = doc_->editor();
  const QSignalBlocker block_slider(slider_), block_spin(spin_), block_box(overhead_);
  slider_->setEnabled(e.max_avg_bits() > e.min_avg_bits());  // one feasible total: nothing to move
  slider_->setValue(bits_to_slider(e.target()));
  spin_->setRange(e.min_avg_bits(), e.max_avg_bits());
  spin_->setValue(e.target());
  overhead_->setChecked(e.count_overhead());
}

void BudgetPanel::update_readouts() {
  const PlanEditor& e = doc_->editor();
  const QuantPlan& plan = e.plan();
  achieved_->setText(tr("Achieved: %1 bits per weight (%2 without scales and zero points)")
                         .arg(plan.avg_bits, 0, 'f', 3)
                         .arg(plan.avg_bits_no_overhead, 0, 'f', 3));
  target_->setText(tr("Target: %1 bits").arg(e.target(), 0, 'f', 3));
  range_->setText(tr("Feasible: %1 to %2 bits").arg(e.min_avg_bits(), 0, 'f', 3).arg(e.max_avg_bits(), 0, 'f', 3));
  const auto bytes = static_cast<qint64>(doc_->estimated_model_bytes());
  size_->setText(tr("Model size: %1").arg(QLocale().formattedDataSize(bytes, 2, QLocale::DataSizeIecFormat)));
  loss_->setText(tr("Predicted loss: %1").arg(QString::asprintf("%.4g", plan.predicted_loss)));
  const auto locked = std::count(plan.locked.begin(), plan.locked.end(), uint8_t{1});
  locked_->setText(tr("Locked layers: %1 of %2").arg(locked).arg(plan.choice.size()));
}

void BudgetPanel::update_plot() {
  const PlanEditor& e = doc_->editor();
  const QuantPlan& plan = e.plan();
  // The frontier depends on the cost setting and the locks only; comparing them is O(layers),
  // copying and redrawing the frontier is O(points).
  std::vector<int> key{plan.count_overhead ? 1 : 0};
  key.reserve(plan.choice.size() + 1);
  for (size_t i = 0; i < plan.choice.size(); ++i) key.push_back(plan.locked[i] ? plan.choice[i] : -1);
  if (key != frontier_key_) {
    frontier_key_ = std::move(key);
    rebuild_frontier();
  }

  show_point(plan_graph_, &plan);
  const auto first = e.naive(true), last = e.naive(false);
  show_point(first_blocks_graph_, first ? &*first : nullptr);
  show_point(last_blocks_graph_, last ? &*last : nullptr);

  // The y range covers the frontier and every marker (a naive plan may lie above the frontier).
  double lo = std::min(loss_lo_, plan.predicted_loss), hi = std::max(loss_hi_, plan.predicted_loss);
  for (const auto& p : {first, last})
    if (p) lo = std::min(lo, p->predicted_loss), hi = std::max(hi, p->predicted_loss);
  if (plot_->yAxis->scaleType() == QCPAxis::stLogarithmic) {
    plot_->yAxis->setRange(lo / 1.5, hi * 1.5);
  } else {
    const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1e-9, 0.05 * std::abs(hi));
    plot_->yAxis->setRange(lo - pad, hi + pad);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void BudgetPanel::rebuild_frontier() {
  const PlanEditor& e = doc_->editor();
  const std::vector<FrontierPoint> points = e.frontier();
  QVector<double> x, y;
  x.reserve(static_cast<int>(points.size()));
  y.reserve(static_cast<int>(points.size()));
  for (const auto& p : points) x.push_back(p.avg_bits), y.push_back(p.loss);
  frontier_graph_->setData(x, y, true);  // sorted by increasing bits

  loss_lo_ = loss_hi_ = e.plan().predicted_loss;  // an empty frontier (too large to keep): the plan alone
  if (!y.isEmpty()) {
    loss_lo_ = *std::min_element(y.begin(), y.end());
    loss_hi_ = *std::max_element(y.begin(), y.end());
  }
  // Losses shrink by orders of magnitude along the frontier; a log axis only where all are > 0.
  const bool log = !y.isEmpty() && loss_lo_ > 0;
  plot_->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  plot_->yAxis->setTicker(log ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog) : QSharedPointer<QCPAxisTicker>::create());
  plot_->yAxis->setNumberFormat(log ? "eb" : "gbd");  // log: powers of ten as 10^n
  plot_->yAxis->setNumberPrecision(log ? 0 : 6);

  const double span = e.max_avg_bits() - e.min_avg_bits();
  const double pad = span > 0 ? 0.03 * span : 0.1;
  plot_->xAxis->setRange(e.min_avg_bits() - pad, e.max_avg_bits() + pad);
}

void BudgetPanel::on_plot_pressed(QMouseEvent* event) {
  // A click on the plot asks for the budget under the pointer (legend clicks excepted).
  if (event->button() != Qt::LeftButton || !doc_->has_project()) return;
  const QPoint pos = event->position().toPoint();
  if (!plot_->axisRect()->rect().contains(pos) || plot_->legend->outerRect().contains(pos)) return;
  doc_->set_target(plot_->xAxis->pixelToCoord(pos.x()));
}

}  // namespace srs::ui
