"""The default playbook: the objections the seeds describe, with an answer per level.

A new campaign gets its own copy (seed_playbook) that its leads then edit. The slugs are
the keys case studies use in their `answers` front matter; do not rename them lightly.
"""

from app.extensions import db
from app.models import Campaign, Level, ObjectionTheme, PlaybookResponse

#: slug, name, what people say, {level: answer in Markdown}
DEFAULT_THEMES: list[tuple[str, str, str, dict[Level, str]]] = [
    ("security", "Data leaving the firewall", "", {}),
    ("time-wasting", "It will waste people's time", "", {}),
    ("loss-of-control", "Losing control of communication", "", {}),
    ("leakage-compliance", "Information leakage and compliance", "", {}),
    ("cost-value", "Cost and proof of value", "", {}),
    ("fad", "A fad, a shiny new toy", "", {}),
    ("personal-professional", "Personal and professional life colliding", "", {}),
    ("it-support-scale", "IT support and scalability", "", {}),
    ("knowing-culture", "A knowing culture, not a learning culture", "", {}),
]


def seed_playbook(campaign: Campaign) -> list[ObjectionTheme]:
    """Give a campaign its own copy of the default themes and answers."""
    themes = []
    for position, (slug, name, description, answers) in enumerate(DEFAULT_THEMES):
        theme = ObjectionTheme(
            campaign_id=campaign.id,
            slug=slug,
            name=name,
            description=description,
            position=position,
            responses=[
                PlaybookResponse(level=level, response=answers.get(level, "")) for level in Level
            ],
        )
        db.session.add(theme)
        themes.append(theme)
    db.session.flush()
    return themes
