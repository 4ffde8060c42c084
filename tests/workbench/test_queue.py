"""The case queue: due-first order, badges, filters in the URL, search, counts, pagination."""

from datetime import date

import time_machine

from desk.cases.service import assign, transition
from desk.extensions import db
from tests.helpers import login, make_case, make_staff

MONDAY = date(2026, 11, 16)


def _travel():
    return time_machine.travel(date(2026, 11, 16), tick=False)


def _refs(html: str, *cases) -> list[int]:
    return [html.index(f">{c.reference}<") for c in cases]


def test_open_queue_lists_what_is_due_first_and_paused_cases_last(client, app):
    """Running cases by internal target, then paused ones; closed cases stay out of the open queue."""
    with _travel():
        officer = make_staff("officer")
        later = make_case(arrived_on=date(2026, 11, 10), name="後藤 次郎")
        sooner = make_case(arrived_on=date(2026, 11, 2), name="青木 一郎")
        paused = make_case(arrived_on=date(2026, 10, 30), name="森 三郎")
        transition(paused, "awaiting_fee", on=date(2026, 11, 2))
        done = make_case(arrived_on=date(2026, 10, 1), name="林 四郎")
        for state in ("verifying", "in_progress", "decision_drafted", "approved", "dispatched", "completed"):
            transition(done, state, on=date(2026, 10, 5))
        db.session.commit()
        login(client, officer)
        html = client.get("/staff/cases").get_data(as_text=True)
        positions = _refs(html, sooner, later, paused)
        assert positions == sorted(positions)
        assert done.reference not in html
        assert done.reference in client.get("/staff/cases?status=completed").get_data(as_text=True)
        assert done.reference in client.get("/staff/cases?status=all").get_data(as_text=True)


def test_badges_show_green_amber_red_and_overdue_rows(client, app):
    """Days-left badges: plenty of time is green, close is amber, overdue red and its row marked."""
    with _travel():
        login(client, make_staff("officer"))
        make_case(arrived_on=date(2026, 11, 16))  # target 25 Nov (23rd is a holiday): 6 business days left
        make_case(arrived_on=date(2026, 11, 5))  # target 16 Nov: due today
        make_case(arrived_on=date(2026, 10, 20))  # target 29 Oct: overdue, and the horizon has passed
        html = client.get("/staff/cases").get_data(as_text=True)
    assert "badge-ok" in html and "badge-soon" in html and "badge-overdue" in html
    assert "本日期限" in html and "row-overdue" in html and "法定目安を経過" in html


def test_filters_live_in_the_url(client, app):
    """Kind, channel, assignee (mine / unassigned), waiting, overdue and duplicate filters narrow the list."""
    with _travel():
        officer = make_staff("officer")
        other = make_staff("officer")
        mine = make_case(("correction",), channel="mail", arrived_on=date(2026, 11, 12))
        assign(mine, officer)
        theirs = make_case(("disclosure",), arrived_on=date(2026, 11, 12))
        assign(theirs, other)
        waiting = make_case(arrived_on=date(2026, 11, 12))
        transition(waiting, "awaiting_documents", on=date(2026, 11, 13))
        late = make_case(arrived_on=date(2026, 10, 20))
        duplicate = make_case(arrived_on=date(2026, 11, 12))
        duplicate.possible_duplicate = True
        db.session.commit()
        login(client, officer)

        def listed(query):
            html = client.get(f"/staff/cases?{query}").get_data(as_text=True)
            return {c.reference for c in (mine, theirs, waiting, late, duplicate) if f">{c.reference}<" in html}

        assert listed("kind=correction") == {mine.reference}
        assert listed("channel=mail") == {mine.reference}
        assert listed("assignee=mine") == {mine.reference}
        assert listed(f"assignee={other.id}") == {theirs.reference}
        assert listed("assignee=none") == {waiting.reference, late.reference, duplicate.reference}
        assert listed("waiting=1") == {waiting.reference}
        assert listed("overdue=1") == {late.reference}
        assert listed("duplicate=1") == {duplicate.reference}
        assert listed("status=awaiting_documents") == {waiting.reference}
        # Unknown values are ignored rather than failing.
        assert client.get("/staff/cases?status=nonsense&kind=x&assignee=';drop&page=-4").status_code == 200


