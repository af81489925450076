"""QuickSelect writes the same <select> markup as Django's Select, without a template per option."""

from django import forms

from goals.widgets import QuickSelect, RowsSelect

CHOICES = [("", "Any"), ("a", "Alpha & co"), ("b", "<Beta>")]
GROUPED = [("Letters", [("a", "Alpha"), ("b", "Beta")]), ("Digits", [("1", "One")])]


def _normalised(html):
    return " ".join(str(html).split()).replace("> <", "><")


def test_quick_select_matches_django_select_markup():
    for value in (None, "b"):
        slow = forms.Select(choices=CHOICES).render("pick", value, attrs={"id": "id_pick", "required": True})
        quick = QuickSelect(choices=CHOICES).render("pick", value, attrs={"id": "id_pick", "required": True})
        assert _normalised(quick) == _normalised(slow)


def test_quick_select_matches_django_select_with_option_groups():
    slow = forms.Select(choices=GROUPED).render("pick", "1")
    quick = QuickSelect(choices=GROUPED).render("pick", "1")
    assert _normalised(quick) == _normalised(slow)


def test_quick_select_escapes_labels():
    html = QuickSelect(choices=CHOICES).render("pick", None)
    assert "&lt;Beta&gt;" in html and "Alpha &amp; co" in html


def test_rows_select_matches_django_select_markup_for_flat_choices():
    for value in (None, "b"):
        slow = forms.Select(choices=CHOICES).render("pick", value, attrs={"id": "id_pick", "required": True})
        rows = RowsSelect(choices=CHOICES).render("pick", value, attrs={"id": "id_pick", "required": True})
        assert _normalised(rows) == _normalised(slow)
