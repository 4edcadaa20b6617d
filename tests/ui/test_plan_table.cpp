// The plan table panel driven as a user drives it: cells, the option combo, the Locked check
// box, the lock buttons, the rule row, the filters, header clicks and row clicks.
#include <gtest/gtest.h>

#include <QAbstractItemView>
#include <QComboBox>
#include <QFont>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <algorithm>
#include <string>
#include <vector>

#include "plan_table_model.h"
#include "plan_table_view.h"
#include "studio_document.h"

namespace plan_table_test {

using srs::ui::PlanTableModel;
using srs::ui::PlanTableView;
using srs::ui::StudioDocument;

constexpr int kLayersPerBlock = 7;  // q, k, v, o, gate, up, down; row = 7 * block + position
constexpr int kQ = 0, kK = 1, kV = 2, kO = 3, kGate = 4, kDown = 6;

// `blocks` decoder blocks plus lm_head; scores span 0.125 .. 26 so that text order and numeric
// order differ ("10.5" < "9").
srs::SensitivityTable make_table(int blocks, std::vector<std::string> options = {"W2A16", "W4A16", "W8A16"}) {
  struct Spec {
    const char* module;
    srs::LayerKind kind;
    int64_t params;
  };
  const Spec specs[kLayersPerBlock] = {
      {"self_attn.q_proj", srs::LayerKind::q, 4096},   {"self_attn.k_proj", srs::LayerKind::k, 1024},
      {"self_attn.v_proj", srs::LayerKind::v, 1024},   {"self_attn.o_proj", srs::LayerKind::o, 4096},
      {"mlp.gate_proj", srs::LayerKind::gate, 11008}, {"mlp.up_proj", srs::LayerKind::up, 11008},
      {"mlp.down_proj", srs::LayerKind::down, 11008}};
  const int bits[] = {2, 4, 8};
  srs::SensitivityTable t;
  t.options = options;
  auto add = [&](std::string name, int block, srs::LayerKind kind, int64_t params) {
    srs::LayerSensitivity l{std::move(name), block, kind, params, {}, {}, {}};
    const double base = 0.5 * (1 + (static_cast<int>(t.layers.size()) * 7) % 13);
    for (size_t o = 0; o < options.size(); ++o) {
      l.score.push_back(base * 4.0 / static_cast<double>(1 << (2 * o)));  // decreasing with bits
      l.bits_no_overhead.push_back(params * bits[o]);
      l.bits.push_back(params * bits[o] + params / 2);  // a 16-bit scale per 32 weights
    }
    t.layers.push_back(std::move(l));
  };
  for (int b = 0; b < blocks; ++b)
    for (const Spec& s : specs) add("model.layers." + std::to_string(b) + "." + s.module, b, s.kind, s.params);
  add("lm_head", -1, srs::LayerKind::lm_head, 64000);
  return t;
}

srs::Project make_project(int blocks) {
  srs::Project p;
  p.table = make_table(blocks);
  return p;
}

int64_t used_bits(const srs::SensitivityTable& t, const srs::QuantPlan& plan) {
  int64_t bits = 0;
  for (size_t i = 0; i < t.layers.size(); ++i)
    if (plan.choice[i] >= 0) bits += t.layers[i].bits[static_cast<size_t>(plan.choice[i])];
  return bits;
}

class PlanTable : public ::testing::Test {
 protected:
  void SetUp() override {
    doc.set_project(make_project(4));
    view.resize(1600, 400);  // narrower than the rows: scrolling matters
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  }

