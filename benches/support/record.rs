//! The fields the audit reads, as a plain serde struct borrowing from the line: what the
//! audit's throughput is compared against.

use std::borrow::Cow;

use serde::Deserialize;

#[allow(dead_code, non_snake_case)]
#[derive(Deserialize)]
pub struct Record<'a> {
    #[serde(borrow)]
    time: Cow<'a, str>,
    #[serde(borrow)]
    category: Cow<'a, str>,
    #[serde(borrow)]
    properties: Props<'a>,
}

#[allow(dead_code, non_snake_case)]
#[derive(Deserialize)]
pub struct Props<'a> {
    #[serde(borrow)]
    RunId: Option<Cow<'a, str>>,
    #[serde(borrow)]
    Status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    JobId: Option<Cow<'a, str>>,
    #[serde(borrow)]
    EventType: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ExecutionState: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ClusterName: Option<Cow<'a, str>>,
    #[serde(borrow)]
    AllocationState: Option<Cow<'a, str>>,
    CurrentNodeCount: Option<f64>,
    TargetNodeCount: Option<f64>,
    MaximumNodeCount: Option<f64>,
}
