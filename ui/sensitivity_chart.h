#pragma once
// The sensitivity chart (SignRoundV2 Figure 2): every layer's DeltaLoss score per option on a
// log axis, in model order, with the current plan's choices overlaid. It only shows the
// document and asks it to select layers; filtering by layer kind and hiding series are view
// state. Plan changes (every budget slider move) only reset a few overlay graphs.
#include <QPointF>
#include <QString>
#include <QWidget>
#include <array>
#include <vector>

#include "allocate/sensitivity_table.h"

class QAbstractButton;
class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QHBoxLayout;
class QMouseEvent;
class QToolButton;

namespace srs::ui {

class StudioDocument;

class SensitivityChart : public QWidget {
  Q_OBJECT
 public:
  explicit SensitivityChart(StudioDocument* doc, QWidget* parent = nullptr);

  QCustomPlot* plot() const { return plot_; }
  // The score series of an option (table.options order), or nullptr.
  QCPGraph* option_graph(int option) const;
  // The overlay of layers the plan puts on `option`: the free ones or the locked ones.
  QCPGraph* overlay_graph(int option, bool locked) const;
  // The shown layer nearest to `pos` (plot widget coordinates) along x, within the plot's
  // selection tolerance; -1 if none.
  int layer_at_pixel(const QPointF& pos) const;
  // What hovering a layer shows: name, block, kind, parameters, scores, the plan's option.
  QString tooltip_text(int layer) const;
  // Shows or hides a layer kind's points in every series (what the toolbar buttons do).
  void set_kind_visible(LayerKind kind, bool visible);
  QAbstractButton* kind_button(LayerKind kind) const;
  // Writes the chart as PNG, PDF or SVG by the file extension; throws srs::Error for another
  // extension or when the file cannot be written.
  void export_image(const QString& path) const;

 private:
  static constexpr size_t kKinds = static_cast<size_t>(LayerKind::other) + 1;

  void rebuild();         // a new table: series, ticks, buttons
  void refresh_scores();  // the kind filter changed: series data
  void refresh_plan();    // a re-solve: overlay data
  void show_selection(int layer);
  void reset_view();
  void toggle_option(int option);
  bool kind_shown(LayerKind kind) const { return kind_visible_[static_cast<size_t>(kind)]; }
  void on_mouse_release(QMouseEvent* event);
  void on_mouse_move(QMouseEvent* event);

  StudioDocument* doc_;
  QCustomPlot* plot_;
  QHBoxLayout* kind_bar_;
  std::array<QToolButton*, kKinds> kind_buttons_{};
  std::array<bool, kKinds> kind_visible_{};
  std::vector<QCPGraph*> option_graphs_;
  std::vector<QCPGraph*> free_overlays_;    // per option: layers the optimizer put there
  std::vector<QCPGraph*> locked_overlays_;  // per option: layers the user locked there
  QCPItemStraightLine* selection_marker_;
  QPointF press_pos_;
};

}  // namespace srs::ui
