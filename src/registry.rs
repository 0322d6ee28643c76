//! The registry of every check: stable code, kebab-case name, default severity and the
//! explanation that `amlguard explain`, SARIF rule help and the README share.

use crate::finding::Severity;

/// Which part of the tool a check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The input could not be read as the expected format.
    Input,
    /// The rule refers to the catalog of Azure ML metrics and dimensions.
    Catalog,
    /// The threshold or condition is impossible or trivially true.
    Threshold,
    /// Evaluation schedule and severity.
    Schedule,
    /// Relations between rules.
    RuleSet,
    /// Event streams audited against lifecycles.
    Audit,
    /// The lifecycle specs themselves.
    Lifecycle,
    /// KQL queries of log alerts, checked against the Azure ML tables.
    Query,
    /// Rule unit-test files (`amlguard test`).
    RuleTest,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Input => "input",
            Family::Catalog => "catalog",
            Family::Threshold => "threshold",
            Family::Schedule => "schedule",
            Family::RuleSet => "rule-set",
            Family::Audit => "audit",
            Family::Lifecycle => "lifecycle",
            Family::Query => "query",
            Family::RuleTest => "rule-test",
        }
    }
}

/// Static description of one check.
#[derive(Debug, PartialEq)]
pub struct CheckInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub family: Family,
    /// One line: what the check finds.
    pub summary: &'static str,
    /// What, why, an example and the fix.
    pub explanation: &'static str,
}

macro_rules! checks {
    ($( $id:ident = ($code:literal, $name:literal, $sev:ident, $fam:ident, $summary:literal, $expl:literal); )*) => {
        $(
            pub static $id: CheckInfo = CheckInfo {
                code: $code,
                name: $name,
                severity: Severity::$sev,
                family: Family::$fam,
                summary: $summary,
                explanation: $expl,
            };
        )*
        /// Every check, in code order.
        pub static ALL: &[&CheckInfo] = &[$(&$id),*];
    };
}

