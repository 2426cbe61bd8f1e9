"""The playbook: its default content, reading it, and leads editing it."""

import re

import pytest

from app.extensions import db
from app.models import AuditEvent, Level, ObjectionStatus, ObjectionTheme
from app.objections.playbook import DEFAULT_THEMES
from tests.factories import person, theme
from tests.test_objections import objection

BASE = "/campaigns/collaboration-platform-rollout/objections/playbook"

SLUGS = ["security", "time-wasting", "loss-of-control", "leakage-compliance", "cost-value", "fad",
         "personal-professional", "it-support-scale", "knowing-culture"]


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text.strip()))


def test_default_themes_keep_their_slugs_and_have_real_content():
    assert [slug for slug, *_ in DEFAULT_THEMES] == SLUGS
    for slug, name, description, answers in DEFAULT_THEMES:
        assert name.strip(), slug
        assert len(description.strip()) > 40, slug
        assert set(answers) == set(Level), slug
        for level, answer in answers.items():
            assert len(answer.strip()) > 60, (slug, level)
            # Plain capability words, not the words that put audiences off.
            assert not re.search(r"\b(social|game|gamification|learning)\b", answer, re.I), \
                (slug, level)
        assert 2 <= sentences(answers[Level.executive]) <= 3, slug
        assert len(answers[Level.manager]) < len(answers[Level.executive]), slug
    texts = " ".join(" ".join(answers.values()) for *_, answers in DEFAULT_THEMES)
    for fact in ("Cisco", "Lotus Notes", "ThoughtWorks", "risk checklist", "mentoring"):
        assert fact in texts


def test_a_new_campaign_gets_its_own_copy_of_the_playbook(campaign, other_campaign):
    for owner in (campaign, other_campaign):
        themes = db.session.scalars(
            db.select(ObjectionTheme).filter_by(campaign_id=owner.id)
            .order_by(ObjectionTheme.position)).all()
        assert [t.slug for t in themes] == SLUGS
        for seeded in themes:
            assert seeded.description
            assert all(seeded.response_for(level).response for level in Level)
    assert theme(campaign).id != theme(other_campaign).id


