"""Provincial reports: scope, volumes, dwell times, the monthly report; one public function per use case."""

from .border_trade import BorderTradeReport, border_trade_report, resolve_report_province
from .dwell import dwell_dict, dwell_histogram, dwell_report
from .fold import refresh_daily_figures
from .monthly import GateLine, MonthlyReport, gate_figures, month_bounds, monthly_report
from .scope import exporters_in_scope, gates_in_scope, resolve_gate, resolve_province, scope_gate_ids
from .volume import (
    DEFAULT_GROUP_BY,
    MEASURES,
    NAME_COLUMNS,
    VolumeReport,
    change_pct,
    measures,
    previous_year,
    previous_year_report,
    time_label,
    today_local,
    top_products,
    volume_report,
    with_previous_year,
)

__all__ = [
    "DEFAULT_GROUP_BY",
    "MEASURES",
    "NAME_COLUMNS",
    "BorderTradeReport",
    "GateLine",
    "MonthlyReport",
    "VolumeReport",
    "border_trade_report",
    "change_pct",
    "dwell_dict",
    "dwell_histogram",
    "dwell_report",
    "exporters_in_scope",
    "gate_figures",
    "gates_in_scope",
    "measures",
    "month_bounds",
    "monthly_report",
    "previous_year",
    "previous_year_report",
    "refresh_daily_figures",
    "resolve_gate",
    "resolve_province",
    "resolve_report_province",
    "scope_gate_ids",
    "time_label",
    "today_local",
    "top_products",
    "volume_report",
    "with_previous_year",
]
