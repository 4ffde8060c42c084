"""The case page's folded panels: each folded line names its panel in both languages."""

import re

from desk.cases import hooks
from desk.workbench.case_page import _SIDE
from tests.helpers import login, make_case, make_staff


def test_every_folded_panel_has_a_title_in_both_languages(app):
    folded = [p for p in hooks.of().panels if p.key not in _SIDE]
    assert len(folded) > 10
    untitled = [p.template for p in folded if not (p.title[0] and p.title[1])]
    assert untitled == []


def test_no_folded_line_on_the_page_is_blank(client, app):
    """A cessation case shows the consent and inquiry panels too; none folds without a name."""
    supervisor = make_staff("supervisor")
    case = make_case(("disclosure", "cessation"))
    login(client, supervisor)
    for lang in ("ja", "en"):
        html = client.get(f"/staff/cases/{case.reference}?lang={lang}").get_data(as_text=True)
        titles = re.findall(r'<span class="fold-title">(.*?)</span>', html)
        assert len(titles) > 8
        assert all(t.strip() for t in titles), titles
        assert 'id="fold-consent"' in html and 'id="fold-inquiries"' in html
