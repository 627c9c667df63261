"""How much of a quota a shipment's goods lines count for (plain data, no database)."""

from decimal import ROUND_HALF_UP, Decimal

# kilograms -> the quota's unit
UNIT_PER_KG = {"TNE": Decimal("0.001"), "KGM": Decimal("1")}
QUANTUM = Decimal("0.001")


def factor_for(hs_code, hs_prefixes):
    """Return the factor of the longest prefix `hs_code` starts with (None when no prefix matches)."""
    code = (hs_code or "").replace(".", "").strip()
    best = None
    for entry in hs_prefixes:
        prefix = str(entry["prefix"]).replace(".", "")
        if code.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, Decimal(str(entry.get("factor", "1"))))
    return None if best is None else best[1]


def count(lines, hs_prefixes, unit):
    """Return (quantity in `unit`, number of lines that matched) for lines of (hs_code, net_weight_kg).

    A line counts its net weight, converted to the unit, times the factor of its prefix (paddy 2 kg = 1 kg of
    rice: factor 0.5); the total is rounded to three decimals.
    """
    per_kg = UNIT_PER_KG[unit]
    total, matched = Decimal("0"), 0
    for hs_code, net_weight_kg in lines:
        factor = factor_for(hs_code, hs_prefixes)
        if factor is None:
            continue
        matched += 1
        total += Decimal(net_weight_kg or 0) * per_kg * factor
    return total.quantize(QUANTUM, rounding=ROUND_HALF_UP), matched
