// studio-resolve-bench PROJECT.h5 [MOVES]: how long the studio takes to answer a budget move,
// end to end: slider value -> PlanEditor re-solve -> chart overlay, plan table and budget
// panel refreshed and repainted (queued replots flushed). Runs the real window offscreen;
// prints JSON for docs/benchmarks.md.
#include <QApplication>
#include <QElapsedTimer>
#include <QSlider>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "budget_panel.h"
#include "main_window.h"
#include "studio_document.h"

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
  QApplication app(argc, argv);
  QApplication::setOrganizationName("SignRound Studio bench");
  if (argc < 2) {
    std::fprintf(stderr, "usage: studio-resolve-bench PROJECT.h5 [MOVES]\n");
    return 2;
  }
  const int moves = argc > 2 ? std::atoi(argv[2]) : 200;
  if (moves < 1) {
    std::fprintf(stderr, "studio-resolve-bench: MOVES must be a positive number\n");
    return 2;
  }
  srs::ui::MainWindow window;
  window.set_interactive(false);
  window.resize(1560, 940);
  window.show();
  if (!window.open_project(QString::fromLocal8Bit(argv[1]))) {
    std::fprintf(stderr, "%s\n", qPrintable(window.last_error()));
    return 1;
  }
  QApplication::processEvents();
  QSlider* slider = window.budget()->slider();
  std::vector<double> ms;
  QElapsedTimer t;
  for (int i = 0; i < moves; ++i) {
    const int v = slider->minimum() + (i * 37) % (slider->maximum() - slider->minimum() + 1);
    t.start();
    slider->setValue(v);
    QApplication::processEvents();  // the queued replots and repaints of every view
    ms.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double x : ms) sum += x;
  std::printf("{\"layers\": %zu, \"moves\": %d, \"mean_ms\": %.3f, \"median_ms\": %.3f, \"p95_ms\": %.3f, "
              "\"max_ms\": %.3f}\n",
              window.document()->table().layers.size(), moves, sum / static_cast<double>(ms.size()),
              ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back());
  return 0;
}