def test_playbook_page_shows_every_theme_with_open_counts_and_three_answers(
        as_viewer, campaign, users):
    ann = person(campaign, users["lead"], "Ann Exec", level=Level.executive)
    objection(campaign, users["lead"], ann, "fad", "Bandwagon")
    objection(campaign, users["lead"], ann, "fad", "Toy")
    objection(campaign, users["lead"], ann, "fad", "Old news", status=ObjectionStatus.resolved)
    db.session.commit()
    response = as_viewer.get(f"{BASE}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for slug, name, *_ in DEFAULT_THEMES:
        assert f'id="theme-{slug}"' in html
        assert name.replace("'", "&#39;") in html
    assert html.count('class="gs-answer"') == 3 * len(DEFAULT_THEMES)
    fad = html[html.index('id="theme-fad"'):html.index('id="theme-personal-professional"')]
    assert "2 open objections" in fad
    assert "Lotus Notes" in fad
    assert "Executives" in fad and "Managers" in fad and "Workers" in fad
    assert "Edit" not in fad  # viewers read only
    assert "New theme" not in html


def test_playbook_for_one_level(as_viewer, campaign):
    html = as_viewer.get(f"{BASE}?level=worker").get_data(as_text=True)
    assert html.count('class="gs-answer"') == len(DEFAULT_THEMES)
    assert "<h3>Workers</h3>" in html and "<h3>Executives</h3>" not in html
    html = as_viewer.get(f"{BASE}?level=emperor").get_data(as_text=True)
    assert "Ignored an unknown level" in html
    assert html.count('class="gs-answer"') == 3 * len(DEFAULT_THEMES)


def test_playbook_query_count_is_constant(app, as_viewer, campaign, users, count_queries):
    def measure():
        with app.app_context(), count_queries() as counter:
            assert as_viewer.get(BASE).status_code == 200
        return counter.count

    before = measure()
    lead = users["lead"]
    for n in range(12):
        as_lead_theme = ObjectionTheme(campaign_id=campaign.id, slug=f"extra-{n}",
                                       name=f"Extra {n}", position=100 + n)
        db.session.add(as_lead_theme)
        objection(campaign, lead, person(campaign, lead), "security", f"Worry {n}")
    db.session.commit()
    assert measure() == before


def test_lead_edits_a_theme_audited_and_slug_kept(as_lead, campaign, users):
    security = theme(campaign, "security")
    form = as_lead.get(f"{BASE}/{security.id}/edit")
    assert form.status_code == 200
    assert "private, internal space" in form.get_data(as_text=True)
    old_manager = security.response_for(Level.manager).response
    response = as_lead.post(f"{BASE}/{security.id}/edit", data={
        "name": "Our data outside the firewall",
        "description": "“It will end up on the internet.”",
        "answer_executive": security.response_for(Level.executive).response,
        "answer_manager": "Private groups, **same permissions** as the shared drive.",
        "answer_worker": security.response_for(Level.worker).response,
    })
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/playbook#theme-security")
    db.session.expire_all()
    assert security.slug == "security"
    assert security.name == "Our data outside the firewall"
    assert security.response_for(Level.manager).response.startswith("Private groups")
    assert security.response_for(Level.manager).updated_by_id == users["lead"].id
    event = db.session.scalar(db.select(AuditEvent).filter_by(
        entity_type="objection_theme", entity_id=security.id, action="update"))
    assert event.user_id == users["lead"].id
    assert event.changes["name"] == ["Data leaving the firewall", "Our data outside the firewall"]
    new_manager = security.response_for(Level.manager).response
    assert event.changes["answer_manager"] == [old_manager, new_manager]
    assert "answer_worker" not in event.changes
    html = as_lead.get(BASE).get_data(as_text=True)
    assert "<strong>same permissions</strong>" in html


def test_admin_may_edit_too(as_admin, campaign, users):
    fad = theme(campaign, "fad")
    assert as_admin.get(f"{BASE}/{fad.id}/edit").status_code == 200
    response = as_admin.post(f"{BASE}/{fad.id}/edit", data={
        "name": "Just a fad?",
        "description": fad.description,
        "answer_executive": fad.response_for(Level.executive).response,
        "answer_manager": fad.response_for(Level.manager).response,
        "answer_worker": "It has run for **ten years** elsewhere.",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert fad.name == "Just a fad?"
    assert fad.response_for(Level.worker).response == "It has run for **ten years** elsewhere."
    assert fad.response_for(Level.worker).updated_by_id == users["admin"].id
    event = db.session.scalar(db.select(AuditEvent).filter_by(
        entity_type="objection_theme", entity_id=fad.id, action="update"))
    assert event.user_id == users["admin"].id
    assert event.changes["name"][1] == "Just a fad?"
    assert "<strong>ten years</strong>" in as_admin.get(BASE).get_data(as_text=True)


@pytest.mark.parametrize("who", ["champion", "viewer"])
def test_champions_and_viewers_cannot_edit_the_playbook(login_as, campaign, who):
    client = login_as(who)
    fad = theme(campaign, "fad")
    assert client.get(f"{BASE}/{fad.id}/edit").status_code == 403
    assert client.post(f"{BASE}/{fad.id}/edit", data={"name": "Hacked"}).status_code == 403
    assert client.get(f"{BASE}/new").status_code == 403
    assert client.post(f"{BASE}/new", data={"name": "Hacked"}).status_code == 403
    db.session.expire_all()
    assert fad.name == "A fad, a shiny new toy"
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        entity_type="objection_theme")) == 0


def test_lead_adds_a_theme_with_a_unique_slug(as_lead, campaign, users):
    response = as_lead.post(f"{BASE}/new", data={
        "name": "Security!", "description": "Yet another angle",
        "answer_executive": "Exec answer", "answer_manager": "Manager answer",
        "answer_worker": "",
    })
    assert response.status_code == 302
    added = db.session.scalar(db.select(ObjectionTheme).filter_by(campaign_id=campaign.id,
                                                                   name="Security!"))
    assert added.slug == "security-2"  # "security" is taken by the default theme
    assert added.position == len(DEFAULT_THEMES)
    assert added.response_for(Level.manager).response == "Manager answer"
    event = db.session.scalar(db.select(AuditEvent).filter_by(
        entity_type="objection_theme", entity_id=added.id, action="create"))
    assert event.changes["slug"] == [None, "security-2"]
    assert event.changes["answer_executive"] == [None, "Exec answer"]
    # The new theme is offered when raising an objection and in the register's filter.
    assert "Security!" in as_lead.get(
        "/campaigns/collaboration-platform-rollout/objections/new").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Give the theme a name."),
        ({"name": "!!!"}, "at least one letter or digit"),
        ({"name": "a fad, A SHINY new toy"}, "already has a theme of that name"),
        ({"name": "Fine", "answer_worker": "w" * 10_001}, "10000"),
        ({"name": "n" * 121}, "120"),
    ],
)
def test_bad_theme_input_is_refused_and_nothing_written(as_lead, campaign, data, message):
    count = db.session.scalar(db.select(db.func.count(ObjectionTheme.id)))
    response = as_lead.post(f"{BASE}/new", data={"description": "typed text kept", **data})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "typed text kept" in html
    assert db.session.scalar(db.select(db.func.count(ObjectionTheme.id))) == count
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        entity_type="objection_theme")) == 0


