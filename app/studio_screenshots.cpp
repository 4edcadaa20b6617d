// studio-screenshots OUT_DIR PROJECT.h5: drives the real SignRound Studio window through the
// scenes the README shows and saves each as a PNG (run under xvfb-run by scripts/screenshots.sh).
//   welcome.png   the welcome page
//   analyzed.png  the analyzed demo model: chart, plan table and budget panel at 3.0 bits
//   override.png  a manual override: down_proj of block 0 locked to the highest option
//   chart.png     the sensitivity chart alone, as File > Export Chart writes it
#include <QApplication>
#include <QDir>
#include <QScreen>
#include <QTableView>
#include <QTimer>
#include <cstdio>

#include "budget_panel.h"
#include "main_window.h"
#include "pipeline/compute_threads.h"
#include "plan_table_model.h"
#include "plan_table_view.h"
#include "sensitivity_chart.h"
#include "studio_document.h"

namespace {

// Lets layouts, queued replots and paint events settle before a grab.
void settle() {
  for (int i = 0; i < 20; ++i) {
    QApplication::processEvents();
    QTimer t;
    t.setSingleShot(true);
    QEventLoop loop;
    QObject::connect(&t, &QTimer::timeout, &loop, &QEventLoop::quit);
    t.start(25);
    loop.exec();
  }
}

bool save(QWidget& window, const QString& path) {
  settle();
  // The whole screen when there is one (xvfb), else the window itself.
  QScreen* screen = window.screen();
  QPixmap shot = screen ? screen->grabWindow(0, window.x(), window.y(), window.frameGeometry().width(),
                                             window.frameGeometry().height())
                        : window.grab();
  if (shot.isNull() || shot.width() < 100) shot = window.grab();
  const bool ok = shot.save(path);
  std::printf("%s %s (%dx%d)\n", ok ? "wrote" : "FAILED", qPrintable(path), shot.width(), shot.height());
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("SignRound Studio screenshots");
  QApplication::setApplicationName("studio-screenshots");
  if (argc != 3) {
    std::fprintf(stderr, "usage: studio-screenshots OUT_DIR PROJECT.h5\n");
    return 2;
  }
  srs::set_compute_threads(0);
  const QString out = QString::fromLocal8Bit(argv[1]);
  QDir().mkpath(out);
  srs::ui::MainWindow window;
  window.set_interactive(false);
  window.resize(1560, 940);
  window.move(20, 20);
  window.show();
  bool ok = save(window, out + "/welcome.png");

  if (!window.open_project(QString::fromLocal8Bit(argv[2]))) {
    std::fprintf(stderr, "%s\n", qPrintable(window.last_error()));
    return 1;
  }
  auto* doc = window.document();
  doc->set_target(3.0);
  doc->select_layer(doc->table().find_layer("model.layers.14.self_attn.q_proj"));
  ok &= save(window, out + "/analyzed.png");

  const int down0 = doc->table().find_layer("model.layers.0.mlp.down_proj");
  auto* model = window.plan_table()->model();
  const auto high = QString::fromStdString(doc->table().options.back());
  model->setData(model->index(down0, model->chosen_column()), high, Qt::EditRole);
  doc->select_layer(down0);
  ok &= save(window, out + "/override.png");

  window.chart()->export_image(out + "/chart.png");
  std::printf("wrote %s/chart.png\n", qPrintable(out));
  return ok ? 0 : 1;
}
