"""A stakeholder's page: header, timeline, side panels, audit trail, and its cost in SQL."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.conversations.operations import FollowUpInput, ObjectionInput
from app.extensions import db
from app.models import Exposure, KeyMessage, Level, Stance
from app.objections.operations import change_objection_status
from app.stakeholders.operations import add_stakeholder, archive_engagement
from tests.factories import conversation, person, theme


def url(campaign, path: str = "") -> str:
    return f"/campaigns/{campaign.slug}/stakeholders/{path}"


def hear(engagement, conversation, *, key_message=None, case_study_slug=None) -> None:
    """Record that the person heard a message or case study in a conversation."""
    db.session.add(Exposure(campaign_id=engagement.campaign_id, engagement_id=engagement.id,
                            key_message_id=key_message.id if key_message else None,
                            case_study_slug=case_study_slug, conversation_id=conversation.id,
                            exposed_at=conversation.occurred_at))


@pytest.fixture
def story(campaign, users):
    """Grace, a sceptical manager, her boss and reports, and what happened with her."""
    lead, champion = users["lead"], users["champion"]
    boss = person(campaign, lead, "Helen Boss", level=Level.executive, stance=Stance.blocker)
    grace = person(campaign, lead, "Grace Hill", level=Level.manager, stance=Stance.sceptic,
                   department="Legal", title="Head of Compliance", influence=4,
                   reports_to=boss, owner=champion)
    report = person(campaign, lead, "Ivan Report", stance=Stance.supporter, reports_to=grace)
    message = KeyMessage(campaign_id=campaign.id, level=Level.manager,
                         title="Fewer status meetings", body="")
    db.session.add(message)
    db.session.flush()
    now = datetime.now(UTC)
    first = conversation(
        campaign, champion, grace, report, when=now - timedelta(days=20),
        subject="Compliance walkthrough", stances={grace: Stance.neutral},
        objections=[ObjectionInput(grace, theme(campaign, "leakage-compliance"),
                                   "Client data could end up in an open group")],
        follow_ups=[FollowUpInput("Send the retention policy", date.today() - timedelta(days=3),
                                  owner_id=champion.id, engagement=grace)],
    )
    demo = conversation(
        campaign, lead, grace, when=now - timedelta(days=5), subject="Demo of the pilot space",
        stances={grace: Stance.supporter},
        objections=[ObjectionInput(grace, theme(campaign, "time-wasting"), "Another inbox")],
        follow_ups=[FollowUpInput("Invite her team to the pilot", date.today() + timedelta(days=7),
                                  owner_id=lead.id, engagement=grace)],
    )
    coffee = conversation(campaign, champion, grace, when=now - timedelta(days=1),
                          subject="Coffee")
    for talk in (first, demo, coffee):
        hear(grace, talk, case_study_slug="cisco-channel-training")
    for talk in (first, demo):
        hear(grace, talk, key_message=message)
    answered = first.objections[0]
    change_objection_status(answered, answered.status.__class__.answered, lead, note="Policy sent",
                            at=datetime.now(UTC))
    db.session.commit()
    return {"grace": grace, "boss": boss, "report": report, "first": first}


def test_header_shows_where_the_person_stands(as_viewer, campaign, story):
    html = as_viewer.get(url(campaign, str(story["grace"].stakeholder_id))).get_data(as_text=True)
    assert "Grace Hill" in html and "Head of Compliance" in html and "Legal" in html
    assert "Manager" in html and "4 of 5" in html
    assert "stance-supporter" in html  # now
    assert "Champion" in html  # owner
    assert "yesterday" in html  # last contact


def test_timeline_merges_conversations_stance_moves_and_objections(as_viewer, campaign, story):
    html = as_viewer.get(url(campaign, str(story["grace"].stakeholder_id))).get_data(as_text=True)
    start = html.index('class="timeline')
    timeline = html[start:html.index("</ol>", start)]
    # Newest first.
    order = [timeline.index(text) for text in
             ("Coffee", "Demo of the pilot space", "Another inbox", "Compliance walkthrough",
              "Joined the campaign at")]
    assert order == sorted(order)
    link = f'/campaigns/{campaign.slug}/conversations/{story["first"].id}'
    assert f'href="{link}"' in timeline
    assert "Client data could end up in an open group" in timeline
    assert "status-answered" in timeline  # objection with its status
    # The move a conversation made shows inside that conversation's entry, with who and why.
    entry = timeline[timeline.index("Compliance walkthrough"):]
    entry = entry[:entry.index("</li>")]
    assert "stance-sceptic" in entry and "stance-neutral" in entry and "After one-to-one" in entry
    assert "Lead" in timeline  # who logged / moved


def test_a_move_made_on_the_form_stands_alone_in_the_timeline(as_champion, campaign, story,
                                                               users):
    from app.stakeholders.operations import change_stance

    grace = story["grace"]
    change_stance(grace, Stance.champion, users["lead"], reason="Read the business case",
                  at=datetime.now(UTC))
    db.session.commit()
    html = as_champion.get(url(campaign, str(grace.stakeholder_id))).get_data(as_text=True)
    timeline = html[html.index('class="timeline'):]
    first = timeline[:timeline.index("</li>")]
    assert "gs-stance" in first and "Read the business case" in first
    assert "stance-supporter" in first and "stance-champion" in first


def test_side_panels(as_viewer, campaign, story):
    html = as_viewer.get(url(campaign, str(story["grace"].stakeholder_id))).get_data(as_text=True)
    objections = html[html.index("Open objections"):html.index("Open follow-ups")]
    assert "Another inbox" in objections and "Client data" not in objections  # answered one
    follow_ups = html[html.index("Open follow-ups"):html.index("Reporting line")]
    assert "Overdue" in follow_ups and "Send the retention policy" in follow_ups
    assert "gs-overdue" in follow_ups and "Invite her team" in follow_ups
    network = html[html.index("Reporting line"):html.index('id="heard-title"')]
    assert "Helen Boss" in network and "stance-blocker" in network
    assert "Ivan Report" in network and "stance-supporter" in network
    heard = html[html.index('id="heard-title"'):]
    assert "Cisco</strong> case\n          3 times" in heard
    assert "Fewer status meetings</strong>\n          twice" in heard


@pytest.mark.parametrize(("role", "sees"), [("lead", True), ("admin", True),
                                           ("champion", False), ("viewer", False)])
def test_audit_trail_for_leads_only(login_as, campaign, story, role, sees):
    html = login_as(role).get(url(campaign, str(story["grace"].stakeholder_id))).get_data(
        as_text=True)
    assert ("Audit trail" in html) is sees
    if sees:
        trail = html.split("Audit trail")[1]
        assert "Head of Compliance" in trail  # the create event
        assert "Sceptic → Neutral" in trail  # a stance change, by label
        assert "Champion" in trail  # owner_id shown as the owner's name


def test_audit_trail_leaves_out_other_campaigns(as_lead, campaign, other_campaign, users, story):
    from app.stakeholders.operations import add_stakeholder, update_engagement

    grace = story["grace"]
    # The other campaign's record of the same person, with its own history.
    elsewhere = add_stakeholder(other_campaign, users["outsider"], {
        "name": grace.stakeholder.name, "email": grace.stakeholder.email,
        "level": grace.stakeholder.level})
    update_engagement(elsewhere, users["outsider"],
                      {"interest": 5, "target_stance": Stance.champion}, now=datetime.now(UTC))
    db.session.commit()
    html = as_lead.get(url(campaign, str(grace.stakeholder_id))).get_data(as_text=True)
    assert "Olive Outsider" not in html.split("Audit trail")[1]


def test_archived_person_page_has_banner_and_history(as_champion, campaign, story, users):
    grace = story["grace"]
    archive_engagement(grace, users["lead"], now=datetime.now(UTC))
    db.session.commit()
    html = as_champion.get(url(campaign, str(grace.stakeholder_id))).get_data(as_text=True)
    assert "<strong>Archived</strong>" in html and ">Restore</button>" in html
    assert "Compliance walkthrough" in html


def test_quiet_person_page(as_viewer, campaign, users):
    quiet = person(campaign, users["lead"], "Quiet One")
    db.session.commit()
    html = as_viewer.get(url(campaign, str(quiet.stakeholder_id))).get_data(as_text=True)
    assert "None open." in html and "Nothing waiting." in html and "No manager recorded." in html
    assert "Never" in html


# --- cost in SQL statements --------------------------------------------------------------


def grow(campaign, users, grace, boss, count: int) -> None:
    """Add `count` people (reporting to Grace) and, per ten of them, a conversation with
    Grace raising an objection, moving her stance and leaving a follow-up."""
    lead = users["lead"]
    start = db.session.scalar(db.select(db.func.count()).select_from(KeyMessage)) or 0
    message = KeyMessage(campaign_id=campaign.id, level=Level.manager, title=f"Message {start}")
    db.session.add(message)
    db.session.flush()
    people = []
    for n in range(count):
        people.append(add_stakeholder(
            campaign, lead,
            {"name": f"Bulk {start}-{n}", "email": f"bulk.{start}.{n}@example.org",
             "level": Level.worker, "reports_to_id": grace.stakeholder_id,
             "department": f"Dept {n % 7}"},
            {"stance": list(Stance)[n % 6]},
        ))
    stances = [Stance.sceptic, Stance.neutral]
    now = datetime.now(UTC)
    for n in range(max(1, count // 10)):
        others = people[n * 5 % len(people):][:3]
        talk = conversation(
            campaign, lead, grace, *others,
            when=now - timedelta(days=300) + timedelta(minutes=n + start),
            subject=f"Talk {start}-{n}", stances={grace: stances[n % 2]},
            objections=[ObjectionInput(grace, theme(campaign, "fad"), f"Fad {n}")],
            follow_ups=[FollowUpInput(f"Do {n}", date.today(), owner_id=lead.id,
                                      engagement=grace)],
        )
        hear(grace, talk, key_message=message)
        hear(grace, talk, case_study_slug=f"study-{n % 4}")
    db.session.commit()


# Slow (a thousand people): over a minute after sign-in the next request records "last
# seen" on a connection of its own (app/auth/sessions.py `_write_apart`), which a rolled-back
# test's uncommitted session row is invisible to (so it would be written on every request).
@pytest.mark.commits
def test_same_number_of_statements_for_10_and_1000_people(as_lead, count_queries, campaign,
                                                          users):
    boss = person(campaign, users["lead"], "Boss")
    grace = person(campaign, users["lead"], "Grace", reports_to=boss)
    db.session.commit()
    pages = (url(campaign), url(campaign, "?sort=-last_contact&level=worker&q=bulk"),
             url(campaign, str(grace.stakeholder_id)))

    def measure() -> list[int]:
        counts = []
        for page in pages:
            as_lead.get(page)  # warm-up: the signed-in user is then already loaded
            with count_queries() as counter:
                response = as_lead.get(page)
            assert response.status_code == 200
            counts.append(counter.count)
        return counts

    grow(campaign, users, grace, boss, 10)
    small = measure()
    grow(campaign, users, grace, boss, 990)
    large = measure()
    assert db.session.scalar(db.select(db.func.count()).select_from(
        db.Model.metadata.tables["engagement"])) == 1002
    html = as_lead.get(pages[2]).get_data(as_text=True)
    assert "Showing the first 100 by name" in html  # the reports panel is capped
    assert small == large, (small, large)
    assert large[0] <= 10 and large[2] <= 16, large


def test_long_histories_are_cut_with_a_link_to_the_full_history(as_lead, campaign, users):
    from app.stakeholders import queries

    busy = person(campaign, users["lead"], "Busy Bee")
    for days in range(queries.TIMELINE_LIMIT + 5):
        conversation(campaign, users["lead"], busy,
                     when=datetime.now(UTC) - timedelta(days=days + 1))
    db.session.commit()
    page = as_lead.get(url(campaign, str(busy.stakeholder_id))).get_data(as_text=True)
    assert "Show the full history" in page
    full = as_lead.get(url(campaign, f"{busy.stakeholder_id}?history=all")).get_data(as_text=True)
    assert "Show the full history" not in full
    assert full.count("/conversations/") > page.count("/conversations/")
