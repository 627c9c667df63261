"""Load the reference data shipped in border_trade/data/ (gates, provinces, HS codes); idempotent."""

import csv
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..gates.models import CounterpartGate, Country, Gate, GateStatus, GateType, Province
from ..shipments.models import HsCode

DATA = Path(__file__).resolve().parent.parent / "data"

COUNTRIES = [
    {"code": "VN", "name_vi": "Việt Nam", "name_km": "វៀតណាម", "name_en": "Viet Nam"},
    {"code": "KH", "name_vi": "Campuchia", "name_km": "កម្ពុជា", "name_en": "Cambodia"},
]


def read_csv(name):
    """Read one CSV file from border_trade/data as a list of dicts."""
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, key, values):
    """Insert or update one row by its natural key; return (row, changed)."""
    row = db.session.scalar(sa.select(model).filter_by(**key))
    if row is None:
        row = model(**key, **values)
        db.session.add(row)
        return row, True
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return row, changed


def _date(text):
    return date.fromisoformat(text) if text else None


def load_reference():
    """Load countries, provinces, gates and HS codes; return how many rows were added or changed."""
    changes = 0
    for country in COUNTRIES:
        changes += _upsert(Country, {"code": country["code"]}, {k: v for k, v in country.items() if k != "code"})[1]
    db.session.flush()

    provinces = {}
    rows = read_csv("provinces.csv")
    for row in rows:
        province, changed = _upsert(
            Province,
            {"code": row["code"]},
            {
                "country_code": row["country"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "name_km": row["name_km"] or None,
                "valid_from": _date(row["valid_from"]),
                "valid_to": _date(row["valid_to"]),
                "note": row["note"] or None,
            },
        )
        provinces[row["code"]] = province
        changes += changed
    db.session.flush()
    for row in rows:
        successor = provinces.get(row["successor_code"]) if row["successor_code"] else None
        province = provinces[row["code"]]
        if province.successor_id != (successor.id if successor else None):
            province.successor = successor
            changes += 1

    for row in read_csv("gates.csv"):
        counterpart = None
        if row["counterpart_code"]:
            counterpart, changed = _upsert(
                CounterpartGate,
                {"code": row["counterpart_code"]},
                {
                    "name_en": row["counterpart_name_en"],
                    "name_km": row["counterpart_name_km"] or None,
                    "province_id": provinces[row["counterpart_province_code"]].id
                    if row["counterpart_province_code"]
                    else None,
                },
            )
            changes += changed
            db.session.flush()
        existing = db.session.scalar(sa.select(Gate).filter_by(code=row["code"]))
        values = {
            "name_vi": row["name_vi"],
            "name_en": row["name_en"],
            "type": GateType(row["type"]),
            "country_code": "VN",
            "province_id": provinces[row["province_code"]].id,
            "former_province_id": provinces[row["former_province_code"]].id if row["former_province_code"] else None,
            "counterpart_id": counterpart.id if counterpart else None,
            "road_transport_pair": row["road_transport_pair"] == "yes",
            "opening_hours": row["opening_hours"] or None,
            "sources": row["verified"] or None,
            "note": row["note"] or None,
        }
        if existing is None:
            # status is operational data: set on first load only, then left to the admins
            values["status"] = GateStatus.OPEN
        changes += _upsert(Gate, {"code": row["code"]}, values)[1]

    for row in read_csv("hs_codes.csv"):
        changes += _upsert(
            HsCode,
            {"code": row["hs_code"]},
            {
                "hs6": row["hs6"],
                "chapter": row["chapter"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "name_km": row["name_km"] or None,
                "category": row["category"] or None,
                "ocop_group": row["ocop_group"] or None,
                "sources": row["source"] or None,
                "note": row["note"] or None,
            },
        )[1]
    db.session.commit()
    from ..documents.services import load_rule_set
    from ..quotas.services import load_quotas

    changes += load_quotas()
    db.session.commit()
    return changes + load_rule_set()