  const srs::QuantPlan& plan() const { return doc.editor().plan(); }
  QTableView* table() const { return view.table_view(); }
  QString source_text(int layer, int column) const { return view.model()->index(layer, column).data().toString(); }
  QModelIndex shown(int layer, int column) const {
    return view.proxy()->mapFromSource(view.model()->index(layer, column));
  }
  int layer_of(const QModelIndex& proxy_index) const { return view.proxy()->mapToSource(proxy_index).row(); }
  void click(const QModelIndex& index, Qt::KeyboardModifiers mods = {}) {
    table()->scrollTo(index);
    QTest::mouseClick(table()->viewport(), Qt::LeftButton, mods, table()->visualRect(index).center());
  }
  void click_header(int column) {
    QHeaderView* header = table()->horizontalHeader();
    const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
    ASSERT_LT(x, header->viewport()->width()) << "the section is out of sight";
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
  }
  QString chosen_name(int layer) const {
    const int c = plan().choice[static_cast<size_t>(layer)];
    return c < 0 ? QStringLiteral("BF16") : QString::fromStdString(doc.table().options[static_cast<size_t>(c)]);
  }
  void expect_chosen_column_matches_plan() const {
    for (int l = 0; l < view.model()->rowCount(); ++l)
      EXPECT_EQ(source_text(l, view.model()->chosen_column()), chosen_name(l)) << "layer " << l;
  }
  // Opens the Chosen cell's combo (F2 on the current cell) and waits for its list.
  QComboBox* open_option_editor(int layer) {
    const QModelIndex index = shown(layer, view.model()->chosen_column());
    table()->scrollTo(index);
    table()->setCurrentIndex(index);
    QTest::keyClick(table(), Qt::Key_F2);
    auto* combo = qobject_cast<QComboBox*>(table()->indexWidget(index));
    if (combo) (void)QTest::qWaitFor([&] { return combo->view()->isVisible(); }, 2000);
    return combo;
  }

  StudioDocument doc;
  PlanTableView view{&doc};
};

TEST_F(PlanTable, OneRowPerLayerWithTheColumnsOfTheTable) {
  PlanTableModel* m = view.model();
  ASSERT_EQ(m->rowCount(), 4 * kLayersPerBlock + 1);
  EXPECT_EQ(m->columnCount(), 5 + 3 + 2);
  EXPECT_EQ(m->headerData(m->score_column(1), Qt::Horizontal).toString(), QString("Score W4A16"));
  EXPECT_EQ(m->headerData(m->chosen_column(), Qt::Horizontal).toString(), QString("Chosen"));
  EXPECT_EQ(m->headerData(m->locked_column(), Qt::Horizontal).toString(), QString("Locked"));
  EXPECT_EQ(source_text(9, PlanTableModel::kLayerColumn), QString("model.layers.1.self_attn.v_proj"));
  EXPECT_EQ(source_text(9, PlanTableModel::kKindColumn), QString("v"));
  EXPECT_EQ(source_text(3 * kLayersPerBlock + kQ, PlanTableModel::kGroupColumn), QString("b3 qkv"));
  EXPECT_EQ(source_text(3 * kLayersPerBlock + kGate, PlanTableModel::kGroupColumn), QString("b3 gate/up"));
  EXPECT_EQ(source_text(kO, PlanTableModel::kGroupColumn), QString());
  EXPECT_EQ(source_text(kQ, PlanTableModel::kParamsColumn), QString("4096"));
  const double score = doc.table().layers[5].score[2];
  EXPECT_EQ(source_text(5, m->score_column(2)), QString::asprintf("%.4g", score));
  EXPECT_EQ(source_text(28, m->chosen_column()), QString("BF16")) << "lm_head stays unquantized";
  expect_chosen_column_matches_plan();
  EXPECT_EQ(view.rule_option()->count(), 3);
}

TEST_F(PlanTable, ChosenColumnFollowsTheBudget) {
  QSignalSpy changed(view.model(), &QAbstractItemModel::dataChanged);
  doc.set_target(doc.editor().min_avg_bits());
  const std::vector<int> low = plan().choice;
  expect_chosen_column_matches_plan();
  doc.set_target(doc.editor().max_avg_bits());
  ASSERT_NE(plan().choice, low) << "the budget must change the plan for this test to mean anything";
  expect_chosen_column_matches_plan();
  ASSERT_GE(changed.count(), 2);
  const auto top_left = changed.last().at(0).value<QModelIndex>();
  const auto bottom_right = changed.last().at(1).value<QModelIndex>();
  EXPECT_EQ(top_left.column(), view.model()->chosen_column());
  EXPECT_EQ(bottom_right.column(), view.model()->locked_column());
  EXPECT_EQ(bottom_right.row(), view.model()->rowCount() - 1);
}

TEST_F(PlanTable, PickingAnOptionInTheCellLocksTheGroup) {
  const int layer = kLayersPerBlock + kK;  // block 1 k_proj: its group is q/k/v of block 1
  const int pick = plan().choice[layer] == 2 ? 0 : 2;
  QComboBox* combo = open_option_editor(layer);
  ASSERT_NE(combo, nullptr) << "F2 on Chosen must open the option combo";
  ASSERT_EQ(combo->count(), 3);
  EXPECT_EQ(combo->currentText(), chosen_name(layer)) << "the current option is preselected";
  ASSERT_TRUE(combo->view()->isVisible()) << "the list opens at once";
  QAbstractItemView* list = combo->view();
  const QModelIndex item = list->model()->index(pick, 0);
  QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(item).center());
  QTest::qWait(0);

