#pragma once
// The setup's choice of where environments run, the join line shown
// when they run on other computers, and the lesson toggle's accessors (kept
// out of setup_panel.cpp).
class QComboBox;
class QLabel;

namespace mergelab::ui {

QComboBox* make_environments_choice();
QLabel* make_join_info();

} // namespace mergelab::ui
