//! Reproducible synthetic inputs for benchmarks and scale tests: the same seed gives the same
//! bytes on every machine. `amlguard generate rules N` prints them.

pub mod dump;

use std::fmt::Write;

/// A small deterministic generator (xorshift64*), so outputs are stable across versions of
/// any random-number crate.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A dimension filter: (name, values as a YAML flow list).
type Filter = (&'static str, &'static str);

/// Realistic rule shapes: (metric, aggregation, operator, threshold, optional dimension filter).
const SHAPES: &[(&str, &str, &str, &str, Option<Filter>)] = &[
    (
        "Failed Runs",
        "Total",
        "GreaterThan",
        "0",
        Some(("RunType", "[Experiment, PipelineRun]")),
    ),
    ("Not Responding Runs", "Total", "GreaterThan", "0", None),
    (
        "Unusable Nodes",
        "Maximum",
        "GreaterThan",
        "0",
        Some(("ClusterName", "[\"*\"]")),
    ),
    (
        "Preempted Nodes",
        "Maximum",
        "GreaterThan",
        "2",
        Some(("ClusterName", "[gpu-cluster]")),
    ),
    (
        "Quota Utilization Percentage",
        "Maximum",
        "GreaterThanOrEqual",
        "90",
        Some(("VmFamilyName", "[standardNCv3Family]")),
    ),
    (
        "GpuUtilization",
        "Average",
        "LessThan",
        "10",
        Some(("DeviceId", "[\"0\", \"1\"]")),
    ),
    (
        "CpuUtilization",
        "Average",
        "GreaterThan",
        "95",
        Some(("NodeId", "[\"*\"]")),
    ),
    ("Model Deploy Failed", "Total", "GreaterThan", "0", None),
    (
        "Completed Runs",
        "Count",
        "LessThan",
        "1",
        Some(("ComputeType", "[AmlCompute]")),
    ),
];

/// `n` alert rules in the YAML rule format. Every `broken_every`-th rule (0: none) carries a
/// mistake a linter must report (a misspelt metric or a dimension the metric lacks).
pub fn rules_yaml(n: usize, seed: u64, broken_every: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n * 380 + 8);
    out.push_str("rules:\n");
    let freqs = [
        ("PT1M", "PT5M"),
        ("PT5M", "PT15M"),
        ("PT15M", "PT1H"),
        ("PT1H", "PT6H"),
    ];
    for i in 0..n {
        let (mut metric, mut agg, mut op, mut threshold, mut dim) = *rng.pick(SHAPES);
        let (freq, window) = *rng.pick(&freqs);
        let broken = broken_every > 0 && i % broken_every == broken_every - 1;
        if broken {
            // Alternate the two planted mistakes; each yields exactly one error.
            if (i / broken_every).is_multiple_of(2) {
                metric = "GpuUtilisation";
            } else {
                (metric, agg, op, threshold) = ("CpuUtilization", "Average", "GreaterThan", "95");
                dim = Some(("DeviceId", "[\"0\"]"));
            }
        }
        let _ = write!(
            out,
            "  - name: rule-{i}\n    description: generated rule {i}\n    severity: {}\n    frequency: {freq}\n    window: {window}\n    criteria:\n      - metric: {metric}\n        aggregation: {agg}\n        operator: {op}\n        threshold: {threshold}\n",
            rng.below(5)
        );
        if let Some((name, values)) = dim {
            let _ = write!(
                out,
                "        dimensions:\n          - name: {name}\n            operator: Include\n            values: {values}\n"
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_rules_are_deterministic_and_lint_as_planted() {
        assert_eq!(rules_yaml(50, 7, 10), rules_yaml(50, 7, 10));
        let catalog = crate::catalog::Catalog::builtin();
        let (_, rules, findings) =
            crate::linter::lint_text("g.yaml", &rules_yaml(200, 3, 0), &catalog);
        assert_eq!(rules.len(), 200);
        assert!(findings.is_empty(), "{findings:?}");
        let (_, _, findings) =
            crate::linter::lint_text("g.yaml", &rules_yaml(200, 3, 10), &catalog);
        let names: Vec<&str> = findings.iter().map(|f| f.check.name).collect();
        assert_eq!(names.len(), 20, "{names:?}");
        assert_eq!(names.iter().filter(|n| **n == "unknown-metric").count(), 10);
        assert_eq!(
            names
                .iter()
                .filter(|n| **n == "dimension-not-applicable")
                .count(),
            10
        );
    }
}
