//! duplicate-rule-name, across every file of a run. A metric alert and a log alert may share a
//! name: they are resources of different types (`metricAlerts`, `scheduledQueryRules`), and a
//! name is unique per type within a resource group.

use std::collections::HashMap;

use crate::finding::Finding;
use crate::model::AlertRule;
use crate::registry;

pub(super) fn check(rules: &[AlertRule], out: &mut Vec<Finding>) {
    let mut first: HashMap<(bool, String), &AlertRule> = HashMap::new();
    for rule in rules {
        let Some(name) = &rule.name else { continue };
        let key = (rule.is_log(), name.value.trim().to_lowercase());
        match first.get(&key) {
            None => {
                first.insert(key, rule);
            }
            Some(original) => {
                let orig = original.name.as_ref().expect("keyed by name");
                out.push(
                    Finding::new(
                        &registry::DUPLICATE_RULE_NAME,
                        rule.file,
                        name.span,
                        format!("a rule named `{}` is already defined", name.value),
                    )
                    .label("duplicate name")
                    .related(original.file, orig.span, "first defined here")
                    .help("rule names identify the alert in Azure: deploying both makes one overwrite the other"),
                );
            }
        }
    }
}
