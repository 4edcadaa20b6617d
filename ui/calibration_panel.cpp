#include "calibration_panel.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace srs::ui {

namespace {

// The options a user picks from, cheapest first; the defaults are the paper's W2/W4/W8 mix.
const char* const kOptions[] = {"W2A16", "W2A16G64", "W3A16", "W4A16", "W8A16", "MXFP4", "MXFP8", "NVFP4"};
const char* const kDefaultOptions[] = {"W2A16", "W4A16", "W8A16"};

QSpinBox* spin(QWidget* parent, int lo, int hi, int value, const QString& tip) {
  auto* s = new QSpinBox(parent);
  s->setRange(lo, hi);
  s->setValue(value);
  s->setToolTip(tip);
  return s;
}

}  // namespace

CalibrationPanel::CalibrationPanel(QWidget* parent)
    : QWidget(parent),
      paths_(new QListWidget(this)),
      options_(new QListWidget(this)),
      nsamples_(spin(this, 1, 4096, 16, tr("Calibration windows (the paper and auto-round use 16 for sensitivity)"))),
      seqlen_(spin(this, 16, 8192, 256, tr("Tokens per window (for 2-bit options, 1024 or more ranked the layers better on the demo model; docs/benchmarks.md)"))),
      seed_(spin(this, 0, 1'000'000, 42, tr("Seed of the window sampling"))),
      batch_(spin(this, 1, 256, 8, tr("Windows per forward/backward pass (memory vs speed)"))),
      lm_head_(new QCheckBox(tr("Score lm_head too"), this)),
      resident_(new QCheckBox(tr("All blocks in memory"), this)),
      analyze_(new QPushButton(tr("Analyze"), this)) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Calibration text (.txt, .jsonl, folders):"), this));
  paths_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  layout->addWidget(paths_, 1);
  auto* buttons = new QHBoxLayout;
  auto* add_files = new QPushButton(tr("Add files…"), this);
  auto* add_folder = new QPushButton(tr("Add folder…"), this);
  auto* remove = new QPushButton(tr("Remove"), this);
  buttons->addWidget(add_files);
  buttons->addWidget(add_folder);
  buttons->addWidget(remove);
  layout->addLayout(buttons);
  connect(add_files, &QPushButton::clicked, this, [this] {
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Calibration text"), {}, tr("Text (*.txt *.jsonl);;All files (*)"));
    paths_->addItems(files);
  });
  connect(add_folder, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of calibration text"));
    if (!dir.isEmpty()) paths_->addItem(dir);
  });
  connect(remove, &QPushButton::clicked, this, [this] { qDeleteAll(paths_->selectedItems()); });

  auto* form = new QFormLayout;
  form->addRow(tr("Windows"), nsamples_);
  form->addRow(tr("Tokens per window"), seqlen_);
  form->addRow(tr("Seed"), seed_);
  form->addRow(tr("Batch"), batch_);
  layout->addLayout(form);
  lm_head_->setToolTip(tr("lm_head joins the table; the allocator then gives it at least 6 bits"));
  resident_->setToolTip(tr("Faster, more memory. Off: one block is loaded at a time, so memory does not grow with depth"));
  layout->addWidget(lm_head_);
  layout->addWidget(resident_);

  layout->addWidget(new QLabel(tr("Candidate options:"), this));
  for (const char* o : kOptions) {
    auto* item = new QListWidgetItem(o, options_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
  }
  QStringList defaults;
  for (const char* o : kDefaultOptions) defaults << o;
  set_checked_options(defaults);
  layout->addWidget(options_, 1);

  analyze_->setToolTip(tr("Measure DeltaLoss per layer and option on the calibration text (F5)"));
  layout->addWidget(analyze_);
  connect(analyze_, &QPushButton::clicked, this, &CalibrationPanel::analyze_requested);
}

QStringList CalibrationPanel::paths() const {
  QStringList out;
  for (int i = 0; i < paths_->count(); ++i) out << paths_->item(i)->text();
  return out;
}

void CalibrationPanel::set_paths(const QStringList& paths) {
  paths_->clear();
  paths_->addItems(paths);
}

QStringList CalibrationPanel::checked_options() const {
  QStringList out;
  for (int i = 0; i < options_->count(); ++i)
    if (options_->item(i)->checkState() == Qt::Checked) out << options_->item(i)->text();
  return out;
}

void CalibrationPanel::set_checked_options(const QStringList& options) {
  for (const auto& o : options)
    if (options_->findItems(o, Qt::MatchExactly).isEmpty()) {
      auto* item = new QListWidgetItem(o, options_);
      item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    }
  for (int i = 0; i < options_->count(); ++i)
    options_->item(i)->setCheckState(options.contains(options_->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
}

void CalibrationPanel::show_settings(const CalibrationSettings& settings, const std::vector<std::string>& options) {
  QStringList files, names;
  for (const auto& f : settings.files) files << QString::fromStdString(f);
  for (const auto& o : options) names << QString::fromStdString(o);
  set_paths(files);
  nsamples_->setValue(static_cast<int>(settings.nsamples));
  seqlen_->setValue(static_cast<int>(settings.seqlen));
  seed_->setValue(static_cast<int>(settings.seed));
  batch_->setValue(static_cast<int>(settings.batch_size));
  set_checked_options(names);
}

AnalyzeRequest CalibrationPanel::request(const QString& model_path) const {
  AnalyzeRequest r;
  r.model_path = model_path.toStdString();
  for (const auto& p : paths()) r.calib_paths.push_back(p.toStdString());
  r.nsamples = nsamples_->value();
  r.seqlen = seqlen_->value();
  r.seed = static_cast<uint64_t>(seed_->value());
  r.batch_size = batch_->value();
  r.quantize_lm_head = lm_head_->isChecked();
  r.low_memory = !resident_->isChecked();
  r.options.clear();
  for (const auto& o : checked_options()) r.options.push_back(o.toStdString());
  return r;
}

}  // namespace srs::ui
