"""The lists' pager (Bootstrap-Flask's render_pagination in templates/_macros.html): its
links keep every filter value and cannot be pointed at another campaign."""

import re
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import ObjectionStatus
from app.objections.operations import change_objection_status, raise_objection
from tests.factories import person, theme


def page_links(html: str) -> list[str]:
    return [href.strip() for href in re.findall(r'class="page-link" href="([^"]+)"', html)
            if "page=" in href]


def test_page_links_keep_repeated_filters_and_ignore_a_slug_in_the_query(
        as_viewer, campaign, other_campaign, users):
    lead = users["lead"]
    someone = person(campaign, lead)
    for n in range(30):
        raised = raise_objection(campaign, lead, someone, theme(campaign, "security"),
                                 f"Statement number {n:02d}",
                                 at=datetime.now(UTC) - timedelta(days=n + 1))
        if n % 2:
            change_objection_status(raised, ObjectionStatus.answered, lead, note="Answered",
                                    at=datetime.now(UTC))
    db.session.commit()
    base = f"/campaigns/{campaign.slug}/objections/"

    html = as_viewer.get(f"{base}?status=open&status=answered").get_data(as_text=True)
    links = page_links(html)
    assert links and "30 in all" in html
    for link in links:
        assert link.startswith(base) and "status=open" in link and "status=answered" in link

    html = as_viewer.get(f"{base}?slug={other_campaign.slug}").get_data(as_text=True)
    links = page_links(html)
    assert links and all(link.startswith(base) for link in links)
    assert other_campaign.slug not in " ".join(links)