def test_renaming_a_theme_to_its_own_name_is_fine(as_lead, campaign):
    fad = theme(campaign, "fad")
    response = as_lead.post(f"{BASE}/{fad.id}/edit", data={
        "name": fad.name, "description": fad.description,
        **{f"answer_{level.name}": fad.response_for(level).response for level in Level},
    })
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        entity_type="objection_theme")) == 0  # nothing changed, nothing audited


def test_answers_markdown_is_sanitised(as_lead, campaign):
    fad = theme(campaign, "fad")
    as_lead.post(f"{BASE}/{fad.id}/edit", data={
        "name": fad.name, "description": "<img src=x onerror=alert(1)> says",
        "answer_executive": "<script>alert('x')</script> **bold**",
        "answer_manager": "[click](javascript:alert(1))", "answer_worker": "ok",
    })
    html = as_lead.get(BASE).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert "<strong>bold</strong>" in html


def test_theme_of_another_campaign_is_404(as_lead, campaign, other_campaign):
    foreign = theme(other_campaign, "fad")
    assert as_lead.get(f"{BASE}/{foreign.id}/edit").status_code == 404
    assert as_lead.post(f"{BASE}/{foreign.id}/edit", data={"name": "x"}).status_code == 404
    db.session.expire_all()
    assert foreign.name == "A fad, a shiny new toy"


def test_outsider_cannot_see_the_playbook(as_outsider, campaign, other_campaign):
    assert as_outsider.get(BASE).status_code == 404
    assert as_outsider.get(f"{BASE}/{theme(campaign).id}/edit").status_code == 404


def test_objection_page_shows_the_answer_for_the_persons_level(as_viewer, campaign, users):
    boss = person(campaign, users["lead"], "Bea Boss", level=Level.executive)
    raised = objection(campaign, users["lead"], boss, "cost-value", "Show me the money")
    db.session.commit()
    html = as_viewer.get(
        f"/campaigns/collaboration-platform-rollout/objections/{raised.id}").get_data(as_text=True)
    assert "How to answer an executive" in html
    assert "hundreds of millions in travel" in html
    assert "Name the one thing costing your team" not in html  # the manager's answer
