#include "plan_table_model.h"

#include <QBrush>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>

#include "studio_document.h"
#include "util/error.h"

namespace srs::ui {

PlanTableModel::PlanTableModel(StudioDocument* doc, QObject* parent) : QAbstractTableModel(parent), doc_(doc) {
  // A new table is a reset: begun before the document swaps it, ended after.
  connect(doc_, &StudioDocument::project_about_to_change, this, &PlanTableModel::beginResetModel);
  connect(doc_, &StudioDocument::project_changed, this, &PlanTableModel::endResetModel);
  connect(doc_, &StudioDocument::plan_changed, this, &PlanTableModel::refresh_plan_columns);
}

int PlanTableModel::option_count() const { return static_cast<int>(doc_->table().options.size()); }

int PlanTableModel::chosen_column() const { return kFirstScoreColumn + option_count(); }

int PlanTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !doc_->has_project()) return 0;
  return static_cast<int>(doc_->table().layers.size());
}

int PlanTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : locked_column() + 1; }

void PlanTableModel::refresh_plan_columns() {
  // A re-solve changes only the choices and locks; the rest of the table stays.
  if (rowCount() == 0) return;
  emit dataChanged(index(0, chosen_column()), index(rowCount() - 1, locked_column()));
}

QString PlanTableModel::group_label(int layer) const {
  const std::vector<int> group = doc_->editor().group_of(layer);
  if (group.size() < 2) return {};
  const auto& layers = doc_->table().layers;
  const int block = layers[static_cast<size_t>(group.front())].block;
  const bool one_block = block >= 0 && std::all_of(group.begin(), group.end(), [&](int l) {
                           return layers[static_cast<size_t>(l)].block == block;
                         });
  // "qkv" reads better than "q/k/v"; longer kinds keep a separator ("gate/up").
  QStringList kinds;
  bool single_letters = true;
  for (int l : group) {
    kinds << QString::fromLatin1(to_string(layers[static_cast<size_t>(l)].kind));
    single_letters = single_letters && kinds.back().size() == 1;
  }
  const QString joined = kinds.join(single_letters ? QString() : QStringLiteral("/"));
  return one_block ? QStringLiteral("b%1 %2").arg(block).arg(joined) : joined;
}

QVariant PlanTableModel::display(int layer, int column) const {
  const LayerSensitivity& l = doc_->table().layers[static_cast<size_t>(layer)];
  switch (column) {
    case kLayerColumn: return QString::fromStdString(l.name);
    case kBlockColumn: return l.block >= 0 ? QString::number(l.block) : QString();
    case kKindColumn: return QString::fromLatin1(to_string(l.kind));
    case kGroupColumn: return group_label(layer);
    case kParamsColumn: return QString::number(l.params);
    default: break;
  }
  if (column == chosen_column()) {
    const int choice = doc_->editor().plan().choice[static_cast<size_t>(layer)];
    return choice < 0 ? QStringLiteral("BF16") : QString::fromStdString(doc_->table().options[static_cast<size_t>(choice)]);
  }
  if (column == locked_column()) return {};  // shown by the check box
  return QString::asprintf("%.4g", l.score[static_cast<size_t>(column - kFirstScoreColumn)]);
}

QVariant PlanTableModel::sort_key(int layer, int column) const {
  const LayerSensitivity& l = doc_->table().layers[static_cast<size_t>(layer)];
  if (column == kBlockColumn) return l.block;
  if (column == kParamsColumn) return static_cast<qlonglong>(l.params);
  if (column == locked_column()) return doc_->editor().is_locked(layer) ? 1 : 0;
  if (column >= kFirstScoreColumn && column < chosen_column())
    return l.score[static_cast<size_t>(column - kFirstScoreColumn)];
  return display(layer, column);
}

QVariant PlanTableModel::chosen_style(int layer, int role) const {
  if (!doc_->editor().is_locked(layer)) return {};
  if (role == Qt::FontRole) {
    QFont font;
    font.setBold(true);
    return font;
  }
  if (role == Qt::BackgroundRole) {
    // A light wash of the theme's highlight: visible on light and dark palettes alike.
    QColor tint = QGuiApplication::palette().color(QPalette::Highlight);
    tint.setAlphaF(0.25f);
    return QBrush(tint);
  }
  if (role == Qt::ToolTipRole) return tr("Manual override (locked)");
  return {};
}

QVariant PlanTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const int layer = index.row();
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: return display(layer, column);
    case kSortRole: return sort_key(layer, column);
    case Qt::CheckStateRole:
      if (column != locked_column()) return {};
      return doc_->editor().is_locked(layer) ? Qt::Checked : Qt::Unchecked;
    case Qt::TextAlignmentRole: {
      const bool numeric = column == kBlockColumn || column == kParamsColumn ||
                           (column >= kFirstScoreColumn && column < chosen_column());
      return numeric ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    case Qt::FontRole:
    case Qt::BackgroundRole:
    case Qt::ToolTipRole: return column == chosen_column() ? chosen_style(layer, role) : QVariant();
    default: return {};
  }
}

QVariant PlanTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case kLayerColumn: return tr("Layer");
    case kBlockColumn: return tr("Block");
    case kKindColumn: return tr("Kind");
    case kGroupColumn: return tr("Group");
    case kParamsColumn: return tr("Parameters");
    default: break;
  }
  if (section == chosen_column()) return tr("Chosen");
  if (section == locked_column()) return tr("Locked");
  if (section >= kFirstScoreColumn && section < chosen_column())
    return tr("Score %1").arg(QString::fromStdString(doc_->table().options[static_cast<size_t>(section - kFirstScoreColumn)]));
  return {};
}

Qt::ItemFlags PlanTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.column() == chosen_column()) f |= Qt::ItemIsEditable;
  if (index.column() == locked_column()) f |= Qt::ItemIsUserCheckable;
  return f;
}

bool PlanTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.row() >= rowCount()) return false;
  const int layer = index.row();
  try {
    if (index.column() == chosen_column() && role == Qt::EditRole) {
      const int option = doc_->table().find_option(value.toString().toStdString());
      if (option < 0) throw Error("'" + value.toString().toStdString() + "' is not one of the project's options");
      doc_->lock(layer, option);
      return true;
    }
    if (index.column() == locked_column() && role == Qt::CheckStateRole) {
      if (static_cast<Qt::CheckState>(value.toInt()) == Qt::Checked) {
        if (doc_->editor().plan().choice[static_cast<size_t>(layer)] < 0)
          throw Error("this layer is left unquantized (BF16): pick an option in its Chosen cell to quantize and lock it");
        doc_->lock_current({layer});
      }
      else
        doc_->unlock({layer});
      return true;
    }
  } catch (const std::exception& e) {  // srs::Error and the like: never into Qt's event loop
    emit error(QString::fromStdString(e.what()));
  }
  return false;
}

}  // namespace srs::ui
