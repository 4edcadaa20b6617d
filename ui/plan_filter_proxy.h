#pragma once
// The plan table as the user narrows it: the base class filters layer names (a regular
// expression on the Layer column); this adds an exact match on the layer kind.
#include <QSortFilterProxyModel>

namespace srs::ui {

class PlanFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit PlanFilterProxy(QObject* parent = nullptr);
  // "q", "gate", "lm_head", ...; empty shows every kind.
  void set_kind(const QString& kind);

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  QString kind_;
};

}  // namespace srs::ui