  const std::vector<int> group = {kLayersPerBlock + kQ, kLayersPerBlock + kK, kLayersPerBlock + kV};
  EXPECT_EQ(doc.editor().group_of(layer), group);
  for (int l = 0; l < view.model()->rowCount(); ++l) {
    const bool in_group = std::find(group.begin(), group.end(), l) != group.end();
    EXPECT_EQ(plan().locked[l], in_group ? 1 : 0) << "layer " << l;
    if (in_group) EXPECT_EQ(plan().choice[l], pick) << "layer " << l;
  }
  EXPECT_LE(used_bits(doc.table(), plan()), plan().budget_bits) << "the re-solve keeps the budget";
  expect_chosen_column_matches_plan();

  const QModelIndex cell = view.model()->index(layer, view.model()->chosen_column());
  EXPECT_TRUE(cell.data(Qt::FontRole).value<QFont>().bold());
  EXPECT_TRUE(cell.data(Qt::BackgroundRole).isValid());
  EXPECT_EQ(cell.data(Qt::ToolTipRole).toString(), QString("Manual override (locked)"));
  const QModelIndex free_cell = view.model()->index(kO, view.model()->chosen_column());
  EXPECT_FALSE(free_cell.data(Qt::FontRole).value<QFont>().bold());
  EXPECT_FALSE(free_cell.data(Qt::BackgroundRole).isValid());
  EXPECT_EQ(view.model()->index(kLayersPerBlock + kQ, view.model()->locked_column()).data(Qt::CheckStateRole).toInt(),
            Qt::Checked);
}

TEST_F(PlanTable, DoubleClickOpensTheComboAndLeavingWithoutAPickLocksNothing) {
  const QModelIndex index = shown(kO, view.model()->chosen_column());
  table()->scrollTo(index);
  const QPoint at = table()->visualRect(index).center();
  // A real double-click: QTest's widget mouseDClick sends only the second press.
  QTest::mouseClick(table()->viewport(), Qt::LeftButton, {}, at);
  QTest::mouseDClick(table()->viewport(), Qt::LeftButton, {}, at);
  auto* combo = qobject_cast<QComboBox*>(table()->indexWidget(index));
  ASSERT_NE(combo, nullptr) << "double-click on Chosen must open the option combo";
  (void)QTest::qWaitFor([&] { return combo->view()->isVisible(); }, 2000);
  combo->hidePopup();  // the user closes the list without picking
  click(shown(kDown, PlanTableModel::kLayerColumn));  // and clicks another row: the editor closes
  QTest::qWait(0);
  EXPECT_EQ(table()->indexWidget(index), nullptr) << "the editor closed";
  EXPECT_TRUE(std::none_of(plan().locked.begin(), plan().locked.end(), [](uint8_t l) { return l != 0; }));
}

TEST_F(PlanTable, LockedCheckBoxUnlocksAndLocks) {
  const int layer = 2 * kLayersPerBlock + kV;
  doc.lock(layer, 1);
  ASSERT_TRUE(doc.editor().is_locked(layer));
  const QModelIndex check = shown(layer, view.model()->locked_column());
  table()->setCurrentIndex(check);
  QTest::keyClick(table(), Qt::Key_Space);
  for (int l : doc.editor().group_of(layer)) EXPECT_FALSE(doc.editor().is_locked(l)) << "layer " << l;
  EXPECT_EQ(view.model()->index(layer, view.model()->locked_column()).data(Qt::CheckStateRole).toInt(), Qt::Unchecked);

  const int before = plan().choice[layer];
  QTest::keyClick(table(), Qt::Key_Space);
  EXPECT_TRUE(doc.editor().is_locked(layer));
  EXPECT_EQ(plan().choice[layer], before) << "checking locks at the current option";
}

