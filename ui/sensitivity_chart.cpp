#include "sensitivity_chart.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QBuffer>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSaveFile>
#include <QSignalBlocker>
#include <QSvgGenerator>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

#include "studio_document.h"
#include "util/error.h"

namespace srs::ui {

namespace {

// Tableau 10: distinct on white and for the common colour blindnesses.
constexpr QRgb kSeriesColours[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                   0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

QColor series_colour(size_t option) { return QColor(kSeriesColours[option % std::size(kSeriesColours)]); }

// More block numbers than this along the x axis overlap; beyond it only every n-th is labelled.
constexpr int kMaxBlockLabels = 16;

// The size an export has when the chart is not on screen (logical pixels; PNG is scaled up).
constexpr QSize kDefaultExportSize(1000, 600);

}  // namespace

SensitivityChart::SensitivityChart(StudioDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), plot_(new QCustomPlot(this)), kind_bar_(new QHBoxLayout) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  kind_bar_->addWidget(new QLabel(tr("Layers:"), this));
  kind_bar_->addStretch(1);
  layout->addLayout(kind_bar_);
  layout->addWidget(plot_, 1);

  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
  plot_->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
  plot_->xAxis->setLabel(tr("layer (ticks: block, at its first layer)"));
  plot_->xAxis->setSubTicks(false);
  plot_->yAxis->setLabel(tr("DeltaLoss score"));
  plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  plot_->yAxis->setNumberFormat("eb");  // 10^-3 rather than 0.001
  plot_->yAxis->setNumberPrecision(0);
  // The legend gets its own row above the axes, so it never covers points.
  plot_->legend->setVisible(true);
  plot_->legend->setBorderPen(Qt::NoPen);
  plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, plot_->legend);
  plot_->plotLayout()->setRowStretchFactor(0, 0.001);

  selection_marker_ = new QCPItemStraightLine(plot_);
  selection_marker_->setPen(QPen(QColor(Qt::darkGray), 1.5, Qt::DashLine));
  selection_marker_->setVisible(false);

  connect(plot_, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
    auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!entry) return;
    const auto it = std::find(option_graphs_.begin(), option_graphs_.end(), entry->plottable());
    if (it != option_graphs_.end()) toggle_option(static_cast<int>(it - option_graphs_.begin()));
  });
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) { press_pos_ = e->position(); });
  connect(plot_, &QCustomPlot::mouseRelease, this, &SensitivityChart::on_mouse_release);
  connect(plot_, &QCustomPlot::mouseMove, this, &SensitivityChart::on_mouse_move);
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent* e) {
    if (!plot_->legend->outerRect().contains(e->position().toPoint())) reset_view();
  });

  connect(doc_, &StudioDocument::project_changed, this, &SensitivityChart::rebuild);
  connect(doc_, &StudioDocument::plan_changed, this, &SensitivityChart::refresh_plan);
  connect(doc_, &StudioDocument::selection_changed, this, &SensitivityChart::show_selection);
  rebuild();
  show_selection(doc_->selected_layer());
}

QCPGraph* SensitivityChart::option_graph(int option) const {
  return option >= 0 && option < static_cast<int>(option_graphs_.size()) ? option_graphs_[static_cast<size_t>(option)] : nullptr;
}

QCPGraph* SensitivityChart::overlay_graph(int option, bool locked) const {
  const auto& graphs = locked ? locked_overlays_ : free_overlays_;
  return option >= 0 && option < static_cast<int>(graphs.size()) ? graphs[static_cast<size_t>(option)] : nullptr;
}

QAbstractButton* SensitivityChart::kind_button(LayerKind kind) const { return kind_buttons_[static_cast<size_t>(kind)]; }

