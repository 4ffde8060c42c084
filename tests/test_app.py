"""The application as an operator sees it: health, headers, language, demo, daily job."""

from datetime import date, timedelta

from sqlalchemy import func, select

from desk import create_app
from desk.cases import lifecycle
from desk.cases.models import Case
from desk.extensions import db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_healthz_reports_a_dead_database(app_config, tmp_path):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.sqlite3"})
    assert app.test_client().get("/healthz").status_code == 503


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/staff/login").headers["Cache-Control"] == "no-store"


def test_language_follows_query_then_browser_then_japanese(client):
    assert 'lang="ja"' in client.get("/").get_data(as_text=True)
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in client.get("/").get_data(as_text=True)  # remembered
    assert 'lang="ja"' in client.get("/?lang=ja").get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "見つかりませんでした" in response.get_data(as_text=True)


def test_demo_fills_every_state_and_old_completed_cases(app, runner):
    result = runner.invoke(args=["desk", "demo", "--cases", "30"])
    assert result.exit_code == 0, result.output
    assert "officer@example.jp" in result.output
    states = set(db.session.scalars(select(Case.status).distinct()))
    assert states >= set(lifecycle.STATES) - {"dispatched", "disposed"}
    two_years_ago = date.today().replace(year=date.today().year - 2)
    old = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.status == "completed", Case.closed_on < two_years_ago)
    )
    assert old >= 2
    # The print run holds this week's post: what was queued before yesterday went out,
    # except the replies of approved cases, which wait there by their state.
    from desk.clock import today
    from desk.letters.service import queued_letters

    stale = [
        (letter.case.reference, letter.kind)
        for letter in queued_letters()
        if letter.dated_on < today() - timedelta(days=1) and letter.case.status != "approved"
    ]
    assert stale == [] and queued_letters()
    # A case past the identity check has it on record, and every reply says what it decided:
    # a disclosure has its table, a correction what changed (the case page and the letters
    # read these, as they would for a case worked through the pages).
    from desk.identity.service import verification_of

    for case in db.session.scalars(select(Case).where(Case.status.in_(["in_progress", "approved", "completed"]))):
        assert verification_of(case) is not None and verification_of(case).identity_result == "identified", (
            case.reference
        )
        for item in case.items:
            if item.outcome in ("disclosed", "partly_disclosed"):
                assert (item.details or {}).get("disclosed", {}).get("rows"), case.reference
            if item.outcome == "corrected":
                assert (item.details or {}).get("corrected"), case.reference
    # Every case awaiting approval is in the supervisors' inbox.
    from desk.decisions.service import waiting_for_approval

    awaiting = set(db.session.scalars(select(Case.reference).where(Case.status == "awaiting_approval")))
    assert awaiting and awaiting <= {w.case.reference for w in waiting_for_approval()}
    again = runner.invoke(args=["desk", "demo", "--if-empty"])
    assert "nothing added" in again.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 30
    assert runner.invoke(args=["desk", "audit-verify"]).exit_code == 0


def test_daily_rejects_a_bad_date(runner):
    result = runner.invoke(args=["desk", "daily", "--as-of", "19/11/2026"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
