//! The reorder buffer: events go in in input order and come out in time order (input order
//! breaking ties) once they are at or before a horizon. A calendar queue of one-second
//! buckets makes both ends amortised O(1) for the near-sorted streams dumps are; events
//! far ahead of the buckets wait in a heap.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

const MICROS: i64 = 1_000_000;

/// Anything ordered by `(time, seq)`.
pub trait Timed: Ord + Copy {
    fn time(&self) -> i64;
}

#[derive(Debug)]
pub struct Reorder<T: Timed> {
    /// The second of `buckets[0]`.
    base: i64,
    buckets: VecDeque<Vec<T>>,
    /// Whether `buckets[0]` is sorted (it is drained in part and then kept sorted).
    front_sorted: bool,
    far: BinaryHeap<Reverse<T>>,
    max_buckets: i64,
    len: usize,
    /// Emptied buckets, kept for reuse: a bucket per second would otherwise cost an
    /// allocation per second of the dump.
    spare: Vec<Vec<T>>,
}

impl<T: Timed> Reorder<T> {
    /// `span_seconds`: how far ahead of the oldest pending event buckets are kept.
    pub fn new(span_seconds: i64) -> Self {
        Reorder {
            base: 0,
            buckets: VecDeque::new(),
            front_sorted: false,
            far: BinaryHeap::new(),
            max_buckets: span_seconds.clamp(16, 1 << 20),
            len: 0,
            spare: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, item: T) {
        self.len += 1;
        let sec = item.time().div_euclid(MICROS);
        if self.buckets.is_empty() {
            self.base = sec;
            self.front_sorted = false;
        }
        if sec < self.base {
            // The buckets never span more than `max_buckets` seconds, whichever way they grow.
            if self.base - sec + self.buckets.len() as i64 > self.max_buckets {
                self.far.push(Reverse(item));
                return;
            }
            while self.base > sec {
                let b = self.spare.pop().unwrap_or_default();
                self.buckets.push_front(b);
                self.base -= 1;
            }
            self.front_sorted = false;
        }
        let idx = sec - self.base;
        if idx >= self.max_buckets {
            self.far.push(Reverse(item));
            return;
        }
        let idx = idx as usize;
        while self.buckets.len() <= idx {
            let b = self.spare.pop().unwrap_or_default();
            self.buckets.push_back(b);
        }
        if idx == 0 {
            self.front_sorted = false;
        }
        self.buckets[idx].push(item);
    }

    /// Calls `f` on every item at or before `upto`, in `(time, seq)` order.
    pub fn drain_upto(&mut self, upto: i64, mut f: impl FnMut(T)) {
        loop {
            let next_far = self.far.peek().map(|Reverse(t)| *t);
            // A far item earlier than every bucket (or with no buckets left) goes first.
            if let Some(t) = next_far
                && (self.buckets.is_empty() || t.time().div_euclid(MICROS) < self.base)
            {
                if t.time() > upto {
                    return;
                }
                self.far.pop();
                self.len -= 1;
                f(t);
                continue;
            }
            let Some(bucket) = self.buckets.front_mut() else {
                return;
            };
            if self.base.saturating_mul(MICROS) > upto {
                return;
            }
            // A far item of this second joins its bucket.
            if let Some(t) = next_far
                && t.time().div_euclid(MICROS) == self.base
            {
                self.far.pop();
                bucket.push(t);
                self.front_sorted = false;
                continue;
            }
            if !self.front_sorted {
                bucket.sort_unstable();
                self.front_sorted = true;
            }
            let ready = bucket.partition_point(|t| t.time() <= upto);
            for t in bucket.drain(..ready) {
                self.len -= 1;
                f(t);
            }
            if !bucket.is_empty() {
                return;
            }
            if let Some(b) = self.buckets.pop_front()
                && b.capacity() > 0
                && self.spare.len() < 4096
            {
                self.spare.push(b);
            }
            self.base += 1;
            self.front_sorted = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    struct E(i64, u64);

    impl Timed for E {
        fn time(&self) -> i64 {
            self.0
        }
    }

    /// An event pushed beyond the buckets, whose second the buckets reach after an earlier
    /// event of that second arrives, comes out after it.
    #[test]
    fn a_far_event_joins_the_bucket_of_its_second() {
        const S: i64 = 1_000_000;
        let mut r = Reorder::new(16);
        r.push(E(S / 2, 0));
        r.push(E(20 * S + 900_000, 1));
        let mut out = Vec::new();
        r.drain_upto(10 * S, |e| out.push(e));
        r.push(E(20 * S + 100_000, 2));
        r.drain_upto(i64::MAX, |e| out.push(e));
        assert_eq!(
            out,
            [E(S / 2, 0), E(20 * S + 100_000, 2), E(20 * S + 900_000, 1)]
        );
    }

    proptest! {
        /// Same output as a binary heap, for any times and drain points.
        #[test]
        fn behaves_like_a_heap(ops in prop_oneof![
            proptest::collection::vec((any::<bool>(), -5_000_000_000i64..5_000_000_000), 0..200),
            // Within a few seconds: drains that stop inside a bucket, and pushes into the
            // bucket being drained.
            proptest::collection::vec((any::<bool>(), 0i64..3_000_000), 0..200),
            // A few spans wide: events beyond the buckets whose second the buckets reach later.
            proptest::collection::vec((any::<bool>(), 0i64..200_000_000), 0..200),
        ], span in 16i64..100) {
            let mut r = Reorder::new(span);
            let mut h: BinaryHeap<Reverse<E>> = BinaryHeap::new();
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for (seq, (drain, t)) in ops.into_iter().enumerate() {
                if drain {
                    r.drain_upto(t, |e| a.push(e));
                    while h.peek().is_some_and(|Reverse(e)| e.0 <= t) {
                        b.push(h.pop().unwrap().0);
                    }
                } else {
                    r.push(E(t, seq as u64));
                    h.push(Reverse(E(t, seq as u64)));
                }
                prop_assert_eq!(r.len(), h.len());
                prop_assert_eq!(r.is_empty(), h.is_empty());
                // Memory stays bounded: events far ahead of or behind the buckets wait in the
                // heap, so the buckets never span more than the window.
                prop_assert!(r.buckets.len() as i64 <= r.max_buckets, "{} buckets", r.buckets.len());
            }
            r.drain_upto(i64::MAX, |e| a.push(e));
            while let Some(Reverse(e)) = h.pop() {
                b.push(e);
            }
            prop_assert_eq!(a, b);
        }
    }
}
