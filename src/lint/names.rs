//! duplicate-rule-name, across every file of a run. A metric alert and a log alert may share a
//! name: they are resources of different types (`metricAlerts`, `scheduledQueryRules`), and a
//! name is unique per type within a resource group. Two rules whose sources both write out
//! their resource group, and name different ones, do not collide; a rule whose group is not
//! known (ARM, Bicep, a variable) may be deployed to any, so it collides with every namesake.

use rustc_hash::FxHashMap;

use crate::finding::Finding;
use crate::model::AlertRule;
use crate::registry;
use crate::source::{FileId, Span};

/// What the check remembers of a named rule (made on the thread that read the rule).
#[derive(Debug)]
pub(super) struct Name {
    log: bool,
    /// The name as compared: trimmed, lowercased.
    key: String,
    /// The name as written, for the message.
    value: String,
    /// The resource group, lowercased (group names compare case-insensitively), when known.
    group: Option<String>,
    file: FileId,
    span: Span,
}

impl Name {
    /// The name a rule defines: none for an update of a rule defined elsewhere.
    pub(super) fn of(rule: &AlertRule) -> Option<Name> {
        if rule.update {
            return None;
        }
        let name = rule.name.as_ref()?;
        Some(Name {
            log: rule.is_log(),
            key: name.value.trim().to_lowercase(),
            value: name.value.clone(),
            group: rule
                .resource_group
                .as_ref()
                .map(|g| g.value.trim().to_lowercase()),
            file: rule.file,
            span: name.span,
        })
    }
}

/// The first definitions of one name (of one rule type) met so far.
#[derive(Default)]
struct Seen<'a> {
    /// The first of all, whatever its group.
    any: Option<(usize, &'a Name)>,
    /// The first whose group is not known.
    unknown: Option<(usize, &'a Name)>,
    /// The first in each known group.
    by_group: FxHashMap<&'a str, (usize, &'a Name)>,
}

impl<'a> Seen<'a> {
    /// The earliest definition `name` collides with, if any; then remembers `name`.
    fn collide(&mut self, order: usize, name: &'a Name) -> Option<&'a Name> {
        let earlier = match name.group.as_deref() {
            None => self.any,
            Some(group) => match (self.by_group.get(group).copied(), self.unknown) {
                (Some(a), Some(b)) => Some(if a.0 < b.0 { a } else { b }),
                (a, b) => a.or(b),
            },
        };
        self.any.get_or_insert((order, name));
        match name.group.as_deref() {
            None => {
                self.unknown.get_or_insert((order, name));
            }
            Some(group) => {
                self.by_group.entry(group).or_insert((order, name));
            }
        }
        earlier.map(|(_, n)| n)
    }
}

pub(super) fn check(names: &[Name], out: &mut Vec<Finding>) {
    let mut seen: FxHashMap<(bool, &str), Seen> =
        FxHashMap::with_capacity_and_hasher(names.len(), Default::default());
    for (order, name) in names.iter().enumerate() {
        let Some(original) = seen
            .entry((name.log, name.key.as_str()))
            .or_default()
            .collide(order, name)
        else {
            continue;
        };
        out.push(
            Finding::new(
                &registry::DUPLICATE_RULE_NAME,
                name.file,
                name.span,
                format!("a rule named `{}` is already defined", name.value),
            )
            .label("duplicate name")
            .related(original.file, original.span, "first defined here")
            .help("rule names identify the alert in Azure: deploying both makes one overwrite the other"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A definition of `gpu-idle`, the `at`-th of the run, in `group` when its source names one.
    fn gpu_idle(at: usize, group: Option<&str>, log: bool) -> Name {
        Name {
            log,
            key: "gpu-idle".into(),
            value: if at.is_multiple_of(2) {
                "gpu-idle"
            } else {
                "GPU-Idle"
            }
            .into(),
            group: group.map(str::to_string),
            file: FileId(at),
            span: Span::new(at, at + 8),
        }
    }

    /// Each duplicate as (where it is, where its first definition is), in the run's order.
    fn duplicates(names: &[Name]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        check(names, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(f.check.name, "duplicate-rule-name", "{f:?}");
                let [first] = f.related.as_slice() else {
                    panic!("{f:?}")
                };
                let (at, original) = (f.file.0, first.file.0);
                assert_eq!(f.span, Span::new(at, at + 8));
                assert_eq!(first.span, Span::new(original, original + 8));
                assert_eq!(first.text, "first defined here");
                let written = if at.is_multiple_of(2) {
                    "gpu-idle"
                } else {
                    "GPU-Idle"
                };
                assert_eq!(
                    f.message,
                    format!("a rule named `{written}` is already defined")
                );
                (at, original)
            })
            .collect()
    }

    /// A duplicate points back at the earliest definition it collides with: one in its own
    /// group or one whose group is not known, whichever came first.
    #[test]
    fn a_duplicate_points_at_the_earliest_definition_it_collides_with() {
        let unknown_first = [
            gpu_idle(0, None, false),
            gpu_idle(1, Some("dev"), false),
            gpu_idle(2, Some("dev"), false),
        ];
        assert_eq!(duplicates(&unknown_first), [(1, 0), (2, 0)]);
        let group_first = [
            gpu_idle(0, Some("dev"), false),
            gpu_idle(1, None, false),
            gpu_idle(2, Some("dev"), false),
        ];
        assert_eq!(duplicates(&group_first), [(1, 0), (2, 0)]);
        let other_group_first = [
            gpu_idle(0, Some("prod"), false),
            gpu_idle(1, Some("dev"), false),
            gpu_idle(2, None, false),
            gpu_idle(3, Some("dev"), false),
            gpu_idle(4, Some("prod"), false),
        ];
        assert_eq!(duplicates(&other_group_first), [(2, 0), (3, 1), (4, 0)],);
    }

    /// Metric and log alerts are resources of different types: they never collide.
    #[test]
    fn metric_and_log_alerts_do_not_collide() {
        let names = [
            gpu_idle(0, None, false),
            gpu_idle(1, None, true),
            gpu_idle(2, None, true),
        ];
        assert_eq!(duplicates(&names), [(2, 1)]);
    }
}
