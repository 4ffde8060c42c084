"""Dashboard figures against a hand-computed fixture, and the page itself."""

import re
from datetime import date

from desk.reports.figures import DateRange, attention_now, dashboard
from tests.helpers import login, make_staff
from tests.reports.fixtures import build, dispose_skeleton

RANGE = DateRange(date(2026, 1, 1), date(2026, 4, 30))


def test_figures_match_the_hand_computed_fixture(app):
    """Received per month by kind, days to dispatch (median/p90), outcomes, grounds, lapses."""
    build()
    board = dashboard(RANGE, date(2026, 5, 8))
    assert board.months == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert board.received["2026-01"]["disclosure"] == 2 and board.received["2026-01"]["correction"] == 1
    assert sum(board.received["2026-02"].values()) == 0  # a month with no cases
    assert {k: v for k, v in board.received["2026-03"].items() if v} == {
        "purpose_notice": 1,
        "cessation": 1,
        "disclosure": 1,
    }
    assert {k: v for k, v in board.received["2026-04"].items() if v} == {
        "disclosure": 1,
        "stop_provision": 1,
        "correction": 1,
    }
    assert board.totals["received"] == 9
    # January: 10 and 14 days -> median 12 (even count), p90 14; February: nothing; March: 5, 9, 30.
    assert board.response_days["2026-01"] == (2, 12, 14)
    assert board.response_days["2026-02"] == (0, None, None)
    assert board.response_days["2026-03"] == (3, 9, 30)
    assert board.response_days["2026-04"] == (0, None, None)  # the lapsed case was not dispatched
    assert sorted(board.all_days) == [5, 9, 10, 14, 30]
    assert board.overall_median == 10 and board.overall_p90 == 30
    assert board.histogram == [1, 3, 0, 0, 1, 0]
    assert board.outcomes["disclosure"] == {"disclosed": 1, "partly_disclosed": 1, "not_disclosed": 1, "lapsed": 1}
    assert board.outcomes["correction"] == {"not_corrected": 1}
    assert board.grounds == {"harm_to_person": 1, "business_impediment": 2, "content_true": 1, "fee_unpaid": 1}
    assert board.lapses == {"2026-01": 0, "2026-02": 0, "2026-03": 0, "2026-04": 1}
    assert board.open_by_status["in_progress"] == 1 and board.open_by_status["received"] == 1
    assert board.totals["open"] == 2


def test_range_filter_narrows_the_figures(app):
    """Only March: three answered cases, nothing else."""
    build()
    board = dashboard(DateRange(date(2026, 3, 1), date(2026, 3, 31)), date(2026, 5, 8))
    assert board.months == ["2026-03"]
    assert board.totals["received"] == 3 and board.totals["dispatched"] == 3 and board.totals["lapsed"] == 0
    assert board.overall_median == 9 and board.overall_p90 == 30


def test_disposed_cases_still_count(app):
    """Disposal keeps the statistical skeleton: an answered case stays in the response times."""
    cases = build()
    dispose_skeleton(cases["a"], date(2026, 4, 30))
    board = dashboard(RANGE, date(2026, 5, 8))
    assert board.response_days["2026-01"] == (2, 12, 14)
    assert board.totals["received"] == 9


def test_attention_lists(app):
    """Past the horizon, near it (3 days by default) and past the internal target, as of a date."""
    cases = build()
    overdue, past, near = attention_now(date(2026, 5, 8))
    assert [c.reference for c in past] == [cases["open_late"].reference]  # horizon 4 May
    assert [c.reference for c in near] == [cases["open_near"].reference]  # horizon 11 May
    overdue, past, near = attention_now(date(2026, 5, 20))
    assert {c.reference for c in overdue} == {cases["open_late"].reference, cases["open_near"].reference}
    assert near == []


def test_dashboard_page_shows_charts_and_tables(client):
    """Every chart is an inline SVG with a title, each followed by a table of its numbers."""
    build()
    login(client, make_staff("supervisor"))
    html = client.get("/staff/dashboard?from=2026-01-01&to=2026-04-30").get_data(as_text=True)
    assert html.count('<svg class="chart') == 7
    assert html.count("<title>") >= 7
    for table in ("received", "open", "histogram", "response", "outcomes", "grounds", "lapses"):
        assert f'data-table="{table}"' in html
    assert re.search(r'data-figure="median">10<', html) and re.search(r'data-figure="p90">30<', html)
    row = re.search(r'<tr data-month="2026-01">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == ["2", "12", "14"]
    assert "<script" not in html and "style=" not in html
    assert "本人確認ができない" not in html  # no grounds invented
    assert "当社の業務の適正な実施に著しい支障を及ぼすおそれ" in html


def test_dashboard_in_english_and_bad_dates(client):
    """English labels; a bad date gets a message next to the field and the default range."""
    login(client, make_staff("auditor"))
    assert "Requests received per month, by kind" in client.get("/staff/dashboard?lang=en").get_data(as_text=True)
    response = client.get("/staff/dashboard?from=2026-13-01")
    assert response.status_code == 400 and "Enter the date as YYYY-MM-DD." in response.get_data(as_text=True)
    response = client.get("/staff/dashboard?from=2026-05-01&to=2026-04-01")
    assert response.status_code == 400


def test_officers_may_not_see_the_dashboard(client):
    """The dashboard is for supervisors, auditors and administrators."""
    login(client, make_staff("officer"))
    assert client.get("/staff/dashboard").status_code == 403
