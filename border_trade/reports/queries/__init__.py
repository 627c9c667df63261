"""Read helpers of the reports: volumes and dwell times of crossings, scoped by the gate ids the caller passes."""

from .base import (
    DIMENSIONS,
    LINE_DIMENSIONS,
    LOCAL,
    LOCAL_ZONE,
    PROVINCE_AS,
    TIME_DIMENSIONS,
    Aggregate,
    Criteria,
    gates_of_territory,
    territory_ids,
)
from .dwell import DWELL_BUCKETS, DwellStats, dwell, dwell_histogram, dwell_split, percentile
from .figures import missing_rates, volume
from .goods import TradeGoods, TradeKey, trade_goods
from .release import truck_days
from .volume import live_missing_rates, live_volume

__all__ = [
    "DIMENSIONS",
    "DWELL_BUCKETS",
    "LINE_DIMENSIONS",
    "LOCAL",
    "LOCAL_ZONE",
    "PROVINCE_AS",
    "TIME_DIMENSIONS",
    "Aggregate",
    "Criteria",
    "DwellStats",
    "TradeGoods",
    "TradeKey",
    "dwell",
    "dwell_histogram",
    "dwell_split",
    "gates_of_territory",
    "live_missing_rates",
    "live_volume",
    "missing_rates",
    "percentile",
    "territory_ids",
    "trade_goods",
    "truck_days",
    "volume",
]
