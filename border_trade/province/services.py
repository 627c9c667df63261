"""Linkage groups and targets: who sees and writes which, and each target's actual figure and progress.

Visibility: admins see every group and target; province officers and viewers those of their province (the
provinces merged into it included): a group when one of its members is theirs, a target when its province is.
Writes: admins everything; province officers groups that include their province (a group they create or edit
must keep it) and targets of their province; anything else they cannot see answers 404, a viewer's write 403.
"""

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.services import record
from ..auth.permissions import province_ids, require
from ..enums import Role
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..gates.models import Province
from ..reports.services.ocop import target_actual
from .models import LinkageGroup, Target, TargetMetric, linkage_group_members


def _is_admin(user):
    return user.role is Role.ADMIN


def _territory(user):
    return set() if user.province_id is None else province_ids(user)


# --- linkage groups -------------------------------------------------------------------------------------------


def groups_query(user):
    require(user, "report.read")
    query = sa.select(LinkageGroup).order_by(LinkageGroup.name, LinkageGroup.id)
    if not _is_admin(user):
        mine = sa.select(linkage_group_members.c.group_id).where(
            linkage_group_members.c.province_id.in_(sorted(_territory(user)))
        )
        query = query.where(LinkageGroup.id.in_(mine))
    return query


def list_groups(user):
    return list(db.session.scalars(groups_query(user)))


def group_or_404(user, group_id):
    group = db.session.scalar(groups_query(user).where(LinkageGroup.id == group_id))
    if group is None:
        raise NotFound(_("No such linkage group."))
    return group


def _members(user, codes):
    """Resolve member codes (historic ones allowed); 422 naming `provinces` for unknown or missing own."""
    wanted = list(dict.fromkeys((code or "").strip().upper() for code in codes))
    if not wanted:
        raise Invalid(errors={"provinces": [_("Give at least one province.")]})
    found = {
        p.code: p
        for p in db.session.scalars(sa.select(Province).where(Province.code.in_(wanted), Province.country_code == "VN"))
    }
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise Invalid(errors={"provinces": [_("Unknown province: %(codes)s.", codes=", ".join(unknown))]})
    provinces = [found[code] for code in wanted]
    if not _is_admin(user) and not {p.id for p in provinces} & _territory(user):
        raise Invalid(errors={"provinces": [_("The group must include your province.")]})
    return provinces


def _snapshot(group):
    return {"name": group.name, "provinces": [p.code for p in group.provinces]}


def create_group(user, data):
    require(user, "province.write")
    group = LinkageGroup(name=data["name"].strip(), created_by_id=user.id, provinces=_members(user, data["provinces"]))
    db.session.add(group)
    db.session.flush()
    record("linkage_group.create", actor=user, obj=group, after=_snapshot(group))
    db.session.commit()
    return group


def update_group(user, group_id, data):
    require(user, "province.write")
    group = group_or_404(user, group_id)
    before = _snapshot(group)
    if "name" in data:
        group.name = data["name"].strip()
    if "provinces" in data:
        group.provinces = _members(user, data["provinces"])
    record("linkage_group.update", actor=user, obj=group, before=before, after=_snapshot(group))
    db.session.commit()
    return group


def delete_group(user, group_id):
    require(user, "province.write")
    group = group_or_404(user, group_id)
    record("linkage_group.delete", actor=user, obj=group, before=_snapshot(group))
    db.session.delete(group)
    db.session.commit()


# --- targets --------------------------------------------------------------------------------------------------


def targets_query(user, *, year=None, province=None):
    require(user, "report.read")
    query = sa.select(Target).join(Target.province).order_by(Target.year.desc(), Province.code, Target.metric)
    if not _is_admin(user):
        query = query.where(Target.province_id.in_(sorted(_territory(user))))
    if year is not None:
        query = query.where(Target.year == year)
    if province:
        query = query.where(Province.code == province.strip().upper())
    return query


def progress(actual, target):
    """actual ÷ target, capped at 1 (a target exceeded shows full), four decimals."""
    if not target:
        return 0.0
    ratio = Decimal(actual) / Decimal(target)
    return float(min(ratio, Decimal(1)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def with_progress(target):
    """Attach `actual` (the province's figure for the year so far) and `progress` to a target."""
    target.actual = target_actual(target.province, target.year, target.metric.value)
    target.progress = progress(target.actual, target.target)
    return target


def list_targets(user, *, year=None, province=None):
    return [with_progress(t) for t in db.session.scalars(targets_query(user, year=year, province=province))]


def target_or_404(user, target_id):
    target = db.session.scalar(targets_query(user).where(Target.id == target_id))
    if target is None:
        raise NotFound(_("No such target."))
    return target


def _target_province(user, code):
    province = db.session.scalar(sa.select(Province).where(Province.code == (code or "").strip().upper()))
    if province is None or province.country_code != "VN":
        raise Invalid(errors={"province": [_("Unknown province.")]})
    if province.valid_to is not None:
        raise Invalid(errors={"province": [_("This province was merged: set the target of today's province.")]})
    if not _is_admin(user) and province.id not in _territory(user):
        raise Forbidden(_("This province is outside your scope."))
    return province


def _duplicate():
    return Conflict(
        _("This province already has a target for this metric and year."),
        errors={"metric": [_("Already set for this year.")]},
    )


def _target_snapshot(target):
    return {
        "year": target.year,
        "province": target.province.code,
        "metric": target.metric.value,
        "target": str(target.target),
    }


def create_target(user, data):
    require(user, "province.write")
    province = _target_province(user, data["province"])
    metric = TargetMetric(data["metric"])
    exists = sa.select(Target.id).where(
        Target.year == data["year"], Target.province_id == province.id, Target.metric == metric
    )
    if db.session.scalar(exists) is not None:
        raise _duplicate()
    target = Target(year=data["year"], province=province, metric=metric, target=data["target"])
    db.session.add(target)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise _duplicate() from None
    record("target.create", actor=user, obj=target, after=_target_snapshot(target))
    db.session.commit()
    return with_progress(target)


def update_target(user, target_id, data):
    require(user, "province.write")
    target = target_or_404(user, target_id)
    before = _target_snapshot(target)
    if "target" in data:
        target.target = data["target"]
    record("target.update", actor=user, obj=target, before=before, after=_target_snapshot(target))
    db.session.commit()
    return with_progress(target)


def delete_target(user, target_id):
    require(user, "province.write")
    target = target_or_404(user, target_id)
    record("target.delete", actor=user, obj=target, before=_target_snapshot(target))
    db.session.delete(target)
    db.session.commit()


def seed_targets(province_code, year, figures):
    """Set a province's targets for a year (demo): {metric: target}; existing ones are left as they are."""
    province = db.session.scalar(sa.select(Province).where(Province.code == province_code))
    if province is None:
        return 0
    made = 0
    for metric, value in figures.items():
        exists = sa.select(Target.id).where(
            Target.year == year, Target.province_id == province.id, Target.metric == TargetMetric(metric)
        )
        if db.session.scalar(exists) is None:
            db.session.add(Target(year=year, province=province, metric=TargetMetric(metric), target=Decimal(value)))
            made += 1
    return made