TEST_F(PlanTable, TickingLockedOnAnUnquantizedLmHeadSaysWhatToDoAndChangesNothing) {
  const int head = doc.table().find_layer("lm_head");
  ASSERT_EQ(plan().choice[static_cast<size_t>(head)], -1);
  QSignalSpy errors(&view, &PlanTableView::error);
  QSignalSpy plan_changed(&doc, &StudioDocument::plan_changed);
  const QModelIndex check = shown(head, view.model()->locked_column());
  table()->scrollTo(check);
  table()->setCurrentIndex(check);
  QTest::keyClick(table(), Qt::Key_Space);
  ASSERT_EQ(errors.count(), 1);
  EXPECT_TRUE(errors.first().at(0).toString().contains("Chosen")) << errors.first().at(0).toString().toStdString();
  EXPECT_FALSE(doc.editor().is_locked(head));
  EXPECT_EQ(plan_changed.count(), 0) << "no edit happened";
}

TEST_F(PlanTable, LockSelectionUnlockSelectionAndUnlockAll) {
  const int o_proj = kO, down = 2 * kLayersPerBlock + kDown;
  const std::vector<int> before = plan().choice;
  click(shown(o_proj, PlanTableModel::kLayerColumn));
  click(shown(down, PlanTableModel::kLayerColumn), Qt::ControlModifier);
  ASSERT_EQ(table()->selectionModel()->selectedRows().size(), 2);
  QTest::mouseClick(view.lock_selection_button(), Qt::LeftButton);
  for (int l = 0; l < view.model()->rowCount(); ++l)
    EXPECT_EQ(plan().locked[l], (l == o_proj || l == down) ? 1 : 0) << "layer " << l;
  EXPECT_EQ(plan().choice[o_proj], before[o_proj]);
  EXPECT_EQ(plan().choice[down], before[down]);

  click(shown(down, PlanTableModel::kLayerColumn));
  QTest::mouseClick(view.unlock_selection_button(), Qt::LeftButton);
  EXPECT_FALSE(doc.editor().is_locked(down));
  EXPECT_TRUE(doc.editor().is_locked(o_proj)) << "only the selection unlocks";

  QTest::mouseClick(view.unlock_all_button(), Qt::LeftButton);
  EXPECT_FALSE(doc.editor().is_locked(o_proj));
}

TEST_F(PlanTable, RuleLocksEveryMatchingLayer) {
  QTest::keyClicks(view.rule_edit(), "down_proj");
  view.rule_option()->setCurrentIndex(view.rule_option()->findText("W8A16"));
  QTest::mouseClick(view.apply_rule_button(), Qt::LeftButton);
  for (int l = 0; l < view.model()->rowCount(); ++l) {
    const bool down = l % kLayersPerBlock == kDown && l < 4 * kLayersPerBlock;
    EXPECT_EQ(plan().locked[l], down ? 1 : 0) << "layer " << l;
    if (down) EXPECT_EQ(plan().choice[l], 2) << "layer " << l;
  }
  EXPECT_LE(used_bits(doc.table(), plan()), plan().budget_bits);
}

TEST_F(PlanTable, InvalidRuleReportsAnErrorAndChangesNothing) {
  QSignalSpy errors(&view, &PlanTableView::error);
  const srs::QuantPlan before = plan();
  QTest::keyClicks(view.rule_edit(), "mlp.(");
  QTest::mouseClick(view.apply_rule_button(), Qt::LeftButton);
  ASSERT_EQ(errors.count(), 1);
  EXPECT_TRUE(errors.at(0).at(0).toString().contains("regular expression")) << errors.at(0).at(0).toString().toStdString();
  EXPECT_EQ(plan().choice, before.choice);
  EXPECT_EQ(plan().locked, before.locked);

  view.rule_edit()->clear();
  QTest::keyClicks(view.rule_edit(), "no_such_layer");
  QTest::keyClick(view.rule_edit(), Qt::Key_Return);  // Enter applies too
  EXPECT_EQ(errors.count(), 2) << "a rule matching nothing is an error";
  EXPECT_EQ(plan().locked, before.locked);
}

TEST_F(PlanTable, NameFilterIsACaseInsensitiveRegex) {
  QSortFilterProxyModel* proxy = view.proxy();
  QTest::keyClicks(view.filter_edit(), "Q_PROJ");
  ASSERT_EQ(proxy->rowCount(), 4);
  for (int r = 0; r < proxy->rowCount(); ++r)
    EXPECT_TRUE(proxy->index(r, PlanTableModel::kLayerColumn).data().toString().endsWith("q_proj"));
  view.filter_edit()->clear();
  EXPECT_EQ(proxy->rowCount(), 29);
  QTest::keyClicks(view.filter_edit(), "layers\\.[12]\\.mlp");
  EXPECT_EQ(proxy->rowCount(), 6);
  QTest::keyClicks(view.filter_edit(), "(");  // half typed: the last valid filter stays
  EXPECT_EQ(proxy->rowCount(), 6);
}

