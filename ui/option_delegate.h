#pragma once
// Edits the plan table's Chosen cell with a combo box of the project's options. Picking an
// option commits at once (no Enter needed), so a single pick locks the layer to it.
#include <QStyledItemDelegate>

namespace srs::ui {

class PlanTableModel;

class OptionDelegate : public QStyledItemDelegate {
  Q_OBJECT
 public:
  // `model` is the source model (the view may show it through a proxy; columns map 1:1).
  explicit OptionDelegate(const PlanTableModel* model, QObject* parent = nullptr);

  QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  void setEditorData(QWidget* editor, const QModelIndex& index) const override;
  void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override;

 private slots:
  void commit_and_close();  // on the combo's activation (the sender)

 private:
  const PlanTableModel* model_;
};

}  // namespace srs::ui
