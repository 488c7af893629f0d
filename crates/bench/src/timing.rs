//! A small timing loop and the result line that `cargo xtask bench` reads.
//!
//! A benchmark prints one [`RESULT_PREFIX`] line per measured thing on stdout; anything else it
//! prints is shown to the user and otherwise ignored. Benchmarks in other crates (the generated
//! client and server) can depend on this crate or print the same line themselves:
//!
//! ```text
//! bench-result {"name":"client/generated","samples":30,"min_ns":41000.0,"median_ns":43500.0,"max_ns":60000.0}
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

/// What starts a result line.
pub const RESULT_PREFIX: &str = "bench-result ";

/// Set (to anything) by `cargo xtask bench --quick`: take few samples, just to prove the bench runs.
pub const QUICK_ENV: &str = "BENCH_QUICK";

/// One measured thing: nanoseconds per call over several samples.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub name: String,
    pub samples: usize,
    pub min_ns: f64,
    pub median_ns: f64,
    pub max_ns: f64,
}

impl Summary {
    /// Summarizes per-call times in nanoseconds.
    pub fn from_times(name: &str, mut times_ns: Vec<f64>) -> Self {
        assert!(!times_ns.is_empty(), "a summary needs at least one sample");
        times_ns.sort_by(f64::total_cmp);
        let n = times_ns.len();
        let median = if n % 2 == 1 {
            times_ns[n / 2]
        } else {
            f64::midpoint(times_ns[n / 2 - 1], times_ns[n / 2])
        };
        Self {
            name: name.to_owned(),
            samples: n,
            min_ns: times_ns[0],
            median_ns: median,
            max_ns: times_ns[n - 1],
        }
    }

    /// The line `cargo xtask bench` collects.
    pub fn to_line(&self) -> String {
        let json = serde_json::to_string(self).expect("a summary always serializes");
        format!("{RESULT_PREFIX}{json}")
    }

    /// Reads a result line back; `None` for any other line.
    pub fn from_line(line: &str) -> Option<Self> {
        serde_json::from_str(line.strip_prefix(RESULT_PREFIX)?).ok()
    }
}

/// Whether this is a quick (smoke) run.
pub fn is_quick() -> bool {
    std::env::var_os(QUICK_ENV).is_some()
}

/// How many samples to take: few in a quick run.
pub fn samples() -> usize {
    if is_quick() { 5 } else { 40 }
}

/// Times `f` per call. After a warm-up, calls are batched so that one sample lasts about 20 ms
/// (2 ms in a quick run), which keeps the clock's own cost out of fast calls.
pub fn measure<R>(name: &str, samples: usize, mut f: impl FnMut() -> R) -> Summary {
    let target = if is_quick() {
        Duration::from_millis(2)
    } else {
        Duration::from_millis(20)
    };
    // Warm up and find the batch size.
    let mut batch: u32 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        let took = start.elapsed();
        if took >= target / 2 || batch >= 1 << 20 {
            break;
        }
        batch *= 2;
    }
    let times = (0..samples.max(1))
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(f());
            }
            start.elapsed().as_secs_f64() * 1e9 / f64::from(batch)
        })
        .collect();
    Summary::from_times(name, times)
}

/// Prints the result line on stdout and a readable line on stderr.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub fn report(summary: &Summary) {
    eprintln!(
        "{:<40} median {:>12.1} µs   min {:>12.1} µs   ({} samples)",
        summary.name,
        summary.median_ns / 1e3,
        summary.min_ns / 1e3,
        summary.samples
    );
    println!("{}", summary.to_line());
}

#[cfg(test)]
mod tests {
    use super::Summary;

    #[test]
    fn result_lines_round_trip() {
        let summary = Summary::from_times("x/y", vec![3.0, 1.0, 2.0, 10.0]);
        assert_eq!(summary.median_ns, 2.5);
        assert_eq!(summary.min_ns, 1.0);
        assert_eq!(Summary::from_line(&summary.to_line()), Some(summary));
        assert_eq!(Summary::from_line("something else"), None);
    }
}
