#pragma once
// The first page: open a model, open a project, the recent items, and the demo model when
// scripts/fetch-demo-model.sh has fetched it.
#include <QWidget>

class QListWidget;
class QPushButton;

namespace srs::ui {

class RecentFiles;

class WelcomeView : public QWidget {
  Q_OBJECT
 public:
  // `demo_model` empty: no demo button.
  WelcomeView(RecentFiles* recent, const QString& demo_model, QWidget* parent = nullptr);
  QListWidget* recent_list() const { return recent_list_; }
  QPushButton* demo_button() const { return demo_; }
  QPushButton* open_model_button() const { return open_model_; }
  QPushButton* open_project_button() const { return open_project_; }

 signals:
  void open_model_requested();
  void open_project_requested();
  void open_path_requested(const QString& path);  // a recent item or the demo model

 private:
  void refresh_recent();

  RecentFiles* recent_;
  QListWidget* recent_list_;
  QPushButton* open_model_;
  QPushButton* open_project_;
  QPushButton* demo_;
};

}  // namespace srs::ui
