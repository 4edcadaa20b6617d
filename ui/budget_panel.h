#pragma once
// The bit-budget panel: a slider and a spin box for the target average bits, the overhead
// toggle, read-outs of the solved plan, and the Pareto plot (least predicted loss per average
// bits) with the current plan and the naive plans on it. Every change goes to the
// StudioDocument at once; the panel redraws from the document's signals. plan_changed fires
// on every slider move, so a refresh does O(layers) work and rebuilds the frontier graph only
// when the constraints that shape it (locks, the cost setting) have changed.
#include <QWidget>
#include <vector>

class QCheckBox;
class QCPGraph;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QMouseEvent;
class QSlider;

namespace srs::ui {

class StudioDocument;

class BudgetPanel : public QWidget {
  Q_OBJECT
 public:
  explicit BudgetPanel(StudioDocument* doc, QWidget* parent = nullptr);

  QSlider* slider() const { return slider_; }
  QDoubleSpinBox* spin_box() const { return spin_; }
  QCheckBox* overhead_box() const { return overhead_; }
  QCustomPlot* pareto_plot() const { return plot_; }
  QLabel* achieved_label() const { return achieved_; }
  QLabel* size_label() const { return size_; }
  QLabel* loss_label() const { return loss_; }

  // The slider's integer steps over the feasible range.
  static constexpr int kSliderSteps = 1000;

 private:
  void on_project_changed();
  void on_plan_changed();
  void sync_controls();      // range and value of the slider and spin box from the editor
  void update_readouts();
  void update_plot();
  void rebuild_frontier();   // frontier graph and axes; only when the constraints changed
  void on_plot_pressed(QMouseEvent* event);
  double slider_to_bits(int value) const;
  int bits_to_slider(double bits) const;

  StudioDocument* doc_;
  QLabel* hint_;
  QSlider* slider_;
  QDoubleSpinBox* spin_;
  QCheckBox* overhead_;
  QLabel* achieved_;
  QLabel* target_;
  QLabel* size_;
  QLabel* loss_;
  QLabel* locked_;
  QLabel* range_;
  QCustomPlot* plot_;
  QCPGraph* frontier_graph_;
  QCPGraph* plan_graph_;
  QCPGraph* first_blocks_graph_;
  QCPGraph* last_blocks_graph_;
  // What the frontier graph was built for: the cost setting, then the locked option per layer
  // (-1 = free). Locks and the cost setting are all that change the frontier of one table.
  std::vector<int> frontier_key_;
  double loss_lo_ = 0, loss_hi_ = 0;  // the frontier's loss span, for the y range
};

}  // namespace srs::ui
