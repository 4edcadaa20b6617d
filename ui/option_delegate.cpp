#include "option_delegate.h"

#include <QComboBox>
#include <QTimer>

#include "plan_table_model.h"
#include "studio_document.h"

namespace srs::ui {

namespace {

constexpr const char* kPicked = "srs_picked";  // set on the combo once the user picked an option

}  // namespace

OptionDelegate::OptionDelegate(const PlanTableModel* model, QObject* parent) : QStyledItemDelegate(parent), model_(model) {}

QWidget* OptionDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const {
  if (index.column() != model_->chosen_column()) return QStyledItemDelegate::createEditor(parent, option, index);
  auto* combo = new QComboBox(parent);
  for (const auto& name : model_->document()->table().options) combo->addItem(QString::fromStdString(name));
  connect(combo, &QComboBox::activated, this, &OptionDelegate::commit_and_close);
  // Open the list right away: the editor exists only to pick from it.
  QTimer::singleShot(0, combo, &QComboBox::showPopup);
  return combo;
}

void OptionDelegate::commit_and_close() {
  auto* combo = qobject_cast<QComboBox*>(sender());
  // Only a pick commits: the item views also commit when an editor loses focus, and leaving
  // the list without picking must not lock the layer at its current option.
  combo->setProperty(kPicked, true);
  emit commitData(combo);
  emit closeEditor(combo);
}

void OptionDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const {
  auto* combo = qobject_cast<QComboBox*>(editor);
  if (!combo) return QStyledItemDelegate::setEditorData(editor, index);
  combo->setCurrentIndex(combo->findText(index.data(Qt::EditRole).toString()));  // -1 for BF16: nothing picked
}

void OptionDelegate::setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const {
  auto* combo = qobject_cast<QComboBox*>(editor);
  if (!combo) return QStyledItemDelegate::setModelData(editor, model, index);
  if (combo->property(kPicked).toBool() && combo->currentIndex() >= 0) model->setData(index, combo->currentText(), Qt::EditRole);
}

}  // namespace srs::ui
