"""The staff menu: each entry shows only when its area is installed and the user may use it."""

from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user

from desk.auth.permissions import can
from desk.i18n import tr

#: (endpoint, permission, ja, en)
STAFF_MENU = (
    ("approvals.inbox", "decision.approve", "承認待ち", "Approvals"),
    ("cases.queue", "case.view", "案件一覧", "Cases"),
    ("inquiries.queue", "inquiry.view", "問い合わせ・苦情", "Inquiries"),
    ("intake.register_case", "case.register", "郵送等の受付", "Register mail-in"),
    ("letters.print_run", "letters.print", "本日の発送", "Print run"),
    ("suppression.register", "suppression.view", "提供停止名簿", "Suppression register"),
    ("provisions.records", "provisions.view", "第三者提供記録", "Provision records"),
    ("consent.overview", "consent.view", "広告・宣伝の同意", "Marketing consent"),
    ("reports.dashboard", "dashboard.view", "ダッシュボード", "Dashboard"),
    ("retention.overview", "retention.view", "保存・廃棄", "Retention"),
    ("audit.audit_log", "audit.view", "監査ログ", "Audit log"),
    ("admin.staff_list", "staff.manage", "職員", "Staff"),
    ("api_keys.key_list", "api.keys", "APIキー", "API keys"),
    ("settings.edit_settings", "settings.edit", "設定", "Settings"),
)


def staff_navigation() -> list[dict]:
    items = []
    for endpoint, permission, ja, en in STAFF_MENU:
        if endpoint in current_app.view_functions and can(current_user, permission):
            items.append({"endpoint": endpoint, "url": url_for(endpoint), "label": tr(ja, en)})
    return items
