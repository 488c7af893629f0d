//! When and how long to wait before trying a request again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::time::MAX_SERVER_DURATION;

/// Retries of idempotent requests (`GET`, `PUT`, `DELETE`, `HEAD`, `OPTIONS`) on `429`, `503` and
/// connection errors, with exponential backoff and full jitter. A `Retry-After` header is honoured
/// (seconds or an HTTP date) up to [`RetryPolicy::max_retry_after`]; a longer one is returned to
/// the caller as the error instead of sleeping.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retries).
    pub max_retries: u32,
    /// The backoff ceiling of the first retry; it doubles each retry.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client waits for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The pause before retry number `retry` (0-based): uniform in `[0, min(max, initial * 2^retry)]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(next_random() % (nanos + 1))
    }

    /// Statuses worth another attempt.
    pub fn retries_status(status: u16) -> bool {
        matches!(status, 429 | 503)
    }

    /// How long to wait before retry number `retry` (0-based) of an idempotent request that got
    /// `status` with `retry_after`; `None` when the answer should go to the caller instead (a status
    /// not worth retrying, or a `Retry-After` beyond [`RetryPolicy::max_retry_after`]).
    pub fn wait_before_retry(
        &self,
        status: u16,
        retry_after: Option<Duration>,
        retry: u32,
    ) -> Option<Duration> {
        if !Self::retries_status(status) {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// `Retry-After`: delay-seconds or an HTTP date, as a duration from now, at most
/// [`MAX_SERVER_DURATION`]. A number of seconds too large for `u64` is that maximum (the server
/// asks for a very long wait, which the policy then declines), not "no `Retry-After`"; a date in
/// the past is zero; anything else (`-1`, `1.5`, `NaN`) is no `Retry-After`.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_SERVER_DURATION));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let seconds = u64::try_from(date.timestamp()).ok()?;
    let wait = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(seconds))
        .map_or(MAX_SERVER_DURATION, |at| {
            at.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
        });
    Some(wait.min(MAX_SERVER_DURATION))
}

/// A small xorshift generator for jitter; quality is irrelevant, independence between clients is
/// what matters, so it is seeded from the clock.
fn next_random() -> u64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64)
            | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_ceiling() {
        let policy = RetryPolicy::default();
        for retry in 0..40 {
            let ceiling = (policy.initial_backoff * 2u32.saturating_pow(retry.min(20)))
                .min(policy.max_backoff);
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= ceiling);
            }
        }
    }

    #[test]
    fn backoff_is_jittered() {
        let policy = RetryPolicy::default();
        let samples: std::collections::BTreeSet<Duration> =
            (0..20).map(|_| policy.backoff(3)).collect();
        assert!(samples.len() > 10, "{samples:?}");
    }

    #[test]
    fn retry_after_decides_the_wait() {
        let policy = RetryPolicy::default();
        let second = Duration::from_secs(1);
        assert_eq!(policy.wait_before_retry(429, Some(second), 0), Some(second));
        assert_eq!(policy.wait_before_retry(503, Some(second), 2), Some(second));
        assert_eq!(
            policy.wait_before_retry(429, Some(Duration::from_secs(3600)), 0),
            None
        );
        assert_eq!(policy.wait_before_retry(500, Some(second), 0), None);
        assert_eq!(policy.wait_before_retry(404, None, 0), None);
        let backoff = policy.wait_before_retry(503, None, 1).unwrap();
        assert!(backoff <= policy.initial_backoff * 2);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = chrono::DateTime::<chrono::Utc>::from(SystemTime::now())
            + chrono::Duration::seconds(120);
        let waited = parse_retry_after(&later.to_rfc2822()).unwrap();
        assert!(waited > Duration::from_secs(100) && waited <= Duration::from_secs(120));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn a_retry_after_out_of_range_is_clamped_not_panicking() {
        for huge in ["99999999999999999999999", "18446744073709551615"] {
            assert_eq!(parse_retry_after(huge), Some(MAX_SERVER_DURATION), "{huge}");
        }
        for invalid in ["-1", "1e300", "1e19", "NaN", "inf", "", "1.5"] {
            assert_eq!(parse_retry_after(invalid), None, "{invalid}");
        }
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(MAX_SERVER_DURATION)
        );
        let policy = RetryPolicy::default();
        let huge = parse_retry_after("99999999999999999999999");
        assert_eq!(policy.wait_before_retry(429, huge, 0), None);
    }
}
