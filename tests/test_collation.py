"""Vietnamese collation: alphabet order with đ after d, tones as the secondary key."""

from __future__ import annotations

from dhtt_batch.collation import person_key, text_key


def test_letters_follow_the_vietnamese_alphabet() -> None:
    words = ["Zung", "Đào", "Bình", "Ánh", "An", "Ăn", "Ân", "Dung", "Ơn", "Ông", "Ưu", "Uy"]
    assert sorted(words, key=text_key) == [
        "An",
        "Ánh",
        "Ăn",
        "Ân",
        "Bình",
        "Dung",
        "Đào",
        "Ông",
        "Ơn",
        "Uy",
        "Ưu",
        "Zung",
    ]


def test_tones_break_ties_in_the_usual_order() -> None:
    assert sorted(["Bạ", "Bá", "Bã", "Bả", "Bà", "Ba"], key=text_key) == [
        "Ba",
        "Bà",
        "Bả",
        "Bã",
        "Bá",
        "Bạ",
    ]


def test_people_sort_by_given_name_then_the_rest() -> None:
    names = ["Trần Văn Bình", "Lê Văn An", "Đỗ Thị Ánh", "Nguyễn An"]
    assert sorted(names, key=person_key) == [
        "Lê Văn An",
        "Nguyễn An",
        "Đỗ Thị Ánh",
        "Trần Văn Bình",
    ]


def test_case_and_unicode_form_do_not_matter() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "ĐÀO")
    assert text_key(decomposed) == text_key("đào")
