"""Formulas for derived items: age, creatinine clearance, eGFR, counts.

These are the published formulas with their own coefficients; the *thresholds* applied to the results
live in the policy, never here. Each returns None when an input is missing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from checklist_app.domain.timeutil import local_date


def age_years(birth_date: Any, at: Any) -> int | None:
    """Completed years of age on the date of ``at`` (a date or date-time)."""
    if not isinstance(birth_date, date) or at is None:
        return None
    day = local_date(at) if isinstance(at, datetime) else at
    years = day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    return max(years, 0)


def _down(value: float) -> float:
    """Truncate to 0.1: what is shown is what decides, and a borderline value gets the stricter row."""
    return math.floor(value * 10 + 1e-9) / 10


def cockcroft_gault_crcl(age: Any, weight: Any, sex: Any, creatinine: Any) -> float | None:
    """Creatinine clearance, mL/min: (140 - age) x weight kg / (72 x SCr mg/dL), x 0.85 if female."""
    if None in (age, weight, sex, creatinine) or creatinine <= 0:
        return None
    crcl = (140 - age) * weight / (72 * creatinine)
    if sex == "female":
        crcl *= 0.85
    return _down(max(crcl, 0.0))


def ckd_epi_2021_egfr(age: Any, sex: Any, creatinine: Any) -> float | None:
    """eGFR, mL/min/1.73 m2, by the race-free CKD-EPI 2021 creatinine equation (Inker, NEJM 2021)."""
    if None in (age, sex, creatinine) or creatinine <= 0:
        return None
    female = sex == "female"
    kappa, alpha = (0.7, -0.241) if female else (0.9, -0.302)
    ratio = creatinine / kappa
    egfr = 142 * min(ratio, 1) ** alpha * max(ratio, 1) ** -1.200 * 0.9938**age
    if female:
        egfr *= 1.012
    return _down(egfr)


def count(items: Any) -> int | None:
    """How many entries a list answer has."""
    return len(items) if isinstance(items, list) else None


FORMULAS = {
    "age_years": age_years,
    "cockcroft_gault_crcl": cockcroft_gault_crcl,
    "ckd_epi_2021_egfr": ckd_epi_2021_egfr,
    "count": count,
}

# Derived values that read the policy (its criteria) as well as the answers: formula -> fn(ctx, item_id). Filled
# by the check modules that own them (rules/checks/coverage.py), which the policy loads before any evaluation.
POLICY_FORMULAS: dict[str, Callable[[Any, str], Any]] = {}
