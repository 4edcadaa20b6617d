// signround-studio: the desktop application.
#include <QApplication>

#include "main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("SignRound Studio");
  QApplication::setOrganizationName("SignRound Studio");
  srs::ui::MainWindow window;
  window.show();
  return QApplication::exec();
}
