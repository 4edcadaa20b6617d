#include "main_window.h"

#include <QLabel>

namespace srs::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("SignRound Studio"));
  auto* label = new QLabel(tr("SignRound Studio: open a model with the CLI for now (signround --help)."), this);
  label->setAlignment(Qt::AlignCenter);
  setCentralWidget(label);
  resize(1280, 800);
}

}  // namespace srs::ui
