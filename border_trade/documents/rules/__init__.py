"""Paperwork requirements engine: versioned rules (data/document_rules.json) evaluated on plain facts, no database.

model.py holds the facts and the parsed rules, parse.py reads and checks a rules file, evaluate.py turns a rule set
and a shipment's facts into the checklist and the blockers of each move, items.py checks the goods lines.
"""

from .evaluate import Blocker, RequirementLine, Requirements, evaluate
from .items import item_problems, normalize_origin_criterion
from .model import (
    DEFAULT_RULES_PATH,
    ORIGIN_CRITERION,
    UNMET_STATUSES,
    DocumentFacts,
    ItemFacts,
    Rule,
    RulesError,
    RuleSet,
    ShipmentFacts,
)
from .parse import load_rules, parse_rules

__all__ = [
    "DEFAULT_RULES_PATH",
    "ORIGIN_CRITERION",
    "UNMET_STATUSES",
    "Blocker",
    "DocumentFacts",
    "ItemFacts",
    "RequirementLine",
    "Requirements",
    "Rule",
    "RuleSet",
    "RulesError",
    "ShipmentFacts",
    "evaluate",
    "item_problems",
    "load_rules",
    "normalize_origin_criterion",
    "parse_rules",
]
