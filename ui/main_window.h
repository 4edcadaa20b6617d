#pragma once
// The SignRound Studio main window. For now a shell that shows the application's name;
// the model, sensitivity, budget and plan views arrive with the app issue.
#include <QMainWindow>

namespace srs::ui {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace srs::ui
