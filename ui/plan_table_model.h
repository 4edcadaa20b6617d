#pragma once
// The plan as a table: one row per sensitivity-table layer (table order), with its scores and
// the option the plan gives it. Reads everything from the StudioDocument and asks it for every
// change (a lock from the Chosen cell, lock/unlock from the Locked check box), so the document
// stays the one place the plan lives.
#include <QAbstractTableModel>

namespace srs::ui {

class StudioDocument;

class PlanTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  // Numbers for numeric columns (block, parameters, scores, locked), text otherwise, so a
  // QSortFilterProxyModel with setSortRole(kSortRole) sorts numerically.
  static constexpr int kSortRole = Qt::UserRole;
  // The leading columns; the score columns, Chosen and Locked follow (see the accessors).
  enum Column { kLayerColumn, kBlockColumn, kKindColumn, kGroupColumn, kParamsColumn, kFirstScoreColumn };

  explicit PlanTableModel(StudioDocument* doc, QObject* parent = nullptr);

  StudioDocument* document() const { return doc_; }
  int score_column(int option) const { return kFirstScoreColumn + option; }
  int chosen_column() const;
  int locked_column() const { return chosen_column() + 1; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  // Chosen (Qt::EditRole, an option name): locks the layer's group to it. Locked
  // (Qt::CheckStateRole): locks at the current option or unlocks. Document errors come out as
  // error(), never as exceptions.
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

 signals:
  void error(const QString& message);

 private:
  int option_count() const;
  QVariant display(int layer, int column) const;
  QVariant sort_key(int layer, int column) const;
  QVariant chosen_style(int layer, int role) const;  // how a locked (manual) choice stands out
  QString group_label(int layer) const;
  void refresh_plan_columns();

  StudioDocument* doc_;
};

}  // namespace srs::ui
