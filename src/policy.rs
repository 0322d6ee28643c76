//! Which checks run, at which severity, and which severity fails the build. "What fails" and
//! "what is shown" are separate knobs: `select`/`ignore` decide what is shown, `fail_on` what
//! makes the exit code 1.

use crate::finding::{Finding, Severity};
use crate::registry::{self, CheckInfo};

/// The lowest severity that fails a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Note,
    /// Findings never fail the run (exit 0 unless the input could not be read).
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s.to_ascii_lowercase().as_str() {
            "never" | "none" => Some(FailOn::Never),
            other => Severity::parse(other).map(|s| match s {
                Severity::Error => FailOn::Error,
                Severity::Warning => FailOn::Warning,
                Severity::Note => FailOn::Note,
            }),
        }
    }

    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Note => true,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Codes, names or code prefixes (`AML1`) to show; empty means all.
    pub select: Vec<String>,
    /// Codes, names or code prefixes to hide.
    pub ignore: Vec<String>,
    /// Severity overrides per code, name or prefix; the last match wins.
    pub severity: Vec<(String, Severity)>,
    pub fail_on: FailOn,
}

/// Whether a selector (`AML103`, `dimension-not-applicable`, `AML1`, `all`) names a check.
pub fn selects(selector: &str, check: &CheckInfo) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("all")
        || s.eq_ignore_ascii_case(check.code)
        || s.eq_ignore_ascii_case(check.name)
        || s.eq_ignore_ascii_case(check.family.as_str())
        || (s.len() >= 4
            && s.len() < check.code.len()
            && check
                .code
                .to_ascii_uppercase()
                .starts_with(&s.to_ascii_uppercase()))
}

impl Policy {
    /// Selectors that name no check, for a usage error.
    pub fn unknown_selectors(&self) -> Vec<String> {
        self.select
            .iter()
            .chain(&self.ignore)
            .chain(self.severity.iter().map(|(s, _)| s))
            .filter(|s| !registry::ALL.iter().any(|c| selects(s, c)))
            .cloned()
            .collect()
    }

    /// Drops what is not selected or is ignored, and applies severity overrides.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings.into_iter().filter_map(|f| self.admit(f)).collect()
    }

    /// One finding: `None` if it is not selected or is ignored, else with its severity set.
    pub fn admit(&self, mut f: Finding) -> Option<Finding> {
        if !(self.select.is_empty() || self.select.iter().any(|s| selects(s, f.check)))
            || self.ignore.iter().any(|s| selects(s, f.check))
        {
            return None;
        }
        if let Some((_, sev)) = self
            .severity
            .iter()
            .rev()
            .find(|(s, _)| selects(s, f.check))
        {
            f.severity = *sev;
        }
        Some(f)
    }

    pub fn fails(&self, findings: &[Finding]) -> bool {
        findings.iter().any(|f| self.fail_on.fails(f.severity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_code_name_prefix_and_family() {
        let c = &registry::DIMENSION_NOT_APPLICABLE;
        for s in [
            "AML103",
            "aml103",
            "dimension-not-applicable",
            "AML1",
            "aml10",
            "catalog",
            "all",
        ] {
            assert!(selects(s, c), "{s}");
        }
        for s in ["AML2", "AML", "AML1030", "unknown-metric"] {
            assert!(!selects(s, c), "{s}");
        }
    }

    #[test]
    fn fail_on_thresholds() {
        assert!(FailOn::Error.fails(Severity::Error));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Never.fails(Severity::Error));
        assert_eq!(FailOn::parse("none"), Some(FailOn::Never));
    }
}
