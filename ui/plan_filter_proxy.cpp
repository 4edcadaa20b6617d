#include "plan_filter_proxy.h"

#include "plan_table_model.h"

namespace srs::ui {

PlanFilterProxy::PlanFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setFilterKeyColumn(PlanTableModel::kLayerColumn);
  setSortRole(PlanTableModel::kSortRole);
}

void PlanFilterProxy::set_kind(const QString& kind) {
  if (kind == kind_) return;
  kind_ = kind;
  invalidateFilter();
}

bool PlanFilterProxy::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  if (!kind_.isEmpty()) {
    const QModelIndex kind = sourceModel()->index(source_row, PlanTableModel::kKindColumn, source_parent);
    if (kind.data().toString() != kind_) return false;
  }
  return QSortFilterProxyModel::filterAcceptsRow(source_row, source_parent);
}

}  // namespace srs::ui
