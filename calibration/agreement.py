"""Agreement between raters: Krippendorff's alpha, interval metric, via the `krippendorff` package.

Units are the (interaction, criterion) pairs of a session, coders its participants, values the
ratings 1-5; N/A and missing ratings are missing values. Only pairable values count: a unit
with fewer than two ratings is left out. Alpha is undefined (None), never a made-up 0 or 1,
when fewer than two units are pairable or the pairable values do not vary at all.
"""

import math
from decimal import ROUND_HALF_UP, Decimal

RELIABLE = Decimal("0.800")
TENTATIVE = Decimal("0.667")


def interval_alpha(units: dict, coders: list) -> Decimal | None:
    """Alpha over `units` ({unit: {coder: value or None}}), to 3 places, or None if undefined."""
    pairable = [unit for unit in units.values() if sum(v is not None for v in unit.values()) >= 2]
    if len(pairable) < 2:
        return None
    values = {v for unit in pairable for v in unit.values() if v is not None}
    if len(values) < 2:
        return None
    # Imported here: numpy costs a web worker ~20 MB, and only revealed sessions need alpha.
    import krippendorff
    import numpy as np

    data = np.array(
        [[np.nan if unit.get(c) is None else float(unit[c]) for unit in pairable] for c in coders]
    )
    result = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    if result is None or not math.isfinite(result):
        return None
    return Decimal(str(result)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def reading(alpha: Decimal | str | None) -> str:
    """The usual reading of an alpha (Krippendorff's own thresholds)."""
    if alpha is None:
        return "undefined: too few ratings to compare, or no variation at all"
    alpha = Decimal(alpha)
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative conclusions only"
    return "not reliable"


def as_text(alpha: Decimal | None) -> str | None:
    return None if alpha is None else f"{alpha:.3f}"
