// signround-studio: the desktop application. Arguments are opened like dropped files
// (a project .h5, a model folder or a .gguf).
#include <QApplication>
#include <QIcon>

#include "main_window.h"
#include "pipeline/compute_threads.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("SignRound Studio");
  QApplication::setOrganizationName("SignRound Studio");
  QApplication::setWindowIcon(QIcon(":/signround-studio.svg"));
  srs::set_compute_threads(0);
  srs::ui::MainWindow window;
  window.show();
  const QStringList args = QApplication::arguments();
  if (args.size() > 1) window.open_path(args.at(1));
  return QApplication::exec();
}
