"""The retry policy: a pure decision from (error, attempt, time spent) to a delay or "give up".

Kept free of I/O so it can be tested without a network. Retried: 5xx, 429 and connection
failures. A ``Retry-After`` from the server is honoured as the minimum wait; otherwise the wait
grows exponentially with full jitter. Both the number of attempts and the total time are bounded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from orbrowse.api.errors import APIConnectionError, RateLimitError, ServerError


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    """Attempts in all for a failure that is not a rate limit (the first one included)."""
    max_rate_limited_attempts: int = 12
    """Attempts in all while the server only says "slow down": being throttled is not failing."""
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    """A server asking for a longer wait than this is not waited for."""
    total_budget: float = 90.0
    """Seconds from the first attempt after which no retry starts. A metadata request also
    stops at the client's ``request_timeout``, whichever comes first."""
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: the wait after failed attempt ``attempt`` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def delay_for(self, error: BaseException, attempt: int, elapsed: float) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` to give up and raise ``error``."""
        if not is_retryable(error):
            return None
        limit = (
            self.max_rate_limited_attempts
            if isinstance(error, RateLimitError)
            else self.max_attempts
        )
        if attempt >= limit:
            return None
        delay = self.backoff(attempt)
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            # Honour the server's wait, plus a little jitter so that workers throttled together
            # do not all come back in the same instant.
            delay = retry_after + self.rng.uniform(0, min(0.25, self.base_delay))
        if elapsed + delay > self.total_budget:
            return None
        return delay


NO_RETRY = RetryPolicy(max_attempts=1, max_rate_limited_attempts=1)


def is_retryable(error: BaseException) -> bool:
    return isinstance(error, ServerError | RateLimitError | APIConnectionError)
