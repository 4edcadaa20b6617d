#include "plan_table_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopedValueRollback>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

#include "allocate/sensitivity_table.h"
#include "option_delegate.h"
#include "plan_filter_proxy.h"
#include "plan_table_model.h"
#include "studio_document.h"

namespace srs::ui {

PlanTableView::PlanTableView(StudioDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), model_(new PlanTableModel(doc, this)), proxy_(new PlanFilterProxy(this)) {
  proxy_->setSourceModel(model_);
  build_widgets();
  build_layout();
  connect(model_, &PlanTableModel::error, this, &PlanTableView::error);
  connect(doc_, &StudioDocument::project_changed, this, &PlanTableView::project_changed);
  connect(doc_, &StudioDocument::selection_changed, this, &PlanTableView::show_document_selection);
  project_changed();
}

QSortFilterProxyModel* PlanTableView::proxy() const { return proxy_; }

void PlanTableView::build_widgets() {
  table_ = new QTableView(this);
  table_->setModel(proxy_);
  table_->setItemDelegate(new OptionDelegate(model_, table_));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->verticalHeader()->hide();
  // Start in table order; a third click on a header returns to it.
  table_->horizontalHeader()->setSortIndicatorClearable(true);
  table_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  table_->setSortingEnabled(true);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &PlanTableView::current_row_changed);

  filter_edit_ = new QLineEdit(this);
  filter_edit_->setPlaceholderText(tr("Filter layers (regular expression)"));
  filter_edit_->setClearButtonEnabled(true);
  connect(filter_edit_, &QLineEdit::textChanged, this, &PlanTableView::set_name_filter);

  kind_filter_ = new QComboBox(this);
  kind_filter_->addItem(tr("all kinds"), QString());
  for (int k = static_cast<int>(LayerKind::q); k <= static_cast<int>(LayerKind::lm_head); ++k) {
    const QString kind = QString::fromLatin1(to_string(static_cast<LayerKind>(k)));
    kind_filter_->addItem(kind, kind);
  }
  connect(kind_filter_, &QComboBox::currentIndexChanged, this, &PlanTableView::set_kind_filter);

  lock_selection_ = new QPushButton(tr("Lock selection"), this);
  lock_selection_->setToolTip(tr("Keep the selected layers (and their groups) at their current options"));
  connect(lock_selection_, &QPushButton::clicked, this, [this] {
    if (const auto layers = selected_layers(); !layers.empty()) ask([&] { doc_->lock_current(layers); });
  });
  unlock_selection_ = new QPushButton(tr("Unlock selection"), this);
  connect(unlock_selection_, &QPushButton::clicked, this, [this] {
    if (const auto layers = selected_layers(); !layers.empty()) ask([&] { doc_->unlock(layers); });
  });
  unlock_all_ = new QPushButton(tr("Unlock all"), this);
  unlock_all_->setToolTip(tr("Hand every layer back to the optimizer"));
  connect(unlock_all_, &QPushButton::clicked, this, [this] { ask([this] { doc_->unlock_all(); }); });

  rule_edit_ = new QLineEdit(this);
  rule_edit_->setPlaceholderText(tr("Layers matching (regular expression), e.g. down_proj"));
  connect(rule_edit_, &QLineEdit::returnPressed, this, &PlanTableView::apply_rule);
  rule_option_ = new QComboBox(this);
  apply_rule_ = new QPushButton(tr("Apply rule"), this);
  apply_rule_->setToolTip(tr("Lock every matching layer (and its group) to the option"));
  connect(apply_rule_, &QPushButton::clicked, this, &PlanTableView::apply_rule);
}

void PlanTableView::build_layout() {
  auto* filters = new QHBoxLayout;
  filters->addWidget(filter_edit_, 1);
  filters->addWidget(kind_filter_);

  auto* locks = new QHBoxLayout;
  locks->addWidget(lock_selection_);
  locks->addWidget(unlock_selection_);
  locks->addWidget(unlock_all_);
  locks->addStretch(1);

  auto* rule = new QHBoxLayout;
  rule->addWidget(new QLabel(tr("Rule:"), this));
  rule->addWidget(rule_edit_, 1);
  rule->addWidget(rule_option_);
  rule->addWidget(apply_rule_);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(filters);
  layout->addWidget(table_, 1);
  layout->addLayout(locks);
  layout->addLayout(rule);
}

void PlanTableView::project_changed() {
  rule_option_->clear();
  for (const auto& name : doc_->table().options) rule_option_->addItem(QString::fromStdString(name));
  for (QWidget* w : std::initializer_list<QWidget*>{table_, lock_selection_, unlock_selection_, unlock_all_, rule_edit_, rule_option_, apply_rule_})
    w->setEnabled(doc_->has_project());
  // Show Chosen and Locked right after the layer's facts, before the score columns: the plan is
  // what a user reads and changes; scores are the evidence (the model's column order is kept).
  QHeaderView* header = table_->horizontalHeader();
  if (doc_->has_project()) {
    header->moveSection(header->visualIndex(model_->chosen_column()), PlanTableModel::kFirstScoreColumn);
    header->moveSection(header->visualIndex(model_->locked_column()), PlanTableModel::kFirstScoreColumn + 1);
  }
  table_->resizeColumnsToContents();
}

void PlanTableView::set_name_filter(const QString& pattern) {
  const QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
  // While a pattern is half typed ("mlp.(") keep the last valid filter rather than hide everything.
  filter_edit_->setToolTip(re.isValid() ? QString() : re.errorString());
  if (!re.isValid()) return;
  {
    const QScopedValueRollback guard(syncing_selection_, true);  // rows leaving are not a user's pick
    proxy_->setFilterRegularExpression(re);
  }
  show_document_selection();
}

void PlanTableView::set_kind_filter() {
  {
    const QScopedValueRollback guard(syncing_selection_, true);
    proxy_->set_kind(kind_filter_->currentData().toString());
  }
  show_document_selection();
}

void PlanTableView::current_row_changed(const QModelIndex& current) {
  if (syncing_selection_ || !current.isValid()) return;
  const QScopedValueRollback guard(syncing_selection_, true);  // the document's echo must not reselect
  doc_->select_layer(proxy_->mapToSource(current).row());
}

void PlanTableView::show_document_selection() {
  if (syncing_selection_) return;
  const QScopedValueRollback guard(syncing_selection_, true);
  const int layer = doc_->selected_layer();
  const QModelIndex row = layer >= 0 && layer < model_->rowCount()
                              ? proxy_->mapFromSource(model_->index(layer, PlanTableModel::kLayerColumn))
                              : QModelIndex();
  QItemSelectionModel* selection = table_->selectionModel();
  if (!row.isValid()) {  // none, or filtered out
    selection->clearSelection();
    selection->clearCurrentIndex();
    return;
  }
  selection->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  table_->scrollTo(row);
}

std::vector<int> PlanTableView::selected_layers() const {
  std::vector<int> layers;
  for (const QModelIndex& row : table_->selectionModel()->selectedRows()) layers.push_back(proxy_->mapToSource(row).row());
  std::sort(layers.begin(), layers.end());
  return layers;
}

void PlanTableView::apply_rule() {
  ask([this] { doc_->apply_rule(rule_edit_->text(), rule_option_->currentText()); });
}

void PlanTableView::ask(const std::function<void()>& change) {
  try {
    change();
  } catch (const std::exception& e) {  // srs::Error and the like: never into Qt's event loop
    emit error(QString::fromStdString(e.what()));
  }
}

}  // namespace srs::ui
