#include "recent_files.h"

#include <QFileInfo>
#include <QSettings>

namespace srs::ui {

namespace {
constexpr int kMaxRecent = 10;
constexpr const char* kKey = "recent/paths";
}  // namespace

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) {
  for (const auto& p : QSettings().value(kKey).toStringList())
    if (QFileInfo::exists(p)) paths_ << p;
}

void RecentFiles::add(const QString& path) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  paths_.removeAll(abs);
  paths_.prepend(abs);
  while (paths_.size() > kMaxRecent) paths_.removeLast();
  save();
}

void RecentFiles::clear() {
  paths_.clear();
  save();
}

void RecentFiles::save() {
  QSettings().setValue(kKey, paths_);
  emit changed();
}

}  // namespace srs::ui