TEST_F(PlanTable, KindFilterKeepsOneKind) {
  QSortFilterProxyModel* proxy = view.proxy();
  QComboBox* kinds = view.kind_filter();
  kinds->setCurrentIndex(kinds->findText("gate"));
  ASSERT_EQ(proxy->rowCount(), 4);
  for (int r = 0; r < proxy->rowCount(); ++r)
    EXPECT_EQ(proxy->index(r, PlanTableModel::kKindColumn).data().toString(), QString("gate"));
  kinds->setCurrentIndex(kinds->findText("lm_head"));
  EXPECT_EQ(proxy->rowCount(), 1);
  QTest::keyClicks(view.filter_edit(), "layers");
  EXPECT_EQ(proxy->rowCount(), 0) << "both filters apply";
  kinds->setCurrentIndex(0);  // all kinds
  EXPECT_EQ(proxy->rowCount(), 28);
}

TEST_F(PlanTable, HeaderClickSortsScoresNumerically) {
  const int column = view.model()->score_column(0);
  click_header(column);
  QSortFilterProxyModel* proxy = view.proxy();
  std::vector<double> scores;
  QStringList texts;
  for (int r = 0; r < proxy->rowCount(); ++r) {
    scores.push_back(doc.table().layers[static_cast<size_t>(layer_of(proxy->index(r, 0)))].score[0]);
    texts << proxy->index(r, column).data().toString();
  }
  if (table()->horizontalHeader()->sortIndicatorOrder() == Qt::DescendingOrder) std::reverse(scores.begin(), scores.end());
  EXPECT_TRUE(std::is_sorted(scores.begin(), scores.end()));
  QStringList text_sorted = texts;
  text_sorted.sort();
  EXPECT_NE(texts, text_sorted) << "text order differs from numeric order here";
  int moved = 0;
  for (int r = 0; r < proxy->rowCount(); ++r) moved += layer_of(proxy->index(r, 0)) != r;
  EXPECT_GT(moved, 0) << "the rows left table order";
}

TEST_F(PlanTable, RowClicksAndDocumentSelectionStayInStep) {
  click_header(view.model()->score_column(1));  // proxy rows differ from table rows
  const QModelIndex row5 = view.proxy()->index(5, PlanTableModel::kBlockColumn);
  ASSERT_NE(layer_of(row5), 5);
  click(row5);
  EXPECT_EQ(doc.selected_layer(), layer_of(row5));

  QSignalSpy selection(&doc, &StudioDocument::selection_changed);
  table()->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // table order again
  table()->scrollToTop();
  doc.select_layer(27);
  EXPECT_EQ(selection.count(), 1) << "no echo from the view";
  EXPECT_EQ(doc.selected_layer(), 27);
  const QModelIndexList rows = table()->selectionModel()->selectedRows();
  ASSERT_EQ(rows.size(), 1);
  EXPECT_EQ(layer_of(rows.front()), 27);
  EXPECT_EQ(layer_of(table()->currentIndex()), 27);
  EXPECT_TRUE(table()->viewport()->rect().intersects(table()->visualRect(shown(27, 0)))) << "scrolled into view";

  doc.select_layer(-1);
  EXPECT_TRUE(table()->selectionModel()->selectedRows().isEmpty());
}

TEST_F(PlanTable, ANewProjectRebuildsTheTable) {
  srs::Project p;
  p.table = make_table(2, {"W2A16", "W4A16"});
  doc.set_project(p);
  EXPECT_EQ(view.model()->rowCount(), 2 * kLayersPerBlock + 1);
  EXPECT_EQ(view.model()->columnCount(), 5 + 2 + 2);
  EXPECT_EQ(view.proxy()->rowCount(), 2 * kLayersPerBlock + 1);
  EXPECT_EQ(view.rule_option()->count(), 2);
  expect_chosen_column_matches_plan();
  doc.close_project();
  EXPECT_EQ(view.model()->rowCount(), 0);
  EXPECT_FALSE(view.apply_rule_button()->isEnabled());
}

}  // namespace plan_table_test
