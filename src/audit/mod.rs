//! The event-stream audit: read Azure ML resource-log dumps, group records by lifecycle and
//! entity, order each entity's events by time, and check every step against the lifecycle.

pub mod classify;
pub mod histogram;
pub mod input;
pub mod record;
pub mod reorder;
pub mod run;
mod scan;
pub mod time;
pub mod tracker;
