"""The landmine check: words that put a given audience off, found in a briefing's text.

Matching is whole-word and case-insensitive. A word also matches its plain inflections
("game" finds games and gaming, "social" finds socially); a trailing * matches any ending
("disrupt*" finds disruptive). Phrases match across spaces and hyphens, and the longest
landmine wins where two overlap, so "social media" is reported once, not also as "social".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from app.models import Level

CONTEXT_CHARS = 40


@dataclass(frozen=True)
class Hit:
    """A landmine found in the text: how often, and where it first appears."""

    word: str
    suggestion: str
    reason: str
    count: int
    #: The first occurrence with a few words either side, e.g. "…our new social space…".
    context: str
    #: Where in a briefing it was found ("your introduction", "case study “…”"), in order.
    places: tuple[str, ...] = ()


def _forms(token: str) -> str:
    """A regex for one word and its plain inflections."""
    if token.endswith("*"):
        return re.escape(token[:-1]) + r"\w*"
    if not token.isalpha():
        return re.escape(token)
    forms = {token, token + "s", token + "es", token + "ing", token + "ed", token + "ly"}
    if token.endswith("e"):
        forms |= {token[:-1] + "ing", token[:-1] + "ed"}
    if token.endswith("y") and len(token) > 2 and token[-2] not in "aeiou":
        forms.add(token[:-1] + "ies")
    # Longest first so the regex engine prefers "gaming" over "gam".
    return "(?:" + "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)) + ")"


def landmine_pattern(word: str) -> re.Pattern:
    """The compiled pattern a landmine word matches."""
    tokens = [token for token in re.split(r"[\s\-]+", word.strip()) if token]
    if not tokens:
        raise ValueError("empty landmine word")
    body = r"[\s\-]+".join(
        [re.escape(token) for token in tokens[:-1]] + [_forms(tokens[-1])]
    )
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def applies_to(landmine, audience) -> bool:
    """Whether a landmine is one for this audience (a Level or its name)."""
    name = audience.name if isinstance(audience, Level) else str(audience)
    return name in (landmine.audiences or [])


def _context(text: str, start: int, end: int) -> str:
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)
    # Cut at word boundaries so the snippet does not start or end mid-word.
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    snippet = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + snippet + ("…" if right < len(text) else "")


def find_landmines(text: str, audience, landmines: Iterable) -> list["Hit"]:
    """Every landmine for `audience` in `text`, in order of first appearance."""
    candidates = []
    for landmine in landmines:
        if not applies_to(landmine, audience):
            continue
        try:
            pattern = landmine_pattern(landmine.word)
        except ValueError:
            continue
        for match in pattern.finditer(text):
            candidates.append((match.start(), match.end(), landmine))

    # Longest match first at each position; then keep only matches that do not overlap
    # one already kept, so a phrase and a word inside it are not both reported.
    candidates.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    kept: dict[int, list] = {}
    taken_until = -1
    order = []
    for start, end, landmine in candidates:
        if start < taken_until:
            continue
        taken_until = end
        key = id(landmine)
        if key not in kept:
            kept[key] = [landmine, 0, start, end]
            order.append(key)
        kept[key][1] += 1

    return [
        Hit(
            word=landmine.word.rstrip("*"),
            suggestion=landmine.suggestion,
            reason=landmine.reason,
            count=count,
            context=_context(text, start, end),
        )
        for landmine, count, start, end in (kept[key] for key in order)
    ]


def find_landmines_in(parts: Iterable[tuple[str, str]], audience, landmines) -> list[Hit]:
    """Every landmine for `audience` in a text made of named parts, e.g. ("your
    introduction", "…"): one Hit per word, counted over all parts, with the parts it is in."""
    landmines = list(landmines)
    merged: dict[str, Hit] = {}
    for place, text in parts:
        for hit in find_landmines(text, audience, landmines):
            first = merged.get(hit.word)
            if first is None:
                merged[hit.word] = replace(hit, places=(place,))
            else:
                places = first.places if place in first.places else (*first.places, place)
                merged[hit.word] = replace(first, count=first.count + hit.count, places=places)
    return list(merged.values())
