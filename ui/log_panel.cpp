#include "log_panel.h"

#include <QTime>

namespace srs::ui {

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent) {
  setReadOnly(true);
  setMaximumBlockCount(5000);  // a long session must not grow without bound
  setPlaceholderText(tr("Messages from opening, analyzing and saving appear here."));
}

void LogPanel::append_line(const QString& text) {
  appendPlainText(QTime::currentTime().toString("HH:mm:ss  ") + text);
}

void LogPanel::append_error(const QString& text) { append_line(tr("error: ") + text); }

}  // namespace srs::ui
