"""Turning a document's own metadata (names, dates) into CSL fields."""

from __future__ import annotations

import re

DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def csl_date(text: str) -> dict | None:
    """`2017-12-05` (or a longer ISO stamp, or `D:20171205…` from a PDF) as CSL date-parts."""
    text = text.strip().removeprefix("D:")
    if re.fullmatch(r"\d{8}.*", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:8]}"
    match = DATE.match(text)
    if not match:
        return None
    parts = [int(part) for part in match.groups() if part]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        parts = parts[:1]
    return {"date-parts": [parts]}


def csl_name(name: str) -> dict:
    """`Yaver Kazimbeyli` or `Kazimbeyli, Yaver` as {family, given}; one word is a family name."""
    name = " ".join(name.split())
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
    else:
        *given_words, family = name.split(" ")
        given = " ".join(given_words)
    return {"family": family, "given": given} if given else {"family": family}


def csl_authors(names: list[str]) -> list[dict]:
    return [csl_name(name) for name in names if name.strip()]


def split_names(text: str) -> list[str]:
    """`A. One; B. Two` or `A. One and B. Two` as a list of names."""
    parts = re.split(r"\s*(?:;|\band\b|&)\s*", text.strip())
    return [part for part in parts if part]