void SensitivityChart::rebuild() {
  plot_->clearGraphs();
  option_graphs_.clear();
  free_overlays_.clear();
  locked_overlays_.clear();
  for (auto*& button : kind_buttons_) {
    delete button;
    button = nullptr;
  }
  kind_visible_.fill(true);
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  plot_->xAxis->setTicker(ticker);

  if (doc_->has_project()) {
    const SensitivityTable& table = doc_->table();
    std::array<bool, kKinds> present{};
    int blocks = 0;
    for (const auto& layer : table.layers) {
      present[static_cast<size_t>(layer.kind)] = true;
      blocks = std::max(blocks, layer.block + 1);
    }
    const int label_step = (blocks + kMaxBlockLabels - 1) / kMaxBlockLabels;
    int last_block = -1;
    for (size_t i = 0; i < table.layers.size(); ++i) {
      const auto& layer = table.layers[i];
      if (layer.kind == LayerKind::lm_head) ticker->addTick(static_cast<double>(i), QStringLiteral("lm_head"));
      if (layer.block < 0 || layer.block == last_block) continue;
      last_block = layer.block;
      ticker->addTick(static_cast<double>(i), layer.block % label_step == 0 ? QString::number(layer.block) : QString());
    }

    for (size_t k = 0; k < kKinds; ++k) {
      if (!present[k]) continue;
      const auto kind = static_cast<LayerKind>(k);
      auto* button = new QToolButton(this);
      button->setText(QString::fromLatin1(to_string(kind)));
      button->setToolTip(tr("Show the %1 layers").arg(to_string(kind)));
      button->setCheckable(true);
      button->setChecked(true);
      connect(button, &QToolButton::toggled, this, [this, kind](bool on) { set_kind_visible(kind, on); });
      kind_bar_->insertWidget(kind_bar_->count() - 1, button);  // before the stretch
      kind_buttons_[k] = button;
    }

    for (size_t o = 0; o < table.options.size(); ++o) {
      auto* graph = plot_->addGraph();
      graph->setName(QString::fromStdString(table.options[o]));
      graph->setPen(QPen(series_colour(o), 1.5));
      graph->setLineStyle(QCPGraph::lsLine);
      graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
      option_graphs_.push_back(graph);
    }
    // Overlays after the series, so they are drawn on top; a ring for the optimizer's choice,
    // a filled diamond for a lock, so overrides stand out.
    for (size_t o = 0; o < table.options.size(); ++o) {
      auto* chosen = plot_->addGraph();
      chosen->setLineStyle(QCPGraph::lsNone);
      chosen->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(series_colour(o), 2), Qt::NoBrush, 10));
      chosen->removeFromLegend();
      free_overlays_.push_back(chosen);
      auto* locked = plot_->addGraph();
      locked->setLineStyle(QCPGraph::lsNone);
      locked->setScatterStyle(
          QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(series_colour(o).darker(), 1.5), series_colour(o), 11));
      locked->removeFromLegend();
      locked_overlays_.push_back(locked);
    }
  }
  refresh_scores();
  refresh_plan();
  reset_view();
}

