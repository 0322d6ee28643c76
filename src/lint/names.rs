//! duplicate-rule-name, across every file of a run. A metric alert and a log alert may share a
//! name: they are resources of different types (`metricAlerts`, `scheduledQueryRules`), and a
//! name is unique per type within a resource group.

use std::collections::HashMap;

use crate::finding::Finding;
use crate::model::AlertRule;
use crate::registry;
use crate::source::{FileId, Span};

/// What the check remembers of a named rule.
#[derive(Debug)]
pub(super) struct Name {
    log: bool,
    value: String,
    file: FileId,
    span: Span,
}

impl Name {
    pub(super) fn of(rule: &AlertRule) -> Option<Name> {
        let name = rule.name.as_ref()?;
        Some(Name {
            log: rule.is_log(),
            value: name.value.clone(),
            file: rule.file,
            span: name.span,
        })
    }
}

pub(super) fn check(names: &[Name], out: &mut Vec<Finding>) {
    let mut first: HashMap<(bool, String), &Name> = HashMap::with_capacity(names.len());
    for name in names {
        let key = (name.log, name.value.trim().to_lowercase());
        match first.get(&key) {
            None => {
                first.insert(key, name);
            }
            Some(original) => {
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
