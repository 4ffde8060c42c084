"""Possible duplicates are named and linked on the case page (both ways) and in the queue,
shown once on the page rather than flashed after every action."""

from __future__ import annotations

from datetime import date

from desk.extensions import db
from tests.helpers import login, make_case, make_staff


def test_case_page_and_queue_name_and_link_the_other_cases(client, app):
    first = make_case(arrived_on=date(2026, 11, 2))
    second = make_case(arrived_on=date(2026, 11, 9))
    second.possible_duplicate = True
    unrelated = make_case(arrived_on=date(2026, 11, 9), name="佐藤 次郎")
    db.session.commit()
    login(client, make_staff("officer"))
    page = client.get(f"/staff/cases/{second.reference}").get_data(as_text=True)
    assert 'id="duplicates"' in page and f'href="/staff/cases/{first.reference}"' in page
    assert unrelated.reference not in page
    earlier = client.get(f"/staff/cases/{first.reference}").get_data(as_text=True)
    assert f'href="/staff/cases/{second.reference}"' in earlier  # the earlier case knows of the later one
    queue = client.get("/staff/cases").get_data(as_text=True)
    assert f"↔ {first.reference}" in queue


def test_the_duplicate_note_is_not_a_flash(client, app):
    """After an action the page shows the note once, and no flash repeats it."""
    make_case(arrived_on=date(2026, 11, 2))
    second = make_case(arrived_on=date(2026, 11, 9))
    second.possible_duplicate = True
    db.session.commit()
    login(client, make_staff("officer"))
    html = client.post(
        f"/staff/cases/{second.reference}/notes", data={"body": "確認中"}, follow_redirects=True
    ).get_data(as_text=True)
    assert html.count('id="duplicates"') == 1 and html.count("重複の可能性") == 1
    assert 'class="flash flash-warning">同一人物' not in html
