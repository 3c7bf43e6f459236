"""Throughput of ``normalize_mobile`` on an import-like column.

Large imports are the reason the French mobile fast path exists; this script
shows what it buys. Run with ``python -m benchmarks.bench_phone``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sms_hub.domain.phone import (
    METROPOLITAN_MOBILE_PREFIXES,
    PhoneResult,
    _normalize_with_phonenumbers,
    normalize_mobile,
)

COUNT = 200_000
FRENCH_MOBILE_SHARE = 0.9
_PREFIXES = sorted(METROPOLITAN_MOBILE_PREFIXES)


def _french_mobile(rng: random.Random) -> str:
    nsn = f"{rng.choice(_PREFIXES)}{rng.randint(0, 999_999):06d}"
    pairs = " ".join(nsn[i : i + 2] for i in range(1, 9, 2))
    return rng.choice(
        [
            f"0{nsn[0]} {pairs}",
            f"0{nsn[0]}.{pairs.replace(' ', '.')}",
            f"0{nsn[0]}-{pairs.replace(' ', '-')}",
            f"0{nsn}",
            f"+33 {nsn[0]} {pairs}",
            f"+33 (0){nsn[0]} {pairs}",
            f"0033{nsn}",
            nsn,
        ]
    )


def _other(rng: random.Random) -> str | None:
    return rng.choice(
        [
            f"01 {rng.randint(10, 99)} {rng.randint(10, 99)} 34 56",
            f"09 {rng.randint(10, 99)} 12 34 56",
            f"0692 {rng.randint(10, 99)} 34 56",
            f"+44 7911 {rng.randint(100_000, 999_999)}",
            f"+49 151 {rng.randint(10_000_000, 99_999_999)}",
            "06 12 34 56",
            "n/a",
            "",
            None,
        ]
    )


def make_numbers(
    count: int = COUNT, french_share: float = FRENCH_MOBILE_SHARE, seed: int = 2026
) -> list[str | None]:
    """A column where ``french_share`` of the rows are French mobiles."""
    rng = random.Random(seed)
    return [
        _french_mobile(rng) if rng.random() < french_share else _other(rng)
        for _ in range(count)
    ]


def _rate(
    numbers: list[str | None],
    normalize: Callable[..., PhoneResult] = normalize_mobile,
) -> float:
    started = time.perf_counter()
    for raw in numbers:
        normalize(raw)
    return len(numbers) / (time.perf_counter() - started)


def main() -> None:
    mixed = make_numbers()
    french = make_numbers(french_share=1.0)
    print(
        f"{len(mixed):,} numbers, {FRENCH_MOBILE_SHARE:.0%} French mobiles: "
        f"{_rate(mixed):,.0f} numbers/s"
    )
    print(f"{len(french):,} French mobiles (fast path): {_rate(french):,.0f} numbers/s")
    sample = french[:20_000]
    slow = _rate(sample, _normalize_with_phonenumbers)
    print(f"{len(sample):,} French mobiles, phonenumbers only: {slow:,.0f} numbers/s")


if __name__ == "__main__":
    main()
