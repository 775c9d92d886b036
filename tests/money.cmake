# money and journal (issue #5 foundations): doctest cases "money: ..." and "journal: ...".
mpadjust_unit_suite(money)
mpadjust_unit_suite(journal)
