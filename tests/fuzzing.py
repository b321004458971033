"""Hypothesis profiles of the fuzz suites (tests/test_fuzz_*.py), chosen by FLATCLOSURE_FUZZ.

``quick`` (the default) keeps the fuzz tests within a few seconds each in ``make test``;
``deep`` (``make fuzz``) searches far longer. The deadline bounds the time of every call: an
input that makes one call slow (an alias bomb, a huge range) fails the test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("fuzz-quick", max_examples=25, deadline=4000, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz-deep", max_examples=1500, deadline=4000,
                          suppress_health_check=[HealthCheck.too_slow])

FUZZ = settings.get_profile(f"fuzz-{os.environ.get('FLATCLOSURE_FUZZ', 'quick')}")
