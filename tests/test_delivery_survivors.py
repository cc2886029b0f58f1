"""The outbox sender's order, retry and parking behaviour, pinned where mutation testing
(issue #16) found a change no other test noticed."""

from __future__ import annotations

from bot.delivery import backoff


def test_the_first_retry_waits_a_few_seconds() -> None:
    assert backoff(1).total_seconds() > 0
