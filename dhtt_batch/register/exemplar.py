"""One entry of `register list`: an exemplar (linked exemplars count as one) with its years,
criteria, titles and their decisions, and how far its model spread, year by year.

Plain data, importable without the database toolkit: `register list` on a SQLite register reads
the entries' stored JSON (summary.py) and never imports SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Title:
    year: int  # the year of the decision (the year first registered when it has no date)
    title: str
    decision_number: str | None
    decision_date: date | None
    issuer: str

    def decision(self) -> str:
        """'Quyết định số 112/QĐ-VPUBND ngày 20/12/2024 của Văn phòng UBND tỉnh Quảng Bình'."""
        parts = []
        if self.decision_number:
            parts.append(f"Quyết định số {self.decision_number}")
        if self.decision_date:
            parts.append(f"ngày {self.decision_date:%d/%m/%Y}")
        text = " ".join(parts) or "Không ghi quyết định"
        return f"{text}; {self.issuer}" if self.issuer else text


@dataclass(frozen=True)
class Spread:
    year: int
    criterion: str
    spread: str


@dataclass
class Exemplar:
    id: int  # the group's id (its smallest exemplar id)
    ids: list[int]
    name: str  # as written the last year it was registered
    unit: str
    unit_code: str
    kind: str  # collective, individual
    kind_label: str
    birth_year: int | None
    years: list[int]
    criteria: list[str]
    units: list[str] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    spread: list[Spread] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The entry of `register list --json`. The register keeps it (summary.py): a change
        to what it says needs kept.FORMAT raised, so stored entries are rebuilt."""
        return {
            "id": self.id,
            "ids": self.ids,
            "name": self.name,
            "unit": self.unit,
            "unit_code": self.unit_code,
            "units": self.units,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "birth_year": self.birth_year,
            "years": self.years,
            "criteria": self.criteria,
            "titles": [
                {
                    "year": t.year,
                    "title": t.title,
                    "decision_number": t.decision_number,
                    "decision_date": t.decision_date.isoformat() if t.decision_date else None,
                    "issuer": t.issuer,
                }
                for t in self.titles
            ],
            "spread": [
                {"year": s.year, "criterion": s.criterion, "spread": s.spread} for s in self.spread
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Exemplar:
        """The inverse of `as_json`."""
        return cls(
            id=data["id"],
            ids=data["ids"],
            name=data["name"],
            unit=data["unit"],
            unit_code=data["unit_code"],
            kind=data["kind"],
            kind_label=data["kind_label"],
            birth_year=data["birth_year"],
            years=data["years"],
            criteria=data["criteria"],
            units=data["units"],
            titles=[
                Title(
                    t["year"],
                    t["title"],
                    t["decision_number"],
                    date.fromisoformat(t["decision_date"]) if t["decision_date"] else None,
                    t["issuer"],
                )
                for t in data["titles"]
            ],
            spread=[Spread(s["year"], s["criterion"], s["spread"]) for s in data["spread"]],
        )
