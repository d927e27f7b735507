"""The verify routes' names and defaults, apart from the routes so that building the command line
(``symcollapse --help``) loads neither numpy nor sympy."""

from __future__ import annotations

from typing import Literal, get_args

#: A verification method; ``auto`` picks ``exact`` or ``random`` from the term count.
Method = Literal["auto", "exact", "random", "proof"]

#: ``--method`` names.
METHODS: tuple[Method, ...] = get_args(Method)

#: Default ceiling for exact verification: 2,391,483 monomials (widths 3 x 13) take about 1.2 s
#: and 253 MiB as a whole process here, so a million stays well under a second.
DEFAULT_EXACT_MAX_TERMS = 1_000_000

#: The random route's default error bound, ``(degree / REFERENCE_PRIME) ** REFERENCE_TRIALS``:
#: what its former default (3 trials modulo the largest prime below ``2**28``) gave at the same
#: degree. By default the route takes the largest prime for which each matrix product is one
#: exact float64 product, and as many trials as reach this bound with it.
REFERENCE_TRIALS = 3

#: The prime of the default error bound (see :data:`REFERENCE_TRIALS`).
REFERENCE_PRIME = 268_435_399

#: Bytes random-point verification may hold at once, by default (``--max-megabytes``): 1 GiB,
#: what the README promises inside the default limits.
RANDOM_MAX_BYTES = 2**30
