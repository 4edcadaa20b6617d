#pragma once
// The plan table panel: every layer with its scores and chosen option, sortable and filterable,
// with the manual overrides (edit a Chosen cell, lock/unlock the selection, a regex rule).
// Selecting a row selects the layer in the document (and so in the chart), and back.
// Changes go to the StudioDocument; its errors come out as error() for the window to show.
#include <QWidget>
#include <functional>
#include <vector>

class QComboBox;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace srs::ui {

class PlanFilterProxy;
class PlanTableModel;
class StudioDocument;

class PlanTableView : public QWidget {
  Q_OBJECT
 public:
  explicit PlanTableView(StudioDocument* doc, QWidget* parent = nullptr);

  QTableView* table_view() const { return table_; }
  PlanTableModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const;
  QLineEdit* filter_edit() const { return filter_edit_; }
  QComboBox* kind_filter() const { return kind_filter_; }
  QLineEdit* rule_edit() const { return rule_edit_; }
  QComboBox* rule_option() const { return rule_option_; }
  QPushButton* apply_rule_button() const { return apply_rule_; }
  QPushButton* lock_selection_button() const { return lock_selection_; }
  QPushButton* unlock_selection_button() const { return unlock_selection_; }
  QPushButton* unlock_all_button() const { return unlock_all_; }

 signals:
  void error(const QString& message);

 private:
  void build_widgets();
  void build_layout();
  void project_changed();
  void set_name_filter(const QString& pattern);
  void set_kind_filter();
  void current_row_changed(const QModelIndex& current);
  void show_document_selection();
  std::vector<int> selected_layers() const;  // source rows, ascending
  void apply_rule();
  void ask(const std::function<void()>& change);  // a document change; its errors -> error()

  StudioDocument* doc_;
  PlanTableModel* model_;
  PlanFilterProxy* proxy_;
  QTableView* table_ = nullptr;
  QLineEdit* filter_edit_ = nullptr;
  QComboBox* kind_filter_ = nullptr;
  QPushButton* lock_selection_ = nullptr;
  QPushButton* unlock_selection_ = nullptr;
  QPushButton* unlock_all_ = nullptr;
  QLineEdit* rule_edit_ = nullptr;
  QComboBox* rule_option_ = nullptr;
  QPushButton* apply_rule_ = nullptr;
  bool syncing_selection_ = false;  // set while the view and the document align their selections
};

}  // namespace srs::ui
