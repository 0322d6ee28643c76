//! The public documents log alert findings cite where no catalog list is involved. What Azure
//! accepts in a schedule (frequencies, windows, look-back, failing periods) is catalog data:
//! `alert-schedules: log:` in `src/catalog/builtin.yaml`.

/// Where the schedule limits are documented.
pub(super) const SCHEDULE_SOURCE: &str = "azurerm_monitor_scheduled_query_rules_alert_v2, Terraform AzureRM provider documentation (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert_v2), restating the limits of the Scheduled Query Rules API";

/// Where the criterion properties are documented.
pub(super) const CRITERIA_SOURCE: &str = "Scheduled Query Rules - Create Or Update, Azure REST API reference (https://learn.microsoft.com/rest/api/monitor/scheduled-query-rules/create-or-update); azurerm_monitor_scheduled_query_rules_alert_v2 (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert_v2)";

/// Where `Equal` versus `Equals` is settled.
pub(super) const OPERATOR_SOURCE: &str = "Azure/azure-rest-api-specs issue 21794, \"microsoft.insights/scheduledqueryrules@2021-08-01 Enum error\" (https://github.com/Azure/azure-rest-api-specs/issues/21794): `Equals` returns 400, `Equal` 200; Azure/azure-cli issue 27138 (https://github.com/Azure/azure-cli/issues/27138)";

/// The template reference severity findings cite.
pub(super) const TEMPLATE_REFERENCE: &str = "Microsoft.Insights scheduledQueryRules template reference (https://learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules)";
