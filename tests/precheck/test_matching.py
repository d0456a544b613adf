"""The matching rules on their own (no PDF): folding, OCR tolerance, numbers never approximate."""

from precheck.checks import Facts, Text, check_plan, check_votes, find_names, fold


def text(*pages, source="ocr"):
    return Text([(i, t, source) for i, t in enumerate(pages, start=1)])


def test_fold_removes_diacritics_case_and_d_stroke():
    assert fold("ĐÀM Văn Khải") == "dam van khai"


def test_a_name_is_found_without_diacritics_and_through_ocr_noise():
    t = text("1 NGUYEN VAN AN Ca nhan", "2 HoàngVãnNam Cá nhân")
    facts = Facts(document_label="x", names=["Nguyễn Văn An", "Hoàng Văn Nam"])
    hits = find_names(t, facts)
    assert hits["Nguyễn Văn An"].page == 1
    assert hits["Hoàng Văn Nam"].page == 2     # joined words, ã for ă: within the tolerance


def test_a_similar_but_different_short_name_is_not_taken_for_it():
    facts = Facts(document_label="x", names=["Lê Văn An"])
    assert find_names(text("Lê Văn Anh Lê Văn Ân"), facts)["Lê Văn An"] is not None   # Ân folds to An
    assert find_names(text("Lê Văn Anh, Lê Văn Bình"), facts)["Lê Văn An"] is None


def test_plan_numbers_are_compared_exactly():
    facts = Facts(document_label="x", plan_number="170/KH-UBND")
    assert check_plan(text("theo Kế hoạch số 170/KH-UBND Hôm nay"), facts) == []
    wrong = check_plan(text("theo Kế hoạch số 171/KH-UBND"), facts)
    assert [f["code"] for f in wrong] == ["plan_wrong"]


def test_votes_with_the_slash_lost_by_ocr_are_read_only_when_the_percentage_agrees():
    facts = Facts(document_label="x", names=["Lành Thị Thu"], votes={"Lành Thị Thu": 7}, members_total=9,
                  check_votes=True)
    t = text("3 Lành Thị Thu Cá nhân 69 67%")          # 6/9 read as 69
    found = check_votes(t, facts, find_names(t, facts))
    assert [(f["code"], f["params"]["found"]) for f in found] == [("votes_differ", 6)]
    t = text("3 Lành Thị Thu Cá nhân 69 12%")          # does not agree: not guessed
    assert [f["code"] for f in check_votes(t, facts, find_names(t, facts))] == ["votes_unread"]
