//! What Azure accepts in a scheduled query rule's schedule, each list with the public document
//! it comes from.

use crate::duration::Duration;

/// Where the schedule limits are documented.
pub(super) const SCHEDULE_SOURCE: &str = "azurerm_monitor_scheduled_query_rules_alert_v2, Terraform AzureRM provider documentation (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert_v2), restating the limits of the Scheduled Query Rules API";

/// Where the criterion properties are documented.
pub(super) const CRITERIA_SOURCE: &str = "Scheduled Query Rules - Create Or Update, Azure REST API reference (https://learn.microsoft.com/rest/api/monitor/scheduled-query-rules/create-or-update); azurerm_monitor_scheduled_query_rules_alert_v2 (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert_v2)";

/// Where `Equal` versus `Equals` is settled.
pub(super) const OPERATOR_SOURCE: &str = "Azure/azure-rest-api-specs issue 21794, \"microsoft.insights/scheduledqueryrules@2021-08-01 Enum error\" (https://github.com/Azure/azure-rest-api-specs/issues/21794): `Equals` returns 400, `Equal` 200; Azure/azure-cli issue 27138 (https://github.com/Azure/azure-cli/issues/27138)";

/// The template reference severity findings cite.
pub(super) const TEMPLATE_REFERENCE: &str = "Microsoft.Insights scheduledQueryRules template reference (https://learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules)";

const M: u64 = 60;
const H: u64 = 3600;
const D: u64 = 86_400;

/// `evaluationFrequency`.
pub(super) const FREQUENCIES: &[Duration] = &[
    Duration(M),
    Duration(5 * M),
    Duration(10 * M),
    Duration(15 * M),
    Duration(30 * M),
    Duration(45 * M),
    Duration(H),
    Duration(2 * H),
    Duration(3 * H),
    Duration(4 * H),
    Duration(5 * H),
    Duration(6 * H),
    Duration(D),
];

/// `windowSize` of a rule evaluated every minute.
pub(super) const WINDOWS_AT_ONE_MINUTE: &[Duration] = &[
    Duration(M),
    Duration(5 * M),
    Duration(10 * M),
    Duration(15 * M),
    Duration(30 * M),
    Duration(45 * M),
    Duration(H),
    Duration(2 * H),
    Duration(3 * H),
    Duration(4 * H),
    Duration(5 * H),
    Duration(6 * H),
];

/// `windowSize` of any other rule.
pub(super) const WINDOWS: &[Duration] = &[
    Duration(5 * M),
    Duration(10 * M),
    Duration(15 * M),
    Duration(30 * M),
    Duration(45 * M),
    Duration(H),
    Duration(2 * H),
    Duration(3 * H),
    Duration(4 * H),
    Duration(5 * H),
    Duration(6 * H),
    Duration(D),
    Duration(2 * D),
];

/// `overrideQueryTimeRange`.
pub(super) const OVERRIDES: &[Duration] = &[
    Duration(5 * M),
    Duration(10 * M),
    Duration(15 * M),
    Duration(20 * M),
    Duration(30 * M),
    Duration(45 * M),
    Duration(H),
    Duration(2 * H),
    Duration(3 * H),
    Duration(4 * H),
    Duration(5 * H),
    Duration(6 * H),
    Duration(D),
    Duration(2 * D),
];

/// `muteActionsDuration`.
pub(super) const MUTES: &[Duration] = WINDOWS;

/// The longest look-back (window × periods, or the override).
pub(super) const MAX_LOOKBACK: Duration = Duration(2 * D);

/// `numberOfEvaluationPeriods` and `minFailingPeriodsToAlert`.
pub(super) const PERIODS: std::ops::RangeInclusive<i64> = 1..=6;
