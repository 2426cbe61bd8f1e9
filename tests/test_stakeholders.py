"""The stakeholder list, who may do what, and adding, editing, archiving people."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent, Engagement, Level, Stakeholder, Stance, StanceChange
from app.stakeholders.operations import add_stakeholder
from tests.factories import conversation, person


def url(campaign, path: str = "") -> str:
    return f"/campaigns/{campaign.slug}/stakeholders/{path}"


def names_in(html: str, candidates) -> list[str]:
    """Which of the candidate names appear as links on the page, in page order."""
    found = [(html.find(f">{name}</a>"), name) for name in candidates]
    return [name for position, name in sorted(found) if position >= 0]


def row_counts() -> dict:
    return {
        model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Stakeholder, Engagement, StanceChange, AuditEvent)
    }


@pytest.fixture
def team(campaign, users):
    """A small campaign population with distinct levels, departments, stances and owners."""
    lead, champion = users["lead"], users["champion"]
    people = {
        "Ada Ng": person(campaign, lead, "Ada Ng", level=Level.executive, stance=Stance.sceptic,
                         department="Finance", title="Chief Financial Officer", influence=5,
                         owner=lead),
        "Ben Ortiz": person(campaign, lead, "Ben Ortiz", level=Level.manager,
                            stance=Stance.supporter, department="IT", title="Head of Support",
                            influence=2, owner=champion),
        "Cleo Park": person(campaign, lead, "Cleo Park", level=Level.worker,
                            stance=Stance.blocker, department="HR", title="Comms adviser",
                            influence=4),
        "Dan Quill": person(campaign, lead, "Dan Quill", level=Level.worker,
                            stance=Stance.unknown, department="IT", title="Engineer",
                            influence=1, owner=champion),
    }
    now = datetime.now(UTC)
    conversation(campaign, champion, people["Ben Ortiz"], when=now - timedelta(days=2))
    conversation(campaign, champion, people["Ada Ng"], when=now - timedelta(days=40))
    db.session.commit()
    return people


# --- the list ---------------------------------------------------------------------------


def test_list_shows_people_with_their_stance_owner_and_last_contact(as_viewer, campaign, team):
    html = as_viewer.get(url(campaign)).get_data(as_text=True)
    assert names_in(html, team) == ["Ada Ng", "Ben Ortiz", "Cleo Park", "Dan Quill"]
    assert "Chief Financial Officer" in html
    assert "stance-sceptic" in html and "2 days ago" in html and "never" in html
    assert "Champion" in html  # Ben's owner


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=ortiz", ["Ben Ortiz"]),
        ("q=CHIEF", ["Ada Ng"]),  # title, any case
        ("q=cleo.park", ["Cleo Park"]),  # email
        ("level=worker", ["Cleo Park", "Dan Quill"]),
        ("department=it", ["Ben Ortiz", "Dan Quill"]),
        ("stance=blocker", ["Cleo Park"]),
        ("owner=none", ["Cleo Park"]),
        ("owner=me", ["Ben Ortiz", "Dan Quill"]),  # signed in as the champion
        ("not_contacted=30", ["Ada Ng", "Cleo Park", "Dan Quill"]),
        ("level=worker&department=IT", ["Dan Quill"]),
        ("q=%25", []),  # a literal percent sign matches nothing rather than everything
    ],
)
def test_list_filters(as_champion, campaign, team, query, expected):
    response = as_champion.get(url(campaign, f"?{query}"))
    assert response.status_code == 200
    assert names_in(response.get_data(as_text=True), team) == expected


def test_owner_filter_by_user_id(as_viewer, campaign, team, users):
    html = as_viewer.get(url(campaign, f"?owner={users['lead'].id}")).get_data(as_text=True)
    assert names_in(html, team) == ["Ada Ng"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("level=overlord", "Unknown level"),
        ("stance=ecstatic", "Unknown stance"),
        ("owner=99999", "Unknown owner"),
        ("owner=abc", "Unknown owner"),
        ("not_contacted=soon", "needs a number of days"),
        ("not_contacted=-3", "needs a number of days"),
        ("department=Astrology", "No one in this campaign is in the department"),
        ("sort=salary", "Unknown sort"),
        ("page=abc", None),
    ],
)
def test_unknown_filter_values_are_ignored_with_a_message(as_viewer, campaign, team, query,
                                                          message):
    response = as_viewer.get(url(campaign, f"?{query}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert names_in(html, team) == ["Ada Ng", "Ben Ortiz", "Cleo Park", "Dan Quill"]
    if message:
        assert message in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Ada Ng", "Ben Ortiz", "Cleo Park", "Dan Quill"]),
        ("-name", ["Dan Quill", "Cleo Park", "Ben Ortiz", "Ada Ng"]),
        ("level", ["Ada Ng", "Ben Ortiz", "Cleo Park", "Dan Quill"]),
        ("department", ["Ada Ng", "Cleo Park", "Ben Ortiz", "Dan Quill"]),
        # Not yet assessed first, then along the scale from blocker to champion.
        ("stance", ["Dan Quill", "Cleo Park", "Ada Ng", "Ben Ortiz"]),
        ("-influence", ["Ada Ng", "Cleo Park", "Ben Ortiz", "Dan Quill"]),
        # Never contacted counts as longest ago.
        ("last_contact", ["Cleo Park", "Dan Quill", "Ada Ng", "Ben Ortiz"]),
        ("-last_contact", ["Ben Ortiz", "Ada Ng", "Cleo Park", "Dan Quill"]),
    ],
)
def test_list_sorting(as_viewer, campaign, team, sort, expected):
    html = as_viewer.get(url(campaign, f"?sort={sort}")).get_data(as_text=True)
    assert names_in(html, team) == expected


def test_sort_headers_keep_filters_and_reverse(as_viewer, campaign, team):
    html = as_viewer.get(url(campaign, "?level=worker&sort=name")).get_data(as_text=True)
    assert "level=worker&amp;sort=-name" in html


def test_pagination_fifty_to_a_page_without_overlap(as_viewer, campaign, users):
    for n in range(120):
        person(campaign, users["lead"], f"Member {n:03d}")
    db.session.commit()
    pages = []
    for number in (1, 2, 3):
        html = as_viewer.get(url(campaign, f"?page={number}")).get_data(as_text=True)
        pages.append([f"Member {n:03d}" for n in range(120) if f">Member {n:03d}</a>" in html])
    assert [len(page) for page in pages] == [50, 50, 20]
    assert sorted(sum(pages, [])) == [f"Member {n:03d}" for n in range(120)]
    assert "120 in all" in html
    beyond = as_viewer.get(url(campaign, "?page=9"))
    assert beyond.status_code == 200 and "There is no page 9" in beyond.get_data(as_text=True)


def test_archived_people_leave_the_list_and_pickers_unless_asked(as_champion, campaign, team):
    cleo = team["Cleo Park"]
    assert as_champion.post(url(campaign, f"{cleo.stakeholder_id}/archive")).status_code == 302
    html = as_champion.get(url(campaign)).get_data(as_text=True)
    assert "Cleo Park" not in names_in(html, team)
    html = as_champion.get(url(campaign, "?archived=1")).get_data(as_text=True)
    assert "Cleo Park" in names_in(html, team) and "Archived" in html
    picked = json.loads(as_champion.get(url(campaign, "search.json?q=cleo")).data)
    assert picked == []


# --- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "lead", "champion", "viewer"])
def test_every_role_can_read(login_as, campaign, team, role, through_job):
    client = login_as(role)
    assert client.get(url(campaign)).status_code == 200
    assert client.get(url(campaign, str(team["Ada Ng"].stakeholder_id))).status_code == 200
    assert through_job(client, url(campaign, "export.csv")).file.status_code == 200


def test_viewer_cannot_change_anything(as_viewer, campaign, team):
    ada = team["Ada Ng"].stakeholder_id
    before = row_counts()
    html = as_viewer.get(url(campaign)).get_data(as_text=True)
    assert "Add stakeholder" not in html
    assert as_viewer.get(url(campaign, "new")).status_code == 403
    assert as_viewer.post(url(campaign, "new"), data=valid_form()).status_code == 403
    assert as_viewer.get(url(campaign, f"{ada}/edit")).status_code == 403
    assert as_viewer.post(url(campaign, f"{ada}/edit"), data=valid_form()).status_code == 403
    assert as_viewer.post(url(campaign, f"{ada}/archive")).status_code == 403
    assert as_viewer.post(url(campaign, f"{ada}/restore")).status_code == 403
    assert as_viewer.get(url(campaign, "import")).status_code == 403
    assert row_counts() == before


def test_outsider_gets_404(as_outsider, campaign, team):
    assert as_outsider.get(url(campaign)).status_code == 404
    assert as_outsider.get(url(campaign, str(team["Ada Ng"].stakeholder_id))).status_code == 404
    assert as_outsider.post(url(campaign, "export.csv")).status_code == 404


def test_person_of_another_campaign_is_404_here(as_admin, campaign, other_campaign, users, team):
    stranger = person(other_campaign, users["outsider"], "Stranger")
    db.session.commit()
    sid = stranger.stakeholder_id
    assert as_admin.get(url(other_campaign, str(sid))).status_code == 200
    assert as_admin.get(url(campaign, str(sid))).status_code == 404
    assert as_admin.get(url(campaign, f"{sid}/edit")).status_code == 404
    assert as_admin.post(url(campaign, f"{sid}/archive")).status_code == 404
    assert as_admin.get(url(campaign, "999999")).status_code == 404


# --- add and edit -------------------------------------------------------------------------


def valid_form(**changes) -> dict:
    form = {
        "name": "Erin Fox",
        "email": "Erin.Fox@example.org",
        "title": "Regional manager",
        "department": "Sales",
        "level": "manager",
        "reports_to": "",
        "influence": "4",
        "stance": "neutral",
        "target_stance": "champion",
        "interest": "2",
        "owner_id": "",
    }
    form.update(changes)
    return form


def test_champion_adds_a_stakeholder(as_champion, campaign, team, users):
    ada = team["Ada Ng"].stakeholder
    response = as_champion.post(url(campaign, "new"), data=valid_form(
        reports_to=ada.email.upper(), owner_id=str(users["champion"].id)))
    assert response.status_code == 302
    erin = db.session.scalar(db.select(Stakeholder).filter_by(email="erin.fox@example.org"))
    assert erin.reports_to_id == ada.id and erin.influence == 4 and erin.level is Level.manager
    engagement = erin.engagements[0]
    assert (engagement.stance, engagement.target_stance, engagement.interest,
            engagement.owner_id) == (Stance.neutral, Stance.champion, 2, users["champion"].id)
    assert response.headers["Location"].endswith(url(campaign, str(erin.id)))
    actions = db.session.scalars(db.select(AuditEvent.entity_type).filter_by(
        stakeholder_id=erin.id, action="create")).all()
    assert sorted(actions) == ["engagement", "stakeholder"]


def test_new_form_offers_departments_and_owners(as_champion, campaign, team):
    html = as_champion.get(url(campaign, "new")).get_data(as_text=True)
    assert '<datalist id="department-options">' in html and '<option value="Finance">' in html
    assert 'list="manager-options"' in html and "search.json" in html
    assert ">Champion</option>" in html and ">Lead</option>" in html
    assert ">Viewer</option>" not in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required"),
        ({"name": "x" * 121}, "name", "longer than 120"),
        ({"email": "not-an-email"}, "email", "not an email address"),
        ({"email": "x" * 250 + "@example.org"}, "email", ""),
        ({"title": "t" * 121}, "title", ""),
        ({"department": "d" * 81}, "department", ""),
        ({"level": "overlord"}, "level", "could not coerce"),
        ({"stance": "ecstatic"}, "stance", "could not coerce"),
        ({"target_stance": ""}, "target_stance", ""),
        ({"influence": "6"}, "influence", "Not a valid choice"),
        ({"influence": "0"}, "influence", "Not a valid choice"),
        ({"influence": "lots"}, "influence", "could not coerce"),
        ({"interest": "9"}, "interest", "Not a valid choice"),
        ({"owner_id": "999"}, "owner_id", "Not a valid choice"),
        ({"reports_to": "nobody@example.org"}, "reports_to", "No one in this campaign"),
    ],
)
def test_bad_input_on_add_writes_nothing(as_champion, campaign, team, changes, field, message):
    before = row_counts()
    response = as_champion.post(url(campaign, "new"), data=valid_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert row_counts() == before
    assert f'id="{field}"' in html and "is-invalid" in html
    assert message in html
    assert 'value="Regional manager"' in html or field == "title"  # what was typed stays


def test_duplicate_email_in_this_campaign_any_case(as_champion, campaign, team):
    before = row_counts()
    email = team["Ada Ng"].stakeholder.email.upper()
    response = as_champion.post(url(campaign, "new"), data=valid_form(email=email))
    assert response.status_code == 400
    assert "already has this email and is in this campaign" in response.get_data(as_text=True)
    assert row_counts() == before


def test_email_of_someone_in_another_campaign_makes_this_campaigns_own_record(
    as_champion, campaign, other_campaign, users, team
):
    stranger = person(other_campaign, users["outsider"], "Sam Stranger", title="Architect")
    db.session.commit()
    response = as_champion.post(url(campaign, "new"),
                                data=valid_form(email=stranger.stakeholder.email))
    assert response.status_code == 302
    html = as_champion.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sam Stranger" not in html and "Architect" not in html
    ours = db.session.scalar(db.select(Stakeholder).filter_by(
        campaign_id=campaign.id, email=stranger.stakeholder.email))
    assert ours is not None and ours.id != stranger.stakeholder_id
    assert [e.campaign_id for e in ours.engagements] == [campaign.id]
    # The other campaign's record and standing are untouched.
    db.session.expire_all()
    assert stranger.stakeholder.name == "Sam Stranger" and stranger.campaign_id == other_campaign.id
    assert [e.id for e in stranger.stakeholder.engagements] == [stranger.id]


def test_edit_changes_person_and_stance_with_a_reason(as_champion, campaign, team, users):
    ada = team["Ada Ng"]
    response = as_champion.post(url(campaign, f"{ada.stakeholder_id}/edit"), data=valid_form(
        name="Ada Ng-Lowe", email=ada.stakeholder.email, level="executive", stance="supporter",
        target_stance="champion", stance_reason="Saw the channel-training numbers",
        owner_id=str(users["lead"].id)))
    assert response.status_code == 302
    db.session.expire_all()
    assert ada.stakeholder.name == "Ada Ng-Lowe" and ada.stance is Stance.supporter
    move = db.session.scalar(db.select(StanceChange).filter_by(
        engagement_id=ada.id, to_stance=Stance.supporter))
    assert move.from_stance is Stance.sceptic
    assert move.reason == "Saw the channel-training numbers"
    assert move.changed_by_id == users["champion"].id


def test_edit_form_is_prefilled(as_champion, campaign, team):
    dan = team["Dan Quill"]
    ben = team["Ben Ortiz"]
    dan.stakeholder.reports_to_id = ben.stakeholder_id
    db.session.commit()
    html = as_champion.get(url(campaign, f"{dan.stakeholder_id}/edit")).get_data(as_text=True)
    assert 'value="Dan Quill"' in html and f'value="{ben.stakeholder.email}"' in html
    assert "Why did the stance change?" in html


def test_reporting_loop_is_refused(as_champion, campaign, team):
    ada, ben, cleo = team["Ada Ng"], team["Ben Ortiz"], team["Cleo Park"]
    ben.stakeholder.reports_to_id = ada.stakeholder_id
    cleo.stakeholder.reports_to_id = ben.stakeholder_id
    db.session.commit()
    before = row_counts()
    for reports_to in (cleo.stakeholder.email, ada.stakeholder.email):
        response = as_champion.post(url(campaign, f"{ada.stakeholder_id}/edit"), data=valid_form(
            name="Ada Ng", email=ada.stakeholder.email, level="executive",
            reports_to=reports_to))
        assert response.status_code == 400
        assert "would make a loop" in response.get_data(as_text=True)
    assert row_counts() == before
    db.session.expire_all()
    assert ada.stakeholder.reports_to_id is None and ada.stance is Stance.sceptic


def test_edit_to_a_taken_email_writes_nothing(as_champion, campaign, team):
    ada, ben = team["Ada Ng"], team["Ben Ortiz"]
    before = row_counts()
    response = as_champion.post(url(campaign, f"{ada.stakeholder_id}/edit"), data=valid_form(
        name="Changed", email=ben.stakeholder.email, level="executive", stance="champion"))
    assert response.status_code == 400
    assert row_counts() == before
    db.session.expire_all()
    assert ada.stakeholder.name == "Ada Ng" and ada.stance is Stance.sceptic


def test_archive_and_restore_are_audited_and_shown(as_champion, campaign, team, users):
    ben = team["Ben Ortiz"]
    sid = ben.stakeholder_id
    assert as_champion.post(url(campaign, f"{sid}/archive")).status_code == 302
    html = as_champion.get(url(campaign, str(sid))).get_data(as_text=True)
    assert "Archived" in html and f'action="{url(campaign, f"{sid}/restore")}"' in html
    assert "Head of Support" in html  # the page stays
    assert as_champion.post(url(campaign, f"{sid}/restore")).status_code == 302
    events = db.session.execute(db.select(AuditEvent.action, AuditEvent.user_id).filter_by(
        stakeholder_id=sid, entity_type="engagement").where(
        AuditEvent.action.in_(["archive", "restore"])).order_by(AuditEvent.id)).all()
    assert events == [("archive", users["champion"].id), ("restore", users["champion"].id)]
    db.session.expire_all()
    assert ben.archived_at is None
    assert "Ben Ortiz" in names_in(as_champion.get(url(campaign)).get_data(as_text=True), team)


def test_search_json_keeps_its_shape(as_viewer, campaign, team):
    rows = json.loads(as_viewer.get(url(campaign, "search.json?q=ben")).data)
    assert len(rows) == 1
    assert set(rows[0]) == {"engagement_id", "stakeholder_id", "name", "email", "title",
                            "department", "level", "stance", "stance_label"}


def test_forms_carry_csrf_tokens(app, as_champion, campaign, team):
    app.config["WTF_CSRF_ENABLED"] = True
    sid = team["Ada Ng"].stakeholder_id
    for path in ("new", f"{sid}/edit", "import", str(sid)):
        html = as_champion.get(url(campaign, path)).get_data(as_text=True)
        assert 'name="csrf_token"' in html, path
    assert as_champion.post(url(campaign, f"{sid}/archive")).status_code == 400
    db.session.expire_all()
    assert team["Ada Ng"].archived_at is None


def test_add_stakeholder_operation_lowercases_email(campaign, users):
    engagement = add_stakeholder(campaign, users["lead"], {
        "name": "Zed", "email": " Zed@Example.ORG ", "level": Level.worker})
    assert engagement.stakeholder.email == "zed@example.org"
