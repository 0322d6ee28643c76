//! duplicate-rule-name, across every file of a run. A metric alert and a log alert may share a
//! name: they are resources of different types (`metricAlerts`, `scheduledQueryRules`), and a
//! name is unique per type within a resource group.

use std::collections::hash_map::Entry;

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
            file: rule.file,
            span: name.span,
        })
    }
}

pub(super) fn check(names: &[Name], out: &mut Vec<Finding>) {
    let mut first: FxHashMap<(bool, &str), &Name> =
        FxHashMap::with_capacity_and_hasher(names.len(), Default::default());
    for name in names {
        match first.entry((name.log, name.key.as_str())) {
            Entry::Vacant(v) => {
                v.insert(name);
            }
            Entry::Occupied(original) => {
                let original = *original.get();
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
    }
}
