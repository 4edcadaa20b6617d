#include "welcome_view.h"

#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "recent_files.h"

namespace srs::ui {

WelcomeView::WelcomeView(RecentFiles* recent, const QString& demo_model, QWidget* parent)
    : QWidget(parent),
      recent_(recent),
      recent_list_(new QListWidget(this)),
      open_model_(new QPushButton(tr("Open model…"), this)),
      open_project_(new QPushButton(tr("Open project…"), this)),
      demo_(new QPushButton(this)) {
  auto* title = new QLabel(tr("<h1>SignRound Studio</h1><p>See which layers need bits, set a budget, and own the "
                              "plan.</p><p>Open a Hugging Face model folder or a GGUF file (or drop it here), "
                              "or a saved project.</p>"),
                           this);
  title->setWordWrap(true);
  auto* column = new QVBoxLayout;
  column->addWidget(title);
  column->addWidget(open_model_);
  column->addWidget(open_project_);
  demo_->setText(tr("Open the demo model (%1)").arg(QFileInfo(demo_model).fileName()));
  demo_->setVisible(!demo_model.isEmpty());
  column->addWidget(demo_);
  column->addWidget(new QLabel(tr("<b>Recent</b>"), this));
  column->addWidget(recent_list_, 1);

  auto* outer = new QHBoxLayout(this);
  outer->addStretch(1);
  outer->addLayout(column, 2);
  outer->addStretch(1);

  connect(open_model_, &QPushButton::clicked, this, &WelcomeView::open_model_requested);
  connect(open_project_, &QPushButton::clicked, this, &WelcomeView::open_project_requested);
  connect(demo_, &QPushButton::clicked, this, [this, demo_model] { emit open_path_requested(demo_model); });
  connect(recent_list_, &QListWidget::itemActivated, this,
          [this](QListWidgetItem* item) { emit open_path_requested(item->data(Qt::UserRole).toString()); });
  connect(recent_, &RecentFiles::changed, this, &WelcomeView::refresh_recent);
  refresh_recent();
}

void WelcomeView::refresh_recent() {
  recent_list_->clear();
  for (const auto& p : recent_->paths()) {
    auto* item = new QListWidgetItem(QFileInfo(p).fileName() + "  —  " + QFileInfo(p).absolutePath(), recent_list_);
    item->setData(Qt::UserRole, p);
    item->setToolTip(p);
  }
}

}  // namespace srs::ui