checks! {
    YAML_SYNTAX = ("AML001", "yaml-syntax", Error, Input,
        "The file is not valid YAML.",
        "The file could not be parsed as YAML, so none of its rules were checked. The diagnostic \
points at the place where the parser stopped (an unclosed bracket, a tab used for indentation, a key \
repeated in one mapping, a value where a key was expected).\n\nExample:\n\n    rules:\n      - name: [unclosed\n\nFix: correct the syntax at the reported position. The other files of the run are still checked.");
    INVALID_UTF8 = ("AML002", "invalid-utf8", Error, Input,
        "The file is not valid UTF-8 text.",
        "YAML files must be UTF-8. The file holds a byte sequence that is not UTF-8 (often a file saved \
as Latin-1 or UTF-16, or a binary file in the rules directory). The diagnostic points at the first \
invalid byte.\n\nFix: re-encode the file as UTF-8 (`iconv -f latin1 -t utf-8`) or remove it from the lint paths.");
    UNKNOWN_KEY = ("AML003", "unknown-key", Error, Input,
        "A key that the format does not define.",
        "A typo in a key is the commonest real mistake in rule files: `theshold:` or `dimension:` is \
valid YAML, so without this check the value would be silently ignored and the rule would deploy \
without it. Keys are case-sensitive. The help names the nearest known key, and for keys spelt the \
ARM way (`metricName`, `timeAggregation`, `windowSize`) the key this format uses.\n\nExample:\n\n    criteria:\n      - metric: Failed Runs\n        theshold: 0\n\nFix: rename the key (`threshold:`).");
    WRONG_TYPE = ("AML004", "wrong-type", Error, Input,
        "A value of the wrong type (a list where a mapping is expected, text where a number is).",
        "Each key expects one type of value: `severity` an integer, `enabled` a boolean, `criteria` a \
list of mappings, `values` a list of strings. A value of another type cannot be understood, so the \
enclosing rule is not checked further on that point.\n\nExample:\n\n    severity: high\n\nFix: write the value with the expected type (`severity: 1`).");
    MISSING_KEY = ("AML005", "missing-key", Error, Input,
        "A required key is missing.",
        "A rule needs a `name` and at least one criterion; a criterion needs a `metric`, an `operator` \
and a `threshold` (or a `dynamic` threshold, or a `condition` string); a dimension filter needs a \
`name` and `values`. Azure rejects a rule without them at deployment time; this check rejects it \
in review.\n\nFix: add the key named in the message.");
    INVALID_VALUE = ("AML006", "invalid-value", Error, Input,
        "A value outside the set the format accepts (an unknown aggregation, operator or duration).",
        "Fields such as `aggregation` (Average, Minimum, Maximum, Total, Count), `operator` \
(GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual, Equals, NotEquals, or `>`, `>=`, `<`, \
`<=`, `=`, `!=`), dimension `operator` (Include, Exclude) and durations (`PT5M` or `5m`) accept a \
fixed set of spellings, matched case-insensitively as Azure does. Anything else is reported with \
the nearest accepted spelling.\n\nExample:\n\n    aggregation: Sum\n\nFix: use an accepted value (`Total`).");
    EMPTY_FILE = ("AML007", "empty-file", Warning, Input,
        "The file holds no rules.",
        "A rule file that is empty, holds only comments, or has an empty `rules:` list defines no \
alert. It is usually a leftover or a file whose content was lost in a merge.\n\nFix: add rules or delete the file.");
    CONDITION_SYNTAX = ("AML008", "condition-syntax", Error, Input,
        "A condition string that does not follow the condition grammar.",
        "Conditions are written as the az CLI takes them (`az monitor metrics alert create --condition`): \
`AGGREGATION [NAMESPACE.]METRIC OPERATOR THRESHOLD [where DIMENSION includes|excludes VALUE [or VALUE]… \
[and DIMENSION …]] [with skipmetricvalidation]`, or with `dynamic SENSITIVITY N of M [since DATETIME]` \
in place of the threshold. The diagnostic points at the token where the condition stops making sense \
and says what was expected there; the full grammar is grammar/condition.ebnf.\n\nExample:\n\n    condition: avg GpuUtilization => 10\n\nFix: write the token the message expects (`>=`).");
    UNRESOLVED_EXPRESSION = ("AML009", "unresolved-expression", Note, Input,
        "A template expression amlguard cannot evaluate; the field it sets is not checked.",
        "ARM templates compute values with expressions. `[parameters('x')]` and `[variables('x')]` \
are resolved from the template's defaults and from `--parameters FILE`; other expressions \
(`[concat(…)]`, `[resourceId(…)]`), parameters without a value and Terraform variable references are \
left alone. The field is then not checked, so an unresolvable value never produces a false \
error; this note says which field was skipped.\n\nFix: pass the parameter file with `--parameters`, or \
nothing if the value is checked elsewhere.");
    UNUSED_SUPPRESSION = ("AML010", "unused-suppression", Warning, Input,
        "A suppression comment that suppresses nothing.",
        "`# amlguard: ignore[check-name] reason` silences a check on its line or the line below (in \
ARM templates: `\"metadata\": {\"amlguard-ignore\": [\"check-name\"]}` on the resource). A \
suppression that matches no finding is stale — the problem was fixed, or the name is misspelt — \
and hides the next real problem there.\n\nFix: remove it, or correct the check name.");
    CIRCULAR_REFERENCE = ("AML012", "circular-reference", Error, Input,
        "ARM variables or parameters that refer to each other in a cycle.",
        "A template value is computed through `variables('a')` and `parameters('b')` references \
that lead back to where they started, so it has no value: Azure Resource Manager rejects the \
template (\"circular dependency\"), and the field that uses it is not checked. References are \
followed to any depth; the message lists the chain.\n\nExample:\n\n    \"variables\": { \"a\": \"[variables('b')]\", \"b\": \"[variables('a')]\" }\n\nFix: give one of the \
variables a value that does not refer back.");
    JSON_SYNTAX = ("AML015", "json-syntax", Error, Input,
        "The file is not valid JSON (an ARM template, parameter file or Terraform plan).",
        "A file read as JSON (by its `.json` extension, or because it starts with `{`) could not be \
parsed, so none of its rules were checked. The diagnostic points at the place where the parser \
stopped: a missing comma or bracket, a trailing comma, an unquoted key, a key repeated in one \
object. Comments (`//`, `/* */`) are allowed, as ARM allows them.\n\nExample:\n\n    {\"resources\": [\n      {\"type\": \"Microsoft.Insights/metricAlerts\",}\n    ]}\n\nFix: correct the syntax at the reported position (`az bicep build` and `terraform show -json` always write valid JSON). The other files of the run are still checked.");
    HCL_SYNTAX = ("AML016", "hcl-syntax", Error, Input,
        "The Terraform file is not valid HCL.",
        "A `.tf` file (or Terraform given on stdin) could not be parsed as HCL, so none of its \
`azurerm_monitor_metric_alert` resources were checked. The diagnostic points at the place where the \
parser stopped and says what it expected there: an unbalanced `{` or `}`, an unclosed string, an \
attribute without `=`.\n\nExample:\n\n    resource \"azurerm_monitor_metric_alert\" \"a\" {\n      name = \"a\"\n    }\n    }\n\nFix: correct the syntax at the reported position (`terraform validate` agrees). The other files of the run are still checked.");
    NOT_A_RULE_SOURCE = ("AML017", "not-a-rule-source", Note, Input,
        "A file that looks like a rule source was not read as one, or holds no alert rule.",
        "A directory walk reads every file with a rule extension, and skips quietly those that are \
plainly something else (a Kubernetes manifest, a package.json). A file that is close to a rule \
source is never skipped quietly: an ARM template or Terraform plan without any metric alert, \
JSON that mentions metric alerts but is neither a template nor a plan, YAML that holds rule keys \
(`criteria:`, `metric:`) but no top-level `rules:` list, a Terraform file that names \
`azurerm_monitor_metric_alert` outside a resource block, a format amlguard does not read yet. \
This note says why the file was not read, so that a rule lost to a typo or a wrong path does not \
pass as a clean run. (A YAML file whose top-level key is a misspelling of `rules:` is read as a rule \
file, and the misspelt key is reported as `unknown-key`.)\n\nFix: correct the file, or exclude it \
(`exclude` in amlguard.toml, `--ignore not-a-rule-source`).");
    BICEP_SYNTAX = ("AML019", "bicep-syntax", Error, Input,
        "The file is not valid Bicep.",
        "A `.bicep` or `.bicepparam` file that does not parse: an unterminated string, a missing \
`=` or `:`, an unbalanced bracket, a keyword that does not start a declaration. The diagnostic \
points at the exact place the parser stopped. The declaration that fails is skipped up to the next \
line that starts a declaration, so one mistake is one error and the rules in the rest of the file \
are still checked; a module or parameter file with syntax errors is not followed.\n\nExample:\n\n    resource alert 'Microsoft.Insights/metricAlerts@2018-03-01' = {\n      name: 'failed-runs\n    }\n\n\
Fix: correct the syntax at the reported position (`az bicep build` reports the same mistake).");
    UNKNOWN_METRIC = ("AML101", "unknown-metric", Error, Catalog,
        "The metric is not a metric of Microsoft.MachineLearningServices/workspaces.",
        "Azure Monitor rejects a metric alert on a metric that the resource does not emit, unless \
`skipMetricValidation` is set, in which case it accepts the rule and the rule never fires. Metric \
names are matched case-insensitively by display name or REST name, as Azure does. The help lists \
the nearest metric names of the catalog (`amlguard catalog metrics`).\n\nExample:\n\n    metric: GpuUtilisation\n\nFix: use the catalog's name (`GpuUtilization`), or add the metric with `--catalog` if Azure \
has started emitting it since this catalog was written.");
    UNKNOWN_DIMENSION = ("AML102", "unknown-dimension", Error, Catalog,
        "The dimension is not a dimension of any Azure ML workspace metric.",
        "A dimension filter on a dimension that the metric does not have makes the rule match no \
time series, so it never fires, and Azure does not always reject it. Dimension names are matched \
case-insensitively by display name (`Cluster Name`) or REST name (`ClusterName`).\n\nExample:\n\n    dimensions:\n      - name: GpuId\n\nFix: use a dimension listed by `amlguard catalog dimensions` (`DeviceId`).");
    DIMENSION_NOT_APPLICABLE = ("AML103", "dimension-not-applicable", Error, Catalog,
        "The dimension exists but the metric does not carry it.",
        "Each Azure ML dimension applies to some metrics only: `DeviceId` only to GpuUtilization, \
`Cluster Name` to the quota metrics, `Vm Family Name` and `Vm Priority` only to Quota Utilization \
Percentage, `RunType` and its siblings to the run metrics. A filter on a dimension that the metric \
does not carry matches nothing: the alert never fires. A pair supported by any source of the \
catalog is accepted; the message names the metrics the dimension does apply to.\n\nExample:\n\n    metric: CpuUtilization\n    dimensions:\n      - name: DeviceId\n\nFix: filter on a dimension of this metric, or alert on a metric that has this dimension.");
    INVALID_DIMENSION_VALUE = ("AML104", "invalid-dimension-value", Error, Catalog,
        "A dimension value outside the documented set.",
        "Some dimensions have a documented, closed set of values: RunType is one of Experiment, \
PipelineRun, StepRun, ReusedStepRun. A filter on another value matches no time series. Values are \
compared case-insensitively; `*` (all values) is always allowed.\n\nExample:\n\n    - name: RunType\n      values: [Pipeline]\n\nFix: use one of the values the message lists (`PipelineRun`).");
    NEWER_SOURCE_ONLY = ("AML105", "newer-source-only", Note, Catalog,
        "The metric/dimension pair is documented only by Azure's current metric list, not by the Azure ML data reference.",
        "The Azure ML monitoring data reference (the catalog's primary source) and Azure Monitor's \
current \"Supported metrics\" list disagree for some pairs: the newer list adds `Scenario` and \
`ExperimentName` and attaches the run dimensions to every run metric. Such a pair is accepted \
(it is never an error) but noted, so that a reviewer knows which source the rule relies on.\n\nFix: nothing, if the newer documentation is what your workspace emits; the note can be turned off with `--ignore newer-source-only`.");
    DUPLICATE_DIMENSION_FILTER = ("AML106", "duplicate-dimension-filter", Error, Catalog,
        "The same dimension is filtered twice in one criterion.",
        "Azure Monitor combines a criterion's dimension filters with AND and expects each dimension \
once; two filters on one dimension (even spelt differently, `RunType` and `runtype`) either fail \
deployment or select the intersection, which is rarely what was meant.\n\nFix: merge the values into one filter.");
    DEPRECATED_SOURCE = ("AML107", "deprecated-source", Warning, Catalog,
        "The criterion relies on a metric, dimension or log table that is deprecated.",
        "The catalog marks an entry deprecated when its source says so, with the date and the \
replacement (for example the AmlComputeClusterNodeEvent table, deprecated in February 2022 in favour \
of AmlComputeClusterEvent). A rule on a deprecated source stops working when the source is removed.\n\nFix: move the rule to the replacement that the help names.");
    UNSUPPORTED_AGGREGATION = ("AML108", "unsupported-aggregation", Warning, Catalog,
        "The aggregation is not one that Azure documents for this metric.",
        "Azure Monitor lists the aggregations each metric supports. The Azure ML count metrics support \
Average, Maximum, Minimum and Total; the run metrics also Count. A criterion with another \
aggregation is rejected at deployment.\n\nFix: use one of the aggregations the help lists.");
    UNKNOWN_NAMESPACE = ("AML109", "unknown-namespace", Error, Catalog,
        "The criterion's metric namespace is none of the Azure ML metric namespaces.",
        "Azure ML metrics live in three namespaces: `Microsoft.MachineLearningServices/workspaces`, \
`…/workspaces/onlineEndpoints` and `…/workspaces/onlineEndpoints/deployments` (`amlguard catalog \
metrics --namespace NS` lists each). A criterion whose `metricNamespace` is another one looks for \
the metric elsewhere and never matches. Namespaces compare case-insensitively; a criterion's own \
namespace, when it is one of these, is the one its metric is checked in.\n\nFix: remove \
`namespace:` or set it to the namespace of the rule's target.");
    DISPLAY_NAME_USED = ("AML110", "display-name-used", Note, Catalog,
        "A display name is used where Azure's REST API has a different name.",
        "Some Azure ML metrics and dimensions have a display name that differs from their REST name: \
`Cluster Name` is `ClusterName`, `Vm Family Name` is `VmFamilyName`, the online endpoint metric \
`Request Latency P99` is `RequestLatency_P99`. amlguard accepts both, but ARM templates, Terraform and the az CLI send the name to the REST API, which \
expects the REST name.\n\nFix: write the REST name the help gives.");
    NOT_A_WORKSPACE_RULE = ("AML111", "not-a-workspace-rule", Note, Catalog,
        "A metric alert on a resource type the catalog has no metric namespace for; counted and skipped.",
        "Each rule is checked against the metric namespace of its target: the Azure ML workspace, \
an online endpoint (Microsoft.MachineLearningServices/workspaces/onlineEndpoints) or one of its \
deployments (…/onlineEndpoints/deployments). The target comes from `targetResourceType`, the \
resource ids in `scopes` or a criterion's metric namespace (ARM, Terraform), `--scopes` and \
`--target-resource-type` (az CLI), or the `namespace` and `scopes` keys of a YAML rule (default: \
the workspace). Rules on virtual \
machines, storage accounts or anything else are reported once as skipped, so that nothing is \
silently ignored.\n\nFix: nothing, or add that namespace's metrics with `--catalog` (the JSON of \
`az monitor metrics list-definitions --resource ID -o json` will do) to have them checked.");
    UNRESOLVED_TARGET = ("AML119", "unresolved-target", Note, Catalog,
        "A metric alert whose target resource type cannot be known offline; catalog checks are skipped.",
        "The catalog checks (metric and dimension names, aggregations, threshold ranges) only hold \
for Azure ML resources. When a rule's `targetResourceType`, `scopes` and every criterion's \
`metricNamespace` are expressions without a value (a parameter with no default and no \
`allowedValues` of one type, `resourceId()`, a policy's `field('id')`), the rule could be on any \
resource type, and a metric valid there would be a false error here. The rule is counted and its \
schedule and severity are still checked.\n\nExample:\n\n    \"scopes\": [\"[parameters('resourceId')]\"]\n\nFix: pass the \
parameter values with `--parameters FILE`, or set `metricNamespace` on the criteria.");
    THRESHOLD_OUT_OF_RANGE = ("AML201", "threshold-out-of-range", Error, Threshold,
        "The threshold lies outside the values the metric can take.",
        "A percentage metric (CpuUtilization, GpuUtilization, Quota Utilization Percentage, a \
deployment's CpuUtilizationPercentage or DiskUtilization) takes values from 0 to 100; a count, \
energy, latency (milliseconds) or rate metric is never negative. A threshold \
outside that range is almost always a unit mistake (0.9 meant as 90 %, or 9000 meant as 90.00).\n\nExample:\n\n    metric: GpuUtilization\n    operator: GreaterThan\n    threshold: 150\n\nFix: express the threshold in the metric's unit.");
    CONDITION_NEVER_FIRES = ("AML202", "condition-never-fires", Error, Threshold,
        "The condition can never be true for the metric's range.",
        "`Failed Runs < 0` or `GpuUtilization > 100` can never hold: the metric never goes there. The \
alert is deployed, looks healthy and never fires.\n\nFix: reverse the operator or correct the threshold.");
    CONDITION_ALWAYS_FIRES = ("AML203", "condition-always-fires", Error, Threshold,
        "The condition is true for every value the metric can take.",
        "`Failed Runs >= 0` or `GpuUtilization <= 100` holds for every sample, so the alert fires on \
every evaluation and trains people to ignore it.\n\nFix: use a strict operator or a meaningful threshold.");
    INVALID_DYNAMIC_THRESHOLD = ("AML204", "invalid-dynamic-threshold", Error, Threshold,
        "A dynamic threshold whose failing periods cannot be met or whose operator is not allowed.",
        "A dynamic threshold alerts when at least `min-failing-periods` of the last \
`evaluation-periods` periods deviate. Azure requires 1 ≤ min-failing-periods ≤ evaluation-periods \
and allows only GreaterThan, LessThan or GreaterOrLessThan for dynamic criteria.\n\nExample:\n\n    dynamic: {sensitivity: Medium, evaluation-periods: 4, min-failing-periods: 5}\n\nFix: make min-failing-periods at most evaluation-periods.");
    INVALID_FREQUENCY = ("AML301", "invalid-frequency", Error, Schedule,
        "An evaluation frequency Azure does not accept.",
        "Metric alerts are evaluated every PT1M, PT5M, PT15M, PT30M or PT1H; Azure rejects other \
values at deployment.\n\nExample:\n\n    frequency: PT10M\n\nFix: pick the nearest allowed value, which the help names.");
    INVALID_WINDOW = ("AML302", "invalid-window", Error, Schedule,
        "A window size Azure does not accept.",
        "The aggregation window of a metric alert is one of PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, \
PT12H, P1D (PT24H); Azure rejects other values.\n\nExample:\n\n    window: PT2H\n\nFix: pick the nearest allowed value, which the help names.");
    WINDOW_SHORTER_THAN_FREQUENCY = ("AML303", "window-shorter-than-frequency", Error, Schedule,
        "The window is shorter than the evaluation frequency.",
        "With a 1-minute window evaluated every 5 minutes, four minutes of every five are never \
looked at: a spike in them does not alert. Azure requires windowSize ≥ evaluationFrequency.\n\nFix: widen the window or evaluate more often.");
    SEVERITY_OUT_OF_RANGE = ("AML304", "severity-out-of-range", Error, Schedule,
        "The alert severity is not an integer from 0 to 4.",
        "Azure Monitor alert severities run from 0 (critical) to 4 (verbose). Any other value is \
rejected at deployment.\n\nFix: use 0–4.");
    DUPLICATE_RULE_NAME = ("AML401", "duplicate-rule-name", Error, RuleSet,
        "Two rules in the linted files share a name.",
        "An alert rule's name is its identity in the resource group: deploying two rules with the same \
name makes the second overwrite the first. Names compare case-insensitively, as Azure resource \
names do, across every file of the run. Two rules whose sources both write out their resource \
group (`az … -g`, Terraform's `resource_group_name = \"…\"`) and name different groups do not \
collide; a rule whose group is decided at deployment (ARM, Bicep, a variable) collides with every \
namesake. An `az monitor metrics alert update` or `az monitor scheduled-query update` of a rule \
changes that rule: it is no second definition.\n\nFix: rename one of the rules.");
    INVERTED_PERCENTILE_THRESHOLDS = ("AML402", "inverted-percentile-thresholds", Warning, RuleSet,
        "A lower latency percentile alerts above a higher threshold than a higher percentile does.",
        "Percentiles of one distribution are ordered: P50 ≤ P90 ≤ P95 ≤ P99 at every moment. A rule set \
that alerts on `RequestLatency_P50 > 800` and on `RequestLatency_P99 > 500` for the same resource \
and dimension filters has its thresholds inverted: whenever the P50 rule fires, the P99 rule is \
already firing, so the P50 rule never tells anyone anything new, and the thresholds were most \
likely swapped. The check compares static `greater than` criteria on percentile metrics of one \
namespace with the same aggregation and dimension filters, across every file of the run.\n\nExample:\n\n    \
- name: p50-slow\n      namespace: Microsoft.MachineLearningServices/workspaces/onlineEndpoints\n      \
criteria: [{metric: RequestLatency_P50, aggregation: Average, operator: GreaterThan, threshold: 800}]\n    \
- name: p99-slow\n      namespace: Microsoft.MachineLearningServices/workspaces/onlineEndpoints\n      \
criteria: [{metric: RequestLatency_P99, aggregation: Average, operator: GreaterThan, threshold: 500}]\n\n\
Fix: give higher percentiles higher thresholds (P50 ≤ P90 ≤ P95 ≤ P99), or drop the redundant rule.");
    ILLEGAL_TRANSITION = ("AML501", "illegal-transition", Error, Audit,
        "An entity moved between two states that its lifecycle does not connect.",
        "Each lifecycle (run, compute job, cluster, node, operation) lists its legal transitions, \
with a source for each. A run that goes from Queued straight to Completed, or a job that reports \
Running after Queued was skipped, moved in a way the service does not: a lost event, a clock \
problem or a real fault. The finding names the record (file and line), the entity, the time, and \
the two states; `amlguard graph NAME` draws the legal transitions.\n\nFix: investigate the entity; if the \
transition is legitimate, add it with `--lifecycle` and a source.");
    EVENT_AFTER_TERMINAL = ("AML502", "event-after-terminal", Error, Audit,
        "An entity reported a new state after reaching a terminal state.",
        "Completed, Failed and Canceled runs, Succeeded and Failed jobs, unusable and preempted nodes \
do not come back. A record after the terminal one (a job Running after it Failed) means the \
stream is wrong or an id was reused. The same terminal state repeated (a duplicate record) is not \
reported.\n\nFix: find who wrote the record; if ids are reused, key the lifecycle on more fields.");
    UNKNOWN_STATE = ("AML503", "unknown-state", Error, Audit,
        "A record's state is not a state of its lifecycle.",
        "The state field (Status, ExecutionState, AllocationState, NodeState, ResultType) holds a \
value the lifecycle does not declare: a typo in a hand-written dump, a new state the service \
started emitting, or a record of another table. The help names the nearest declared state.\n\nFix: \
correct the record, or declare the state with `--lifecycle`.");
    DWELL_EXCEEDED = ("AML504", "dwell-exceeded", Warning, Audit,
        "An entity stayed in a state longer than the lifecycle's limit.",
        "A lifecycle may set `max-dwell` per state (a run in Finalizing for a day is hung). The \
finding names how long the entity stayed, from which record, and the limit. An entity still in \
the state at the end of the dump is measured up to the last record of the dump.\n\nFix: look at \
the entity; tune the limit with `--lifecycle`.");
    RECORD_INCONSISTENT = ("AML505", "record-inconsistent", Error, Audit,
        "A record disagrees with itself.",
        "Some tables carry redundant fields that must agree: an AmlComputeJobEvent's EventType \
(JobRunning) and ExecutionState (Running); an AmlComputeClusterEvent's node counts (never \
negative, never above MaximumNodeCount); an AmlComputeClusterNodeEvent's times \
(NodeAllocationTime ≤ NodeBootTime ≤ StartTaskStartTime ≤ StartTaskEndTime). A record that \
breaks one was written wrong.\n\nFix: report it to whoever produced the dump.");
    LATE_RECORD = ("AML506", "late-record", Warning, Audit,
        "A record arrived later than the reorder window allows.",
        "Records are put in time order per entity within a reorder window (default 1 h, \
`--reorder-window`). A record older than the window when it is read can no longer be placed \
and is reported instead of checked.\n\nFix: widen the window, or sort the dump by time.");
    STARTED_MID_LIFECYCLE = ("AML507", "started-mid-lifecycle", Note, Audit,
        "An entity's first record is not in an initial state.",
        "Dumps are windows of time: a run that started before the window begins mid-lifecycle. This \
is a note by default; `--strict` makes it an error for dumps that should be complete.\n\nFix: \
nothing for a windowed dump; widen the export otherwise.");
    OPEN_AT_END = ("AML508", "open-at-end", Note, Audit,
        "An entity had not reached a terminal state when the dump ended.",
        "A run still Running when the export window closed is normal. This is a note by default; \
`--strict` makes it an error for dumps that should be complete.\n\nFix: nothing for a windowed \
dump; widen the export otherwise.");
    UNREADABLE_RECORD = ("AML509", "unreadable-record", Warning, Audit,
        "A record could not be read: bad JSON, a missing key field, a bad time, invalid UTF-8.",
        "The audit accounts for every input record: each one is either checked or skipped with a \
reason. A truncated line, a record without its key or time, a time that does not parse, or bytes \
that are not UTF-8 are reported at their file and line, counted by reason in the summary, and \
the audit goes on.\n\nFix: repair or re-export the dump.");
    UNREACHABLE_STATE = ("AML601", "unreachable-state", Error, Lifecycle,
        "A lifecycle state that no path from an initial state reaches.",
        "A state that cannot be reached is either dead data in the spec or a missing transition; \
either way an audit would report every entity entering it as illegal.\n\nFix: add the missing \
transition, list the state as initial, or remove it.");
    NO_TERMINAL_PATH = ("AML602", "no-terminal-path", Error, Lifecycle,
        "A non-terminal state from which no terminal state can be reached.",
        "An entity in such a state could never finish; the spec is missing a transition (Failed is \
reachable from almost everything). Lifecycles without terminal states (a cluster lives forever) \
are not checked.\n\nFix: add a transition towards a terminal state.");
    EDGE_FROM_TERMINAL = ("AML603", "edge-from-terminal", Error, Lifecycle,
        "A transition out of a terminal state.",
        "Terminal states end an entity's life; an edge out of one contradicts the spec itself and \
would hide event-after-terminal findings.\n\nFix: remove the edge or the state's terminal flag.");
    UNDECLARED_STATE = ("AML604", "undeclared-state", Error, Lifecycle,
        "A state used in `initial`, `terminal`, `transitions` or `max-dwell` but not declared.",
        "Every state must be declared under `states` (with its source). An undeclared name is \
usually a typo, and the edge or flag that uses it is ignored.\n\nFix: declare the state or \
correct the name.");
    QUERY_SYNTAX = ("AML701", "query-syntax", Error, Query,
        "A log alert query is not valid KQL.",
        "The query of a log alert (or a `.kql` file, or `--query`) could not be parsed as KQL, so \
Azure Monitor would reject the rule or the query would fail at every evaluation. The diagnostic \
points at the token where the parser stopped (an unclosed string or bracket, a missing operand, \
an operator where an expression was expected); parsing resumes at the next `|`, so later \
problems are still reported.\n\nExample:\n\n    AmlComputeJobEvent | where EventType == | count\n\n\
Fix: complete the expression at the reported position.");
    QUERY_NOT_MODELLED = ("AML702", "query-not-modelled", Note, Query,
        "A query operator that amlguard reads past without checking.",
        "amlguard models the operators alert queries use (where, extend, project, summarize, join, \
union, make-series, mv-expand, parse, …). An operator it does not model (evaluate, render, \
fork, …) is skipped up to the next `|`: it is never an error, but the columns it produces are \
unknown, so the column checks stop there for the rest of that pipeline. This note says where.\n\n\
Fix: nothing; move the operator after the ones you want checked if you can.");
    UNKNOWN_TABLE = ("AML703", "unknown-table", Error, Query,
        "A log alert query reads a table that does not exist.",
        "A query over a table that the Log Analytics workspace does not have fails validation or, \
with skipQueryValidation, returns no rows at every evaluation: the alert never fires. Table names \
are case-sensitive. Resource-log category names are not always table names (records of the \
ComputeInstanceEvent category, for example, are not in a table of that name).\n\nExample:\n\n    \
AmlComputeJobEvents | where EventType == \"JobFailed\"\n\nFix: use the table name the help \
suggests; `amlguard catalog` lists the tables.");
    UNKNOWN_COLUMN = ("AML704", "unknown-column", Error, Query,
        "A log alert query uses a column that does not exist at that point of the query.",
        "Every column a query refers to must exist where it is used: in the table read, or made by \
an earlier `extend`, `project`, `summarize`, `project-rename`, `parse` or `join`. After \
`project` or `summarize` only the columns they produce remain. Column names are case-sensitive. \
A misspelt column makes the query fail, so the alert never fires.\n\nExample:\n\n    \
AmlComputeJobEvent | summarize count() by ClusterName | where EventType == \"JobFailed\"\n\n\
Fix: use the column the help suggests, or move the filter before the operator that dropped it.");
    UNKNOWN_COLUMN_VALUE = ("AML705", "unknown-column-value", Error, Query,
        "A query compares an enum-like column with a value it never takes.",
        "Some columns of the Azure ML tables take a known set of values (EventType, \
ExecutionState, Status, AllocationState, ResultType, Level). A comparison with any other value \
never matches, so the query returns nothing and the alert never fires, silently. `==`, `!=` \
and `in` compare case-sensitively; `=~`, `!~` and `in~` do not.\n\nExample:\n\n    \
AmlComputeJobEvent | where EventType == \"JobFaild\"\n\nFix: use a value the help lists, with \
its exact case, or compare with `=~`.");
    COLUMN_NOT_IN_OUTPUT = ("AML706", "column-not-in-output", Error, Query,
        "A log alert names a measure, resource-id or dimension column its query does not return.",
        "A log alert reads its query's result: `metricMeasureColumn` is the number compared with \
the threshold, `resourceIdColumn` splits alerts by resource, and each dimension splits or filters \
by a column. Each must be a column of the result, spelt exactly (names are case-sensitive). A \
column the query dropped (after `project` or `summarize … by`, only what they name remains) or \
misspelt makes Azure reject the rule, or, with skipQueryValidation, the rule never fires.\n\n\
Example:\n\n    query: AmlComputeJobEvent | summarize Failed = count() by ClusterName\n    \
measure-column: failed\n\nFix: name a column the help lists, or make the query return it \
(add it to `summarize … by` or `project`).");
    MEASURE_COLUMN_AGGREGATION = ("AML707", "measure-column-aggregation", Error, Query,
        "A log alert's aggregation and measure column do not go together.",
        "With `timeAggregation: Count` Azure counts the rows of the query's result and a \
`metricMeasureColumn` is not allowed; with Average, Minimum, Maximum or Total it aggregates the \
measure column, which is then required. Either mismatch is rejected at deployment.\n\nExample:\n\n    \
aggregation: Total\n    query: AmlComputeJobEvent | where EventType == \"JobFailed\"\n\n\
Fix: count rows with `Count` and no measure column, or name the numeric column to aggregate.");
    FAILING_PERIODS_OUT_OF_RANGE = ("AML708", "failing-periods-out-of-range", Error, Schedule,
        "failingPeriods is outside 1–6, or asks for more failing periods than it evaluates.",
        "`numberOfEvaluationPeriods` and `minFailingPeriodsToAlert` each take 1 to 6, and the \
minimum number of failing periods cannot exceed the number of periods evaluated: such a rule is \
rejected at deployment (or could never fire).\n\nExample:\n\n    failing-periods: \
{evaluation-periods: 2, min-failing-periods: 3}\n\nFix: keep both within 1–6 with the minimum ≤ \
the number of periods.");
    LOOKBACK_TOO_LONG = ("AML709", "lookback-too-long", Error, Schedule,
        "A log alert looks back more than 48 hours.",
        "A log alert's query runs over its look-back: `overrideQueryTimeRange` when set, otherwise \
the window times `numberOfEvaluationPeriods`. Azure caps the look-back at 48 hours and rejects \
a rule beyond it.\n\nExample:\n\n    window: P1D\n    failing-periods: {evaluation-periods: 3, \
min-failing-periods: 1}\n\nFix: shorten the window or evaluate fewer periods.");
    FREQUENCY_ABOVE_LOOKBACK = ("AML710", "frequency-above-lookback", Error, Schedule,
        "A log alert is evaluated less often than its look-back covers.",
        "A log alert runs its query every `evaluationFrequency` over its look-back (window × \
periods, or `overrideQueryTimeRange`). When the frequency is longer than the look-back, the \
records between two look-backs are never queried, and Azure rejects the rule.\n\nExample:\n\n    \
frequency: PT1H\n    window: PT15M\n\nFix: widen the window (or the override) to at least the \
frequency, or evaluate more often.");
    AUTO_MITIGATE_WITH_MUTE = ("AML711", "auto-mitigate-with-mute", Error, Schedule,
        "A log alert both resolves itself and mutes its actions.",
        "`autoMitigate` (resolve the alert when the condition clears) and `muteActionsDuration` \
(silence actions for a while after firing) cannot both be set on a scheduled query rule.\n\n\
Example:\n\n    auto-mitigate: true\n    mute-actions: PT1H\n\nFix: keep one: set `auto-mitigate: \
false` to mute, or drop the mute duration.");
    PERIODS_WITHOUT_TIME_COLUMN = ("AML712", "periods-without-time-column", Error, Query,
        "A log alert evaluates several periods but its query returns no timestamp column.",
        "With `numberOfEvaluationPeriods` above 1, Azure splits the query's result into periods by \
its timestamp column; a query whose result has none (after `summarize count() by ClusterName`, \
or `project` without TimeGenerated) gives Azure nothing to split, and the rule is rejected. \
The check fires only when every column of the result is known not to be a timestamp.\n\n\
Example:\n\n    query: AmlComputeJobEvent | summarize count() by ClusterName\n    \
failing-periods: {evaluation-periods: 3, min-failing-periods: 2}\n\nFix: summarize by \
`bin(TimeGenerated, <window>)` as well, or evaluate one period.");
    LOG_OPERATOR_SPELLING = ("AML713", "log-operator-spelling", Error, Threshold,
        "A log alert's operator is spelt `Equals`, which the service rejects.",
        "The REST specification of scheduled query rules (and so the ARM schema, Bicep's types \
and IntelliSense) lists `Equals`, but the service accepts only `Equal` and answers `Equals` with \
\"Requested value 'Equals' was not found\". Metric alerts, on the other hand, spell it `Equals`. \
Terraform's `azurerm_monitor_scheduled_query_rules_alert_v2` takes `Equal`.\n\nExample:\n\n    \
\"operator\": \"Equals\"\n\nFix: write `Equal`.");
    INVALID_LOG_FREQUENCY = ("AML714", "invalid-log-frequency", Error, Schedule,
        "A log alert's evaluation frequency is not one Azure accepts.",
        "Scheduled query rules are evaluated every PT1M, PT5M, PT10M, PT15M, PT30M, PT45M, PT1H, \
PT2H, PT3H, PT4H, PT5H, PT6H or P1D; any other frequency is rejected at deployment (metric \
alerts take a different list).\n\nExample:\n\n    frequency: PT20M\n\nFix: use the allowed \
value the help suggests.");
    INVALID_LOG_WINDOW = ("AML715", "invalid-log-window", Error, Schedule,
        "A log alert's window (aggregation granularity) is not one Azure accepts.",
        "A scheduled query rule's `windowSize` is one of PT5M, PT10M, PT15M, PT30M, PT45M, PT1H, \
PT2H, PT3H, PT4H, PT5H, PT6H, P1D or P2D; a rule evaluated every minute (PT1M) takes PT1M to PT6H \
instead. Any other window is rejected at deployment.\n\nExample:\n\n    frequency: PT5M\n    \
window: PT1M\n\nFix: use the allowed value the help suggests.");
    INVALID_LOG_DURATION = ("AML716", "invalid-log-duration", Error, Schedule,
        "A log alert's query-time override or mute duration is not one Azure accepts.",
        "`overrideQueryTimeRange` takes PT5M, PT10M, PT15M, PT20M, PT30M, PT45M, PT1H … PT6H, P1D \
or P2D, and `muteActionsDuration` PT5M, PT10M, PT15M, PT30M, PT45M, PT1H … PT6H, P1D or P2D. An \
override shorter than window × periods, or a mute shorter than the evaluation frequency, is \
rejected too.\n\nExample:\n\n    window: PT1H\n    override-query-time-range: PT30M\n\nFix: use \
an allowed value at least as long as the help says.");
    LEGACY_LOG_ALERT_API = ("AML717", "legacy-log-alert-api", Warning, Input,
        "A log alert uses the legacy scheduledQueryRules API (2018-04-16).",
        "Scheduled query rules written against API version 2018-04-16 (`source.query`, \
`schedule.frequencyInMinutes`, `action` with an AlertingAction) are the legacy Log Analytics \
alerts. Microsoft asks users to move them to the current API (2021-08-01 and later), which \
has dimensions, failing periods and auto-mitigation; amlguard checks their query only.\n\n\
Example:\n\n    {\"type\": \"Microsoft.Insights/scheduledQueryRules\", \"apiVersion\": \
\"2018-04-16\", \"properties\": {\"source\": {\"query\": \"…\"}, \"schedule\": {…}, \"action\": \
{…}}}\n\nFix: rewrite the rule with `criteria.allOf`, `evaluationFrequency` and `windowSize`.");
    NOT_AN_AML_QUERY = ("AML718", "not-an-aml-query", Note, Query,
        "A log alert's query reads no Azure ML table, so it is not checked against the catalog.",
        "amlguard knows the tables of Azure ML's resource logs (AmlComputeJobEvent, \
AmlRunStatusChangedEvent, …). A log alert over other tables (Perf, Heartbeat, requests, \
AzureDiagnostics) is somebody else's rule: rather than call every such table unknown, the rule \
is noted, its query is parsed (syntax errors are still errors) and its schedule and settings are \
checked, but its tables and columns are not. A table name close to an Azure ML table \
(`AmlComputeJobEvents`) is still an `unknown-table` error.\n\nExample:\n\n    query: Perf | \
where CounterName == \"% Free Space\"\n\nFix: nothing; add the tables to the catalog if you \
want them checked.");
    // Log-rule readers.
    UNKNOWN_QUERY_PLACEHOLDER = ("AML730", "unknown-query-placeholder", Error, Input,
        "An az CLI log condition names a query placeholder that `--condition-query` does not define.",
        "`az monitor scheduled-query create --condition` takes the query as a quoted placeholder \
(`count 'Placeholder_1' > 0`) whose KQL is given by `--condition-query Placeholder_1=\"…\"`. A \
placeholder that no `--condition-query` defines is sent to Azure as the query itself, so the rule \
runs a query that is only the placeholder's name, or is rejected.\n\nExample:\n\n    \
az monitor scheduled-query create … --condition \"count 'Placeholder_2' > 0\" \
--condition-query Placeholder_1=\"AmlComputeJobEvent | where EventType == 'JobFailed'\"\n\n\
Fix: define the placeholder with `--condition-query`, or correct its name.");
    SERIES_SYNTAX = ("AML801", "series-syntax", Error, RuleTest,
        "An input series of a rule unit test is not in the series notation.",
        "`values` of an input series is written in promtool's notation: `a` one sample, `_` a \
minute without samples, `a+bxn` the n + 1 samples a, a+b, …, a+nb (`a-bxn` counting down), `axn` \
a repeated n + 1 times, `_xn` n minutes without samples, separated by blanks. Values are finite \
numbers. Prometheus's `stale` has no Azure counterpart (a minute without samples has no point), \
and a series may expand to at most 1,000,000 samples. The diagnostic points at the term that does \
not parse, and that test group is not run.\n\nExample:\n\n    values: \"0 0 1+1x5 stale\"\n\n\
Fix: write the term as the help says (`_` for a missing minute).");
    RULE_FILE_NOT_FOUND = ("AML802", "rule-file-not-found", Error, RuleTest,
        "A `rule_files` entry of a test file names no readable file.",
        "Rule files are found relative to the test file's directory (a directory is searched for \
rule files as `amlguard lint` does). An entry that names nothing would leave the tests without \
their rules, so every alert test of the file would fail for the wrong reason.\n\nExample:\n\n    \
rule_files: [../recommended.yml]\n\nFix: correct the path (relative to the test file).");
    UNKNOWN_ALERT_RULE = ("AML803", "unknown-alert-rule", Error, RuleTest,
        "An alert test names a rule that no rule file defines.",
        "`alertname` must be the `name` of a rule in the test file's `rule_files`. Names are \
matched exactly; the help suggests the nearest name.\n\nExample:\n\n    alertname: \
aml-failed-run\n\nFix: use the rule's name as its rule file spells it.");
    RULE_NOT_EVALUATED = ("AML804", "rule-not-evaluated", Error, RuleTest,
        "An alert test's rule cannot be evaluated on the test's input series.",
        "The rule is evaluated as Azure Monitor evaluates metric alerts, on the test's input \
series. That is impossible when the rule is a log alert, is disabled, has a dynamic threshold \
(Azure learns it from weeks of history), lacks its aggregation, operator or threshold, has no \
input series for its metric, or filters on a dimension that no input series of the metric \
carries. A test of such a rule would pass or fail by accident, so it is an error.\n\nExample:\n\n\
    input_series:\n      - metric: Failed Run\n\nFix: give the input series the rule's metric \
and dimensions, or test another rule.");
    ALERT_TEST_FAILED = ("AML805", "alert-test-failed", Error, RuleTest,
        "A rule's alerts at an evaluation time are not the expected ones.",
        "At `eval_time` (counted from the test group's `start`), the alerts the rule has open \
are compared with `exp_alerts`: one alert per time series (its dimension values), and where the \
expected alert says so, the value that crossed the threshold and when it fired. An alert is \
open from the evaluation that fired it until the third clean evaluation in a row resolves it. \
`exp_alerts: []` means the rule must not fire. The help shows the difference: `-` expected but \
missing, `+` open but not expected.\n\nExample:\n\n    - eval_time: 10m\n      alertname: \
aml-failed-runs\n      exp_alerts: []\n\nFix: correct the rule (threshold, window, \
aggregation, dimensions) or the expectation, whichever is wrong.");
    DUPLICATE_INPUT_SERIES = ("AML806", "duplicate-input-series", Error, RuleTest,
        "Two input series of a test group have the same metric and dimension values.",
        "Each time series of a metric is identified by its dimension values; two input series \
with the same metric and the same values would be one series in Azure, with samples given \
twice. The second is reported, and the test group is not run.\n\nExample:\n\n    - metric: Failed Runs\n      \
values: 0 1\n    - metric: failed runs\n      values: 1 0\n\nFix: merge the two into one \
series, or give them different dimension values.");
}

/// Finds a check by code (`AML103`) or name (`dimension-not-applicable`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<&'static CheckInfo> {
    ALL.iter().copied().find(|c| {
        c.code.eq_ignore_ascii_case(code_or_name) || c.name.eq_ignore_ascii_case(code_or_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for c in ALL {
            assert!(codes.insert(c.code), "duplicate code {}", c.code);
            assert!(names.insert(c.name), "duplicate name {}", c.name);
            assert!(c.code.starts_with("AML") && c.code.len() == 6, "{}", c.code);
            assert!(
                c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{}",
                c.name
            );
            assert!(c.explanation.contains("Fix"), "{} has no fix", c.code);
        }
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(lookup("aml103").unwrap().name, "dimension-not-applicable");
        assert_eq!(lookup("Unknown-Metric").unwrap().code, "AML101");
        assert!(lookup("nope").is_none());
    }
}
