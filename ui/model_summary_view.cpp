#include "model_summary_view.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include "studio_document.h"

namespace srs::ui {

QString format_count(int64_t n) {
  const auto v = static_cast<double>(n);
  if (n >= 1'000'000'000) return QString::number(v / 1e9, 'f', 2) + " B";
  if (n >= 1'000'000) return QString::number(v / 1e6, 'f', 1) + " M";
  if (n >= 1'000) return QString::number(v / 1e3, 'f', 1) + " K";
  return QString::number(n);
}

ModelSummaryView::ModelSummaryView(StudioDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), form_(new QFormLayout), empty_(new QLabel(tr("No model open."), this)) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(empty_);
  layout->addLayout(form_);
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  connect(doc_, &StudioDocument::model_changed, this, &ModelSummaryView::refresh);
  refresh();
}

QString ModelSummaryView::value(const QString& key) const {
  for (int r = 0; r < form_->rowCount(); ++r) {
    auto* label = qobject_cast<QLabel*>(form_->itemAt(r, QFormLayout::LabelRole)->widget());
    auto* field = qobject_cast<QLabel*>(form_->itemAt(r, QFormLayout::FieldRole)->widget());
    if (label && field && label->objectName() == key) return field->text();
  }
  return {};
}

void ModelSummaryView::refresh() {
  while (form_->rowCount() > 0) form_->removeRow(0);
  empty_->setVisible(!doc_->has_model());
  if (!doc_->has_model()) return;
  const ModelSummary& m = doc_->model();
  auto row = [&](const QString& key, const QString& label, const QString& text) {
    auto* l = new QLabel(label, this);
    l->setObjectName(key);
    auto* f = new QLabel(text, this);
    f->setTextInteractionFlags(Qt::TextSelectableByMouse);
    f->setWordWrap(true);
    form_->addRow(l, f);
  };
  row("file", tr("File"), QFileInfo(QString::fromStdString(m.path)).fileName() + " (" + QString::fromStdString(m.format) + ")");
  row("architecture", tr("Architecture"), QString::fromLatin1(architecture_name(m.config.architecture)));
  row("blocks", tr("Blocks"), QString::number(m.config.num_hidden_layers));
  row("sizes", tr("Sizes"),
      tr("hidden %1, intermediate %2, heads %3 (kv %4)")
          .arg(m.config.hidden_size)
          .arg(m.config.intermediate_size)
          .arg(m.config.num_attention_heads)
          .arg(m.config.num_key_value_heads));
  row("parameters", tr("Parameters"), format_count(m.parameters));
  row("size", tr("Size on disk"), QLocale().formattedDataSize(static_cast<qint64>(m.size_bytes), 1, QLocale::DataSizeIecFormat));
  QString types;
  for (const auto& [t, n] : m.stored_types) types += (types.isEmpty() ? "" : ", ") + QString::fromStdString(t) + " x" + QString::number(n);
  row("types", tr("Stored types"), types);
  row("tokenizer", tr("Tokenizer"),
      !m.tokenizer_kind.empty() ? tr("%1, %2 tokens").arg(QString::fromStdString(m.tokenizer_kind)).arg(m.tokenizer_vocab)
                      : tr("none (analysis needs tokenizer.json)"));
}

}  // namespace srs::ui
