"""The objection register, an objection's page, status changes, raising one by hand."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent, Level, Objection, ObjectionEvent, ObjectionStatus, Stance
from app.objections.operations import change_objection_status, raise_objection
from tests.factories import conversation, person, theme

BASE = "/campaigns/collaboration-platform-rollout/objections"


def objection(campaign, author, engagement, slug="security", statement="It will leak", *,
              days_ago=3, conversation=None, status=None):
    """An objection raised `days_ago` days ago, optionally moved to `status`."""
    raised = raise_objection(campaign, author, engagement, theme(campaign, slug), statement,
                             conversation=conversation,
                             at=datetime.now(UTC) - timedelta(days=days_ago))
    if status is not None:
        change_objection_status(raised, status, author, note="Done", at=datetime.now(UTC))
    return raised


@pytest.fixture
def register(campaign, users):
    """A small register: two themes, three levels, every status, one from a conversation."""
    lead = users["lead"]
    ann = person(campaign, lead, "Ann Exec", level=Level.executive, stance=Stance.sceptic)
    bob = person(campaign, lead, "Bob Manager", level=Level.manager)
    cat = person(campaign, lead, "Cat Worker", level=Level.worker)
    talk = conversation(campaign, lead, ann, bob, subject="Steering group demo")
    made = {
        "ann_security": objection(campaign, lead, ann, "security", "Our data on a public site",
                                  days_ago=10, conversation=talk),
        "bob_time": objection(campaign, lead, bob, "time-wasting", "My team will chat all day",
                              days_ago=5, status=ObjectionStatus.answered),
        "cat_time": objection(campaign, lead, cat, "time-wasting", "One more inbox to check",
                              days_ago=40),
        "bob_resolved": objection(campaign, lead, bob, "security", "Where is the server?",
                                  days_ago=20, status=ObjectionStatus.resolved),
        "cat_parked": objection(campaign, lead, cat, "fad", "Another shiny toy",
                                days_ago=2, status=ObjectionStatus.parked),
    }
    db.session.commit()
    return made


def statements(html: str) -> set[str]:
    known = ["Our data on a public site", "My team will chat all day", "One more inbox to check",
             "Where is the server?", "Another shiny toy"]
    return {text for text in known if text in html}


def test_register_groups_by_theme_with_counts_and_default_status(as_viewer, register):
    html = as_viewer.get(f"{BASE}/").get_data(as_text=True)
    # Default: open and answered only.
    assert statements(html) == {"Our data on a public site", "My team will chat all day",
                                "One more inbox to check"}
    # Groups in playbook order, each theme once, with counts per status under the filters.
    security = html.index('id="group-security"')
    time_wasting = html.index('id="group-time-wasting"')
    assert security < time_wasting
    assert 'id="group-fad"' not in html
    assert html.index("Our data on a public site") < time_wasting < html.index("One more inbox")
    security_head = html[security:time_wasting]
    assert re.search(r"Open <strong>1</strong>", security_head)
    assert re.search(r"Resolved <strong>1</strong>", security_head)
    # Who, status badge, when, in which conversation, how long open.
    ann = register["ann_security"].engagement
    assert f'/stakeholders/{ann.stakeholder_id}"' in html
    assert f'/conversations/{register["ann_security"].conversation_id}"' in html
    assert "Steering group demo" in html
    assert 'class="status status-answered"' in html
    assert re.search(r'data-label="Days open"[^>]*>\s*40\s*<', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=all", {"Our data on a public site", "My team will chat all day",
                        "One more inbox to check", "Where is the server?", "Another shiny toy"}),
        ("status=parked", {"Another shiny toy"}),
        ("status=open&status=resolved", {"Our data on a public site", "One more inbox to check",
                                         "Where is the server?"}),
        ("theme=time-wasting", {"My team will chat all day", "One more inbox to check"}),
        ("level=manager&status=all", {"My team will chat all day", "Where is the server?"}),
        ("status=all&raised_from={d7}", {"My team will chat all day", "Another shiny toy"}),
        ("status=all&raised_from={d30}&raised_to={d7}", {"Our data on a public site",
                                                          "Where is the server?"}),
        ("level=executive&theme=time-wasting", set()),
    ],
)
def test_register_filters(as_viewer, register, query, expected):
    today = date.today()
    query = query.format(d7=(today - timedelta(days=7)).isoformat(),
                         d30=(today - timedelta(days=30)).isoformat())
    response = as_viewer.get(f"{BASE}/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert statements(html) == expected
    if not expected:
        assert "No objections match these filters." in html


def test_unknown_filter_values_are_ignored_with_a_message(as_viewer, register):
    response = as_viewer.get(f"{BASE}/?status=bogus&theme=nope&level=king&raised_from=soon")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ignored an unknown status" in html
    assert "Ignored an unknown theme" in html
    assert "Ignored an unknown level" in html
    assert "YYYY-MM-DD" in html
    assert statements(html) == {"Our data on a public site", "My team will chat all day",
                                "One more inbox to check"}


def test_register_paginates_and_keeps_filters_in_page_links(app, as_viewer, campaign, users):
    lead = users["lead"]
    people = [person(campaign, lead, level=Level.manager) for _ in range(3)]
    for n in range(30):
        objection(campaign, lead, people[n % 3], "security", f"Statement number {n:02d}",
                  days_ago=n)
    db.session.commit()
    first = as_viewer.get(f"{BASE}/?level=manager").get_data(as_text=True)
    assert first.count("Statement number") == 25
    assert "level=manager" in re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)
    second = as_viewer.get(f"{BASE}/?level=manager&page=2").get_data(as_text=True)
    assert second.count("Statement number") == 5
    assert "Statement number 29" in second  # oldest last


def _fill(campaign, author, count: int) -> None:
    """`count` objections over many people, themes, statuses and conversations."""
    slugs = ["security", "time-wasting", "cost-value", "fad", "knowing-culture"]
    people = [person(campaign, author, level=list(Level)[n % 3]) for n in range(max(count // 6, 3))]
    talks = [conversation(campaign, author, engagement) for engagement in people[:: 2]]
    for n in range(count):
        engagement = people[n % len(people)]
        talk = talks[(n % len(people)) // 2] if (n % len(people)) % 2 == 0 else None
        status = [None, ObjectionStatus.answered, ObjectionStatus.resolved][n % 3]
        objection(campaign, author, engagement, slugs[n % len(slugs)], f"Worry {n}",
                  days_ago=n % 50, conversation=talk, status=status)
    db.session.commit()


def _register_statements(app, client, count_queries, query=""):
    # A fresh app context, as a real request has: its own `g` and an empty session.
    with app.app_context(), count_queries() as counter:
        response = client.get(f"{BASE}/{query}")
    assert response.status_code == 200
    return counter.count


def test_register_query_count_does_not_grow_with_the_data(app, as_viewer, campaign, users,
                                                          count_queries):
    _fill(campaign, users["lead"], 5)
    small = _register_statements(app, as_viewer, count_queries, "?status=all")
    _fill(campaign, users["lead"], 295)
    assert db.session.scalar(db.select(db.func.count(Objection.id))) == 300
    large = _register_statements(app, as_viewer, count_queries, "?status=all")
    assert small == large
    assert large <= 12
    assert _register_statements(app, as_viewer, count_queries, "?status=all&page=3") == large


def test_objection_page_shows_person_answer_for_their_level_and_history(as_viewer, register):
    raised = register["bob_time"]
    html = as_viewer.get(f"{BASE}/{raised.id}").get_data(as_text=True)
    assert "My team will chat all day" in html
    assert "Bob Manager" in html
    assert f'/stakeholders/{raised.engagement.stakeholder_id}"' in html
    manager_answer = raised.theme.response_for(Level.manager).response
    assert manager_answer[:40] in html.replace("&#39;", "'").replace("&#x27;", "'")
    assert "How to answer a manager" in html
    # History: raised, then open → answered with the note.
    assert 'status status-open' in html and 'status status-answered' in html
    assert "Done" in html and "Lead" in html
    assert "Open for</dt>" in html and "5 days" in html
    # Viewers read only.
    assert "Change status" not in html


def test_closed_objection_counts_days_until_it_was_closed(as_viewer, register, campaign, users):
    resolved = register["bob_resolved"]  # raised 20 days ago, resolved today
    html = as_viewer.get(f"{BASE}/{resolved.id}").get_data(as_text=True)
    assert "Was open</dt>" in html and "20 days" in html
    register_html = as_viewer.get(f"{BASE}/?status=resolved").get_data(as_text=True)
    assert re.search(r'data-label="Days open"[^>]*>\s*20\s*<', register_html)


def test_champion_changes_status_with_event_and_audit(as_champion, register, users):
    raised = register["ann_security"]
    response = as_champion.post(f"{BASE}/{raised.id}/status",
                                data={"status": "answered", "note": "Showed the security review"})
    assert response.status_code == 302
    db.session.expire_all()
    assert raised.status is ObjectionStatus.answered
    event = raised.events[-1]
    assert (event.from_status, event.to_status) == (ObjectionStatus.open, ObjectionStatus.answered)
    assert event.note == "Showed the security review"
    assert event.by_id == users["champion"].id
    audit = db.session.scalars(
        db.select(AuditEvent).filter_by(entity_type="objection", entity_id=raised.id,
                                        action="update")
    ).all()[-1]
    assert audit.changes["status"] == ["open", "answered"]
    assert audit.user_id == users["champion"].id
    page = as_champion.get(f"{BASE}/{raised.id}").get_data(as_text=True)
    assert "Showed the security review" in page and "Champion" in page


def test_viewer_cannot_change_status_or_edit(as_viewer, register):
    raised = register["ann_security"]
    assert as_viewer.post(f"{BASE}/{raised.id}/status",
                          data={"status": "answered", "note": "x"}).status_code == 403
    assert as_viewer.post(f"{BASE}/{raised.id}/edit",
                          data={"theme_id": raised.theme_id, "statement": "x"}).status_code == 403
    assert as_viewer.get(f"{BASE}/new").status_code == 403
    db.session.expire_all()
    assert raised.status is ObjectionStatus.open
    assert len(raised.events) == 1


def _writes() -> tuple[int, int, int]:
    return (db.session.scalar(db.select(db.func.count(Objection.id))),
            db.session.scalar(db.select(db.func.count(ObjectionEvent.id))),
            db.session.scalar(db.select(db.func.count(AuditEvent.id))))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "archived", "note": "x"}, "Not a valid choice"),
        ({"status": "resolved", "note": "  "}, "Say why it is resolved."),
        ({"status": "parked", "note": ""}, "Say why it is parked."),
        ({"status": "open", "note": "again"}, "It is already open."),
        ({"status": "answered", "note": "x" * 2001}, "2000"),
    ],
)
def test_bad_status_change_is_refused_and_writes_nothing(as_champion, register, data, message):
    raised = register["ann_security"]
    before = _writes()
    response = as_champion.post(f"{BASE}/{raised.id}/status", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'name="note"' in html  # the form is re-rendered
    db.session.expire_all()
    assert _writes() == before
    assert raised.status is ObjectionStatus.open


def test_champion_edits_theme_and_statement_audited(as_champion, register, campaign):
    raised = register["cat_time"]
    fad = theme(campaign, "fad")
    response = as_champion.post(f"{BASE}/{raised.id}/edit",
                                data={"theme_id": str(fad.id), "statement": "It is a fad, really"})
    assert response.status_code == 302
    db.session.expire_all()
    assert raised.theme_id == fad.id and raised.statement == "It is a fad, really"
    audit = db.session.scalars(
        db.select(AuditEvent).filter_by(entity_type="objection", entity_id=raised.id,
                                        action="update").order_by(AuditEvent.id.desc())
    ).first()
    assert audit.changes["statement"] == ["One more inbox to check", "It is a fad, really"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"statement": "   "}, "Say what was objected to."),
        ({"statement": "y" * 2001}, "2000"),
        ({"statement": "fine", "theme_id": "999999"}, "Not a valid choice"),
    ],
)
def test_bad_edit_is_refused(as_champion, register, data, message):
    raised = register["cat_time"]
    before = _writes()
    payload = {"theme_id": str(raised.theme_id), **data}
    response = as_champion.post(f"{BASE}/{raised.id}/edit", data=payload)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "<details open" in html
    db.session.expire_all()
    assert _writes() == before
    assert raised.statement == "One more inbox to check"


def test_raise_an_objection_by_hand(as_champion, campaign, users):
    ann = person(campaign, users["lead"], "Ann Exec", level=Level.executive)
    db.session.commit()
    form = as_champion.get(f"{BASE}/new?engagement={ann.id}&theme=cost-value")
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    assert f'value="{ann.stakeholder.email}"' in html
    assert re.search(rf'<option selected value="{theme(campaign, "cost-value").id}"', html)
    yesterday = date.today() - timedelta(days=1)
    response = as_champion.post(f"{BASE}/new", data={
        "person": ann.stakeholder.email.upper(),
        "theme_id": str(theme(campaign, "cost-value").id),
        "statement": "Nobody reads the **business case**",
        "raised_on": yesterday.isoformat(),
    })
    assert response.status_code == 302
    raised = db.session.scalar(db.select(Objection).filter_by(engagement_id=ann.id))
    assert raised.status is ObjectionStatus.open and raised.conversation_id is None
    assert raised.raised_at.date() in (yesterday, yesterday + timedelta(days=1))
    assert response.headers["Location"].endswith(f"/objections/{raised.id}")
    assert db.session.scalar(db.select(AuditEvent).filter_by(
        entity_type="objection", entity_id=raised.id, action="create")) is not None
    page = as_champion.get(f"{BASE}/{raised.id}").get_data(as_text=True)
    assert "<strong>business case</strong>" in page
    # A unique exact name works as well as the email.
    response = as_champion.post(f"{BASE}/new", data={
        "person": "ann exec", "theme_id": str(theme(campaign, "fad").id),
        "statement": "A bandwagon", "raised_on": date.today().isoformat(),
    })
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"statement": ""}, "Say what was objected to."),
        ({"statement": "z" * 2001}, "2000"),
        ({"raised_on": (date.today() + timedelta(days=2)).isoformat()}, "cannot be in the future"),
        ({"raised_on": "yesterday"}, "Give a date."),
        ({"person": "nobody@example.org"}, "No one in this campaign has that email"),
        ({"theme_id": ""}, "Choose a theme."),
    ],
)
def test_bad_new_objection_is_refused(as_champion, campaign, users, data, message):
    ann = person(campaign, users["lead"], "Ann Exec", level=Level.executive)
    db.session.commit()
    before = _writes()
    payload = {"person": ann.stakeholder.email, "theme_id": str(theme(campaign).id),
               "statement": "Typed words stay", "raised_on": date.today().isoformat(), **data}
    response = as_champion.post(f"{BASE}/new", data=payload)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if data.get("statement") is None:
        assert "Typed words stay" in html
    assert _writes() == before


def test_person_of_another_campaign_cannot_be_used(as_champion, campaign, other_campaign, users):
    stranger = person(other_campaign, users["outsider"], "Stan Stranger")
    db.session.commit()
    response = as_champion.post(f"{BASE}/new", data={
        "person": stranger.stakeholder.email, "theme_id": str(theme(campaign).id),
        "statement": "x", "raised_on": date.today().isoformat(),
    })
    assert response.status_code == 400
    assert as_champion.get(f"{BASE}/new?engagement={stranger.id}").status_code == 404


def test_outsider_gets_404_everywhere(as_outsider, register):
    raised = register["ann_security"]
    for url in (f"{BASE}/", f"{BASE}/{raised.id}", f"{BASE}/playbook", f"{BASE}/new"):
        assert as_outsider.get(url).status_code == 404, url
    assert as_outsider.post(f"{BASE}/{raised.id}/status",
                            data={"status": "answered"}).status_code == 404


def test_objection_of_another_campaign_is_404_here(as_admin, campaign, other_campaign, users):
    stranger = person(other_campaign, users["outsider"], "Stan Stranger")
    foreign = objection(other_campaign, users["outsider"], stranger, statement="Elsewhere")
    db.session.commit()
    assert as_admin.get(f"{BASE}/{foreign.id}").status_code == 404
    assert as_admin.post(f"{BASE}/{foreign.id}/status",
                         data={"status": "answered", "note": "x"}).status_code == 404
    db.session.expire_all()
    assert foreign.status is ObjectionStatus.open
    # Under its own campaign's URL the admin sees it.
    assert as_admin.get(
        f"/campaigns/{other_campaign.slug}/objections/{foreign.id}").status_code == 200


def test_statement_markdown_is_sanitised(as_viewer, campaign, users):
    ann = person(campaign, users["lead"], "Ann Exec")
    raised = objection(campaign, users["lead"], ann,
                       statement='<script>alert(1)</script> [x](javascript:alert(2)) *fine*')
    db.session.commit()
    for url in (f"{BASE}/", f"{BASE}/{raised.id}"):
        html = as_viewer.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html
        assert 'href="javascript' not in html
    assert "<em>fine</em>" in as_viewer.get(f"{BASE}/{raised.id}").get_data(as_text=True)


def test_csrf_is_required_for_status_change(app, as_champion, register):
    app.config["WTF_CSRF_ENABLED"] = True
    raised = register["ann_security"]
    response = as_champion.post(f"{BASE}/{raised.id}/status",
                                data={"status": "answered", "note": "x"})
    assert response.status_code == 400
    page = as_champion.get(f"{BASE}/{raised.id}").get_data(as_text=True)
    from tests.conftest import extract_csrf

    response = as_champion.post(f"{BASE}/{raised.id}/status",
                                data={"status": "answered", "note": "x",
                                      "csrf_token": extract_csrf(page)})
    assert response.status_code == 302


def test_nav_links(as_viewer, campaign):
    html = as_viewer.get(f"{BASE}/playbook").get_data(as_text=True)
    assert re.search(r'class="nav-link active" href="[^"]*/objections/playbook"', html)
    assert re.search(r'class="nav-link" href="[^"]*/objections/">Objections', html)
