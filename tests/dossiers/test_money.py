import pytest

from dossiers.money import amount_in_words, number_words, vnd


@pytest.mark.parametrize(("n", "words"), [
    (0, "không"), (5, "năm"), (10, "mười"), (15, "mười lăm"), (21, "hai mươi mốt"), (24, "hai mươi tư"),
    (55, "năm mươi lăm"), (101, "một trăm linh một"), (110, "một trăm mười"), (1_005, "một nghìn không trăm linh năm"),
    (702_000, "bảy trăm linh hai nghìn"), (2_340_000, "hai triệu ba trăm bốn mươi nghìn"),
    (3_000_010, "ba triệu không trăm mười"), (5_060_000, "năm triệu không trăm sáu mươi nghìn"),
    (2_530_000_000, "hai tỷ năm trăm ba mươi triệu"), (1_000_000_000_000, "một nghìn tỷ"),
])
def test_number_words(n, words):
    assert number_words(n) == words


def test_amount_in_words_and_figures():
    assert amount_in_words(1_800_000) == "một triệu tám trăm nghìn đồng"
    assert vnd(1_800_000) == "1.800.000"