void SensitivityChart::refresh_scores() {
  if (!doc_->has_project()) return;
  const SensitivityTable& table = doc_->table();
  for (size_t o = 0; o < option_graphs_.size(); ++o) {
    QVector<double> keys, values;
    for (size_t i = 0; i < table.layers.size(); ++i) {
      const auto& layer = table.layers[i];
      // A log axis cannot show a zero score (a lossless option): leave the point out.
      if (!kind_shown(layer.kind) || layer.score[o] <= 0) continue;
      keys.push_back(static_cast<double>(i));
      values.push_back(layer.score[o]);
    }
    option_graphs_[o]->setData(keys, values, true);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SensitivityChart::refresh_plan() {
  if (!doc_->has_project() || free_overlays_.empty()) return;
  const SensitivityTable& table = doc_->table();
  const PlanEditor& editor = doc_->editor();
  const QuantPlan& plan = editor.plan();
  const size_t options = free_overlays_.size();
  std::vector<QVector<double>> free_keys(options), free_values(options), locked_keys(options), locked_values(options);
  for (size_t i = 0; i < table.layers.size(); ++i) {
    const int chosen = plan.choice[i];
    if (chosen < 0 || !kind_shown(table.layers[i].kind)) continue;
    const double score = table.layers[i].score[static_cast<size_t>(chosen)];
    if (score <= 0) continue;
    const bool locked = editor.is_locked(static_cast<int>(i));
    (locked ? locked_keys : free_keys)[static_cast<size_t>(chosen)].push_back(static_cast<double>(i));
    (locked ? locked_values : free_values)[static_cast<size_t>(chosen)].push_back(score);
  }
  for (size_t o = 0; o < options; ++o) {
    free_overlays_[o]->setData(free_keys[o], free_values[o], true);
    locked_overlays_[o]->setData(locked_keys[o], locked_values[o], true);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SensitivityChart::show_selection(int layer) {
  selection_marker_->setVisible(layer >= 0);
  // Two points at the same x: a vertical line whatever the y scale.
  selection_marker_->point1->setCoords(layer, 1);
  selection_marker_->point2->setCoords(layer, 10);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SensitivityChart::reset_view() {
  const size_t layers = doc_->has_project() ? doc_->table().layers.size() : 0;
  double low = std::numeric_limits<double>::max(), high = 0;
  if (doc_->has_project())
    for (const auto& layer : doc_->table().layers)
      for (double s : layer.score)
        if (s > 0) low = std::min(low, s), high = std::max(high, s);
  plot_->xAxis->setRange(-0.5, layers > 0 ? static_cast<double>(layers) - 0.5 : 1.0);
  if (high > 0)
    plot_->yAxis->setRange(low / 2, high * 2);  // half a factor of ten of air on a log axis
  else
    plot_->yAxis->setRange(1e-4, 1);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SensitivityChart::toggle_option(int option) {
  const auto o = static_cast<size_t>(option);
  const bool show = !option_graphs_[o]->visible();
  option_graphs_[o]->setVisible(show);
  free_overlays_[o]->setVisible(show);
  locked_overlays_[o]->setVisible(show);
  if (auto* entry = plot_->legend->itemWithPlottable(option_graphs_[o]))
    entry->setTextColor(show ? plot_->legend->textColor() : QColor(Qt::gray));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SensitivityChart::set_kind_visible(LayerKind kind, bool visible) {
  bool& shown = kind_visible_[static_cast<size_t>(kind)];
  if (shown == visible) return;
  shown = visible;
  if (auto* button = kind_buttons_[static_cast<size_t>(kind)]) {
    const QSignalBlocker block(button);
    button->setChecked(visible);
  }
  refresh_scores();
  refresh_plan();
}

int SensitivityChart::layer_at_pixel(const QPointF& pos) const {
  if (!doc_->has_project() || !plot_->axisRect()->rect().contains(pos.toPoint())) return -1;
  const auto& layers = doc_->table().layers;
  int best = -1;
  double best_distance = plot_->selectionTolerance();
  for (size_t i = 0; i < layers.size(); ++i) {
    if (!kind_shown(layers[i].kind)) continue;
    const double distance = std::abs(plot_->xAxis->coordToPixel(static_cast<double>(i)) - pos.x());
    if (distance <= best_distance) best = static_cast<int>(i), best_distance = distance;
  }
  return best;
}

QString SensitivityChart::tooltip_text(int layer) const {
  if (!doc_->has_project() || layer < 0 || layer >= static_cast<int>(doc_->table().layers.size())) return {};
  const SensitivityTable& table = doc_->table();
  const auto& l = table.layers[static_cast<size_t>(layer)];
  QStringList lines{QString::fromStdString(l.name),
                    tr("block %1, %2, %3 parameters")
                        .arg(l.block >= 0 ? QString::number(l.block) : tr("none"), QString::fromLatin1(to_string(l.kind)),
                             QLocale().toString(static_cast<qlonglong>(l.params)))};
  for (size_t o = 0; o < table.options.size(); ++o)
    lines << QStringLiteral("%1: %2").arg(QString::fromStdString(table.options[o])).arg(l.score[o], 0, 'g', 4);
  const int chosen = doc_->editor().plan().choice[static_cast<size_t>(layer)];
  QString plan = chosen >= 0 ? QString::fromStdString(table.options[static_cast<size_t>(chosen)]) : tr("unquantized (BF16)");
  if (doc_->editor().is_locked(layer)) plan += tr(" (locked)");
  lines << tr("plan: %1").arg(plan);
  return lines.join(QLatin1Char('\n'));
}

void SensitivityChart::on_mouse_release(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  const QPointF pos = event->position();
  // A drag pans; only a click selects, and a click on the legend toggles a series instead.
  if ((pos - press_pos_).manhattanLength() > QApplication::startDragDistance()) return;
  if (plot_->legend->visible() && plot_->legend->outerRect().contains(pos.toPoint())) return;
  const int layer = layer_at_pixel(pos);
  if (layer >= 0) doc_->select_layer(layer);
}

void SensitivityChart::on_mouse_move(QMouseEvent* event) {
  if (event->buttons() != Qt::NoButton) return;  // panning
  const int layer = layer_at_pixel(event->position());
  if (layer < 0)
    QToolTip::hideText();
  else
    QToolTip::showText(event->globalPosition().toPoint(), tooltip_text(layer), plot_);
}

void SensitivityChart::export_image(const QString& path) const {
  const QString ext = QFileInfo(path).suffix().toLower();
  const QSize size = plot_->isVisible() ? plot_->size() : kDefaultExportSize;
  const auto cannot_write = [&] {
    return Error("cannot write the chart to " + path.toStdString() + ": check that the folder exists and is writable");
  };
  if (ext == QLatin1String("png")) {
    // At least twice the logical size, so the image stays sharp in documents and on high-DPI screens.
    const double scale = std::max(2.0, plot_->devicePixelRatioF());
    if (!plot_->savePng(path, size.width(), size.height(), scale)) throw cannot_write();
  } else if (ext == QLatin1String("pdf")) {
    if (!plot_->savePdf(path, size.width(), size.height())) throw cannot_write();
  } else if (ext == QLatin1String("svg")) {
    QBuffer svg_bytes;
    QSvgGenerator svg;
    svg.setOutputDevice(&svg_bytes);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(tr("Layer sensitivity"));
    QCPPainter painter;
    if (!painter.begin(&svg)) throw cannot_write();
    painter.setMode(QCPPainter::pmVectorized);
    plot_->toPainter(&painter, size.width(), size.height());
    painter.end();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(svg_bytes.data()) != svg_bytes.size() || !file.commit())
      throw Error("cannot write the chart to " + path.toStdString() + ": " + file.errorString().toStdString());
  } else {
    throw Error("cannot export the chart as '" + path.toStdString() + "': use a .png, .pdf or .svg file name");
  }
}

}  // namespace srs::ui
