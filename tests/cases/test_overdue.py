"""One definition of overdue: the queue, the dashboard and the daily job count the same cases."""

from __future__ import annotations

from datetime import date

import time_machine

from desk.cases.service import transition
from desk.extensions import db
from desk.reports.figures import attention_now
from tests.helpers import login, make_case, make_staff


def test_queue_dashboard_and_daily_agree_on_what_is_overdue(app, client, runner):
    """A case past its target, one past the horizon after a pause, one waiting and one on
    time: the same two are overdue everywhere, and the default target never passes the horizon."""
    on_time = make_case(arrived_on=date(2026, 11, 24), name="間に 合子")
    past_target = make_case(arrived_on=date(2026, 11, 2), name="目標 過男")
    paused = make_case(arrived_on=date(2026, 11, 5), name="停止 後子")
    transition(paused, "awaiting_documents", on=date(2026, 11, 6))
    transition(paused, "verifying", on=date(2026, 11, 20))  # 14 days paused: the target passes the horizon
    waiting = make_case(arrived_on=date(2026, 10, 1), name="待ち 続子")
    transition(waiting, "awaiting_fee", on=date(2026, 10, 2))
    db.session.commit()
    assert past_target.internal_target_on <= past_target.statutory_horizon_on
    assert paused.internal_target_on > paused.statutory_horizon_on

    as_of = date(2026, 11, 25)
    with time_machine.travel("2026-11-25 10:00 +09:00", tick=False):
        login(client, make_staff("officer"))
        queue = client.get("/staff/cases?overdue=1").get_data(as_text=True)
        in_queue = {c.reference for c in (on_time, past_target, paused, waiting) if c.reference in queue}
        on_dashboard = {c.reference for c in attention_now(as_of)[0]}
        daily = runner.invoke(args=["desk", "daily", "--as-of", as_of.isoformat()])
    assert in_queue == on_dashboard == {past_target.reference, paused.reference}
    assert "overdue: 2 open case(s)" in daily.output
