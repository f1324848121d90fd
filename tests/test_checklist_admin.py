"""The checklist admin (issue 29, point 6b): long item questions are edited in a text area."""

import re

import pytest
from django.utils.html import escape

from checklists.models import Checklist

pytestmark = pytest.mark.django_db


def test_the_checklist_admin_edits_item_questions_in_a_text_area(login, admin_user):
    checklist = Checklist.objects.get(slug="interaction-ethics")
    items = list(checklist.items.all())
    response = login(admin_user).get(f"/admin/checklists/checklist/{checklist.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    areas = re.findall(r'<textarea [^>]*name="items-(\d+)-question"[^>]*>', body)
    # One per item, and one in the empty form the admin copies for "Add another".
    assert len(areas) == len(items)
    assert re.search(r'<textarea [^>]*name="items-__prefix__-question"', body)
    assert not re.search(r'<input [^>]*name="items-\d+-question"', body)
    for index, item in enumerate(items):
        area = re.search(
            rf'<textarea [^>]*name="items-{index}-question"[^>]*>(.*?)</textarea>', body, re.S
        )
        assert area.group(1).strip() == escape(item.question)
    assert re.search(r'<textarea [^>]*name="items-0-question"[^>]*maxlength="300"', body)
    # "Why it matters" runs to 300 characters too; the style sheet fits the table to 1280 px.
    assert re.search(r'<textarea [^>]*name="items-0-why_it_matters"', body)
    assert "css/checklist_admin.css" in body


def test_the_checklist_add_page_offers_a_text_area_for_questions(login, admin_user):
    body = login(admin_user).get("/admin/checklists/checklist/add/").content.decode()
    # No item yet: the form the admin copies for "Add another checklist item".
    assert re.search(r'<textarea [^>]*name="items-__prefix__-question"', body)
    assert not re.search(r'<input [^>]*name="items-__prefix__-question"', body)
