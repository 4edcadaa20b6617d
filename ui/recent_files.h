#pragma once
// Recently opened models and projects, most recent first, kept in QSettings.
#include <QObject>
#include <QStringList>

namespace srs::ui {

class RecentFiles : public QObject {
  Q_OBJECT
 public:
  explicit RecentFiles(QObject* parent = nullptr);
  QStringList paths() const { return paths_; }
  // Moves `path` to the front; paths that no longer exist are dropped.
  void add(const QString& path);
  void clear();

 signals:
  void changed();

 private:
  void save();
  QStringList paths_;
};

}  // namespace srs::ui
