"""What the permission matrix's rows of the province's workspace need: a TAY-NINH linkage group and target made on
first use (kept in `world.extra`), and the request bodies."""

from decimal import Decimal

from border_trade.extensions import db
from border_trade.province.models import LinkageGroup, Target, TargetMetric
from tests.factories import get_province

GROUP = {"name": "Liên kết OCOP", "provinces": ["TAY-NINH", "LONG-AN", "TIEN-GIANG"]}
TARGET = {"year": 2026, "province": "TAY-NINH", "metric": "trucks", "target": "120"}


def group_id(world):
    if "linkage_group" not in world.extra:
        group = LinkageGroup(
            name="Tây Ninh – Đồng Tháp", provinces=[get_province("TAY-NINH"), get_province("DONG-THAP")]
        )
        db.session.add(group)
        db.session.commit()
        world.extra["linkage_group"] = group
    return world.extra["linkage_group"].id


def group_path(world):
    return f"/api/v1/linkage-groups/{group_id(world)}"


def target_path(world):
    if "target" not in world.extra:
        target = Target(
            year=2026, province=get_province("TAY-NINH"), metric=TargetMetric.EXPORT_VALUE_USD, target=Decimal("1000")
        )
        db.session.add(target)
        db.session.commit()
        world.extra["target"] = target
    return f"/api/v1/targets/{world.extra['target'].id}"