def test_search_by_reference_name_kana_phone_and_email(client, app):
    """Search folds width, kana, spaces, hyphens and case, and finds closed cases too."""
    login(client, make_staff("officer"))
    hanako = make_case(name="山田 花子", furigana="ヤマダ ハナコ", phone="03-1234-5678", email="Hanako@Example.com")
    taro = make_case(name="佐藤 太郎", furigana="サトウ タロウ", phone="090-1111-2222", email="taro@example.jp")
    for state in ("verifying", "withdrawn"):
        transition(hanako, state)
    db.session.commit()

    def found(q):
        html = client.get("/staff/cases", query_string={"q": q}).get_data(as_text=True)
        return {c.reference for c in (hanako, taro) if f">{c.reference}<" in html}

    assert found(hanako.reference) == {hanako.reference}
    assert found("山田花子") == {hanako.reference}
    assert found("山田") == {hanako.reference}
    assert found("やまだ はなこ") == {hanako.reference}
    assert found("ﾔﾏﾀﾞ") == {hanako.reference}
    assert found("0312345678") == {hanako.reference}
    assert found("03-1234-5678") == {hanako.reference}
    assert found("０９０−１１１１") == {taro.reference}
    assert found("HANAKO@example.COM") == {hanako.reference}
    assert found("鈴木") == set()


def test_search_by_given_name_family_name_and_part_of_a_reference(client, app):
    """「美咲」 alone finds 鈴木 美咲, 「鈴木」 alone too, 「ミサキ」 by the reading, and part of a
    reference (「61」) or a reference typed without its zeros (2026-61) finds the case."""
    login(client, make_staff("officer"))
    misaki = make_case(name="鈴木 美咲", furigana="スズキ ミサキ", phone="06-2222-3333")
    taro = make_case(name="佐藤 太郎", furigana="サトウ タロウ", phone="090-1111-2222", email="taro@example.jp")
    unspaced = make_case(name="高橋美咲", furigana="タカハシミサキ", phone="070-4444-5555", email="t@example.jp")

    def found(q):
        html = client.get("/staff/cases", query_string={"q": q}).get_data(as_text=True)
        return {c.reference for c in (misaki, taro, unspaced) if f">{c.reference}<" in html}

    assert found("美咲") == {misaki.reference}  # a name written without a space has no given name
    assert found("鈴木") == {misaki.reference}
    assert found("ミサキ") == {misaki.reference} and found("みさき") == {misaki.reference}
    assert found("太郎") == {taro.reference}
    number = misaki.reference.split("-")[1].lstrip("0")
    assert misaki.reference in found(number)
    assert found(f"{misaki.reference[:4]}-{number}") == {misaki.reference}
    # The given-name key follows a corrected name.
    misaki.requesters[0].name = "鈴木 美紀"
    db.session.commit()
    assert found("美紀") == {misaki.reference} and found("美咲") == set()


def test_counts_per_status_follow_changes(client, app):
    """The status counts shown are right, and right again after a case changes state."""
    login(client, make_staff("officer"))
    first = make_case()
    make_case()
    html = client.get("/staff/cases").get_data(as_text=True)
    assert '受付 <span class="count">2</span>' in html
    transition(first, "verifying")
    db.session.commit()
    html = client.get("/staff/cases").get_data(as_text=True)
    assert '受付 <span class="count">1</span>' in html and '本人確認中 <span class="count">1</span>' in html


def test_pagination_keeps_the_filters(client, app):
    """More than one page: the next link keeps the filters, and page 2 shows the rest."""
    login(client, make_staff("officer"))
    cases = [make_case(("correction",), commit=False) for _ in range(53)]
    db.session.commit()
    first = client.get("/staff/cases?kind=correction").get_data(as_text=True)
    assert "1 / 2" in first and "kind=correction" in first and "page=2" in first
    second = client.get("/staff/cases?kind=correction&page=2").get_data(as_text=True)
    shown = sum(1 for c in cases if f">{c.reference}<" in second)
    assert shown == 3
    assert "2 / 2" in client.get("/staff/cases?kind=correction&page=9").get_data(as_text=True)


def test_one_business_day_is_singular_in_english(client, app):
    """「1 business day left」, not 「1 business days left」, on the queue and the case page."""
    officer = make_staff("officer")
    case = make_case(arrived_on=date(2026, 11, 16))
    case.internal_target_on = date(2026, 11, 17)
    db.session.commit()
    with _travel():
        login(client, officer)
        queue = client.get("/staff/cases?lang=en").get_data(as_text=True)
        page = client.get(f"/staff/cases/{case.reference}?lang=en").get_data(as_text=True)
    assert "1 business day left" in queue and "1 business days" not in queue
    assert "1 business day left" in page and "1 business days" not in page
