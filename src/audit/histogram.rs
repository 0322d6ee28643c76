//! A constant-memory histogram of durations (seconds) for dwell-time percentiles: exact below
//! 64 s, then 8 buckets per power of two (within 12.5 %).

#[derive(Debug, Clone)]
pub struct Histogram {
    buckets: Vec<u64>,
    count: u64,
}

const LINEAR: u64 = 64;
const SUB: u64 = 8;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; (LINEAR + 64 * SUB) as usize],
            count: 0,
        }
    }
}

fn bucket(v: u64) -> usize {
    if v < LINEAR {
        return v as usize;
    }
    let exp = 63 - u64::from(v.leading_zeros()); // ≥ 6
    let mantissa = (v >> (exp - 3)) & (SUB - 1);
    (LINEAR + (exp - 6) * SUB + mantissa) as usize
}

/// The smallest value of a bucket.
fn low(b: usize) -> u64 {
    let b = b as u64;
    if b < LINEAR {
        return b;
    }
    let exp = (b - LINEAR) / SUB + 6;
    let mantissa = (b - LINEAR) % SUB;
    (1 << exp) | (mantissa << (exp - 3))
}

impl Histogram {
    pub fn record(&mut self, seconds: u64) {
        self.buckets[bucket(seconds)] += 1;
        self.count += 1;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The value at quantile `q` (0–1): the lower bound of its bucket.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (b, &n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(low(b));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_below_64_and_close_above() {
        let mut h = Histogram::default();
        for v in 1..=100 {
            h.record(v);
        }
        assert_eq!(h.quantile(0.5), Some(50));
        let p95 = h.quantile(0.95).unwrap();
        assert!((88..=95).contains(&p95), "{p95}");
    }

    proptest! {
        #[test]
        fn bucket_low_is_within_an_eighth(v in 0u64..u64::MAX / 2) {
            let l = low(bucket(v));
            prop_assert!(l <= v);
            prop_assert!(v - l <= v / 8 + 1);
        }
    }
}
