//! Numbers of seconds that come from the server (`expiresIn`, `accessTokenMaxTTL`,
//! `Retry-After`) turned into durations and deadlines without panicking: `Duration::from_secs_f64`
//! panics on a negative, NaN or huge value, and `Instant + Duration` panics on overflow.

use std::time::{Duration, Instant};

/// The longest duration a server's number becomes (ten years): longer lifetimes or waits are
/// treated as this long. Anything the client does with it (renew a token, decide not to wait)
/// is the same as for a longer one, and every `Instant` can be advanced by it.
pub const MAX_SERVER_DURATION: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// `seconds` from the server as a duration: negative, zero and NaN are zero; anything above
/// [`MAX_SERVER_DURATION`] (including infinity) is that.
pub fn server_seconds(seconds: f64) -> Duration {
    if seconds.is_nan() || seconds <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(seconds)
        .unwrap_or(MAX_SERVER_DURATION)
        .min(MAX_SERVER_DURATION)
}

/// `start + duration`, or the latest representable instant up to [`MAX_SERVER_DURATION`] after
/// `start` when the sum overflows.
pub fn instant_after(start: Instant, duration: Duration) -> Instant {
    start
        .checked_add(duration)
        .or_else(|| start.checked_add(MAX_SERVER_DURATION))
        .unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_seconds_are_clamped_not_panicking() {
        for (seconds, expected) in [
            (1e19, MAX_SERVER_DURATION),
            (1e300, MAX_SERVER_DURATION),
            (f64::MAX, MAX_SERVER_DURATION),
            (f64::INFINITY, MAX_SERVER_DURATION),
            (-1.0, Duration::ZERO),
            (-1e300, Duration::ZERO),
            (f64::NEG_INFINITY, Duration::ZERO),
            (f64::NAN, Duration::ZERO),
            (-0.0, Duration::ZERO),
            (f64::MIN_POSITIVE, Duration::ZERO),
            (1.5, Duration::from_millis(1500)),
            (3600.0, Duration::from_secs(3600)),
        ] {
            assert_eq!(server_seconds(seconds), expected, "{seconds}");
        }
    }

    #[test]
    fn deadlines_do_not_overflow() {
        let now = Instant::now();
        assert_eq!(
            instant_after(now, Duration::from_secs(5)),
            now + Duration::from_secs(5)
        );
        assert!(instant_after(now, Duration::MAX) > now);
        assert!(instant_after(now, Duration::MAX) <= now + MAX_SERVER_DURATION);
    }
}
