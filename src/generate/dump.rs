//! A realistic diagnostic-settings dump (one JSON record per line, `properties` as an object)
//! of N runs with their status changes interleaved in time, some AmlCompute jobs and cluster
//! resizes; optionally shuffled within a window and with planted violations, each listed in a
//! manifest with its line, so a test can demand exactly those findings.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Write};

use super::Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DumpSpec {
    pub runs: usize,
    pub seed: u64,
    /// Records may be written up to this many seconds after their time (0: in time order).
    pub shuffle_seconds: u64,
    /// Plant one violation every this many runs (0: none).
    pub plant_every: usize,
    /// Bursts of runs entering a status at a given minute.
    pub bursts: Vec<Burst>,
}

/// Run statuses in their documented order (Azure ML JobStatus): a burst run passes through the
/// ones a run needs before the burst's status.
const STATUS_ORDER: [&str; 12] = [
    "NotStarted",
    "Starting",
    "Provisioning",
    "Preparing",
    "Queued",
    "Running",
    "Finalizing",
    "CancelRequested",
    "Completed",
    "Failed",
    "Canceled",
    "NotResponding",
];

/// `COUNT` runs entering `status` within the minute that starts at `at`, so that a test can
/// demand the alerts they cause: `Failed@2026-11-18T11:30Z x20`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    pub status: &'static str,
    /// Seconds since the epoch, at a whole minute.
    pub at: i64,
    pub count: u32,
}

impl Burst {
    /// Parses `STATUS@TIME[ xCOUNT]` (`Failed@2026-11-18T11:30Z x20`; the count defaults to 1
    /// and may follow without a blank: `…Zx20`). The status is matched case-insensitively;
    /// the time is RFC 3339 UTC and must fall on a whole minute.
    pub fn parse(text: &str) -> Result<Burst, String> {
        let (status, rest) = text.split_once('@').ok_or_else(|| {
            format!("`{text}` is not STATUS@TIME[ xCOUNT] (e.g. Failed@2026-11-18T11:30Z x20)")
        })?;
        let status = STATUS_ORDER
            .iter()
            .find(|s| s.eq_ignore_ascii_case(status.trim()))
            .ok_or_else(|| {
                format!(
                    "`{}` is not a run status; expected one of {}",
                    status.trim(),
                    STATUS_ORDER.join(", ")
                )
            })?;
        let rest = rest.trim();
        let (time, count) = match rest.rfind(['x', 'X']) {
            Some(i) if rest[i + 1..].chars().all(|c| c.is_ascii_digit()) && i + 1 < rest.len() => {
                (rest[..i].trim(), &rest[i + 1..])
            }
            _ => (rest, "1"),
        };
        let count: u32 = count
            .parse()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| format!("`{count}` is not a count from 1 to 100000"))?;
        let at = time
            .parse::<jiff::Timestamp>()
            .map_err(|e| format!("`{time}` is not an RFC 3339 time: {e}"))?
            .as_second();
        if at.rem_euclid(60) != 0 {
            return Err(format!("`{time}` is not on a whole minute"));
        }
        Ok(Burst { status, at, count })
    }

    /// The statuses a burst run goes through, the burst's last.
    fn path(&self) -> Vec<&'static str> {
        let target = STATUS_ORDER
            .iter()
            .position(|s| *s == self.status)
            .unwrap_or(0);
        let mut p: Vec<&'static str> = ["Starting", "Queued", "Running"]
            .into_iter()
            .filter(|s| STATUS_ORDER.iter().position(|x| x == s).unwrap_or(0) < target)
            .collect();
        match self.status {
            "Completed" => p.push("Finalizing"),
            "Canceled" => p.push("CancelRequested"),
            _ => {}
        }
        p.push(self.status);
        p
    }
}

/// A planted violation: the check that must report it, and where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Planted {
    pub check: &'static str,
    pub line: u64,
    pub entity: String,
}

const BASE: i64 = 1_795_000_000; // 2026-11-18T…Z, seconds
const RESOURCE: &str = "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/ML-PROD/PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/AML-PROD";
const EXPERIMENTS: [&str; 5] = [
    "nightly-train",
    "hp-sweep",
    "feature-pipeline",
    "eval",
    "batch-score",
];
const COMPUTES: [&str; 3] = ["gpu-cluster", "cpu-cluster", "a100-cluster"];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Run {
        status: &'static str,
        /// A run of a planted burst (experiment `burst`).
        burst: bool,
    },
    Job {
        event: &'static str,
        state: &'static str,
    },
    Cluster {
        state: &'static str,
        current: u32,
    },
    Truncated,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Rec {
    /// When the record is written (its time plus any shuffle delay).
    write_at: i64,
    /// The fraction of a second of its time (in 100 ns), so that records of one second are
    /// written in time order too.
    frac: u64,
    seq: u64,
    time: i64,
    entity: String,
    kind: Kind,
    plant: Option<&'static str>,
}

/// The status path of run `i`, and the violation planted in it.
fn run_path(
    rng: &mut Rng,
    plant: Option<u8>,
) -> (Vec<&'static str>, Option<(&'static str, usize)>) {
    let mut p = vec!["Starting"];
    if rng.below(3) == 0 {
        p.push("Provisioning");
    }
    if rng.below(2) == 0 {
        p.push("Preparing");
    }
    p.push("Queued");
    p.push("Running");
    match rng.below(10) {
        0 => p.push("Failed"),
        1 => {
            p.push("CancelRequested");
            p.push("Canceled");
        }
        2 => {
            p.extend(["NotResponding", "Running", "Finalizing", "Completed"]);
        }
        _ => p.extend(["Finalizing", "Completed"]),
    }
    let planted = match plant {
        // Queued → Completed: Running and what follows it are lost.
        Some(0) => {
            let q = p.iter().position(|s| *s == "Queued").expect("queued");
            p.truncate(q + 1);
            p.push("Completed");
            Some(("illegal-transition", p.len() - 1))
        }
        // A record after the terminal one.
        Some(1) => {
            p.push("Running");
            Some(("event-after-terminal", p.len() - 1))
        }
        // A misspelt status between Running and the next state.
        Some(2) => {
            let r = p.iter().position(|s| *s == "Running").expect("running");
            p.insert(r + 1, "Finalising");
            Some(("unknown-state", r + 1))
        }
        _ => None,
    };
    (p, planted)
}

/// Writes the dump; returns the planted violations (in line order) and the record count.
pub fn write_dump(spec: &DumpSpec, out: &mut dyn Write) -> io::Result<(Vec<Planted>, u64)> {
    let mut rng = Rng::new(spec.seed);
    // Shuffling draws from its own generator, so a shuffled dump holds the same records.
    let mut shuffle = Rng::new(spec.seed ^ 0x5EED_5EED);
    let mut pending: BinaryHeap<Reverse<Rec>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut push = |_: &mut Rng,
                    pending: &mut BinaryHeap<Reverse<Rec>>,
                    time: i64,
                    entity: String,
                    kind: Kind,
                    plant: Option<&'static str>| {
        let delay = if spec.shuffle_seconds > 0 {
            shuffle.below(spec.shuffle_seconds) as i64
        } else {
            0
        };
        pending.push(Reverse(Rec {
            write_at: time + delay,
            frac: (seq * 7919) % 10_000_000,
            seq,
            time,
            entity,
            kind,
            plant,
        }));
        seq += 1;
    };
    // Burst runs draw from their own generator and number their records apart: the rest of
    // the dump stays byte for byte what it is without them.
    let mut burst_ids = Rng::new(spec.seed ^ 0xB0B5_7000);
    let mut burst_seq = 1u64 << 62;
    for (b, burst) in spec.bursts.iter().enumerate() {
        let path = burst.path();
        for i in 0..i64::from(burst.count) {
            let run_id = format!(
                "b{b:07x}-{i:04x}-4000-a000-{:012x}",
                burst_ids.next_u64() & 0xffff_ffff_ffff
            );
            // Spread over the burst's minute; the statuses before it a minute apart.
            let t = burst.at + i * 60 / i64::from(burst.count);
            let steps = path.len() as i64;
            for (k, status) in path.iter().enumerate() {
                let time = t - 60 * (steps - 1 - k as i64);
                pending.push(Reverse(Rec {
                    write_at: time,
                    frac: 0,
                    seq: burst_seq,
                    time,
                    entity: run_id.clone(),
                    kind: Kind::Run {
                        status,
                        burst: true,
                    },
                    plant: None,
                }));
                burst_seq += 1;
            }
        }
    }
    let mut planted = Vec::new();
    let mut line = 0u64;
    let mut buf = Vec::with_capacity(1024);
    let mut emit = |rec: &Rec,
                    out: &mut dyn Write,
                    planted: &mut Vec<Planted>,
                    line: &mut u64|
     -> io::Result<()> {
        *line += 1;
        buf.clear();
        record_json(rec, &mut buf);
        out.write_all(&buf)?;
        if let Some(check) = rec.plant {
            planted.push(Planted {
                check,
                line: *line,
                entity: rec.entity.clone(),
            });
        }
        Ok(())
    };
    // Runs start every 3 s on average; each status change follows 10 s – 10 min later.
    let mut start = BASE;
    let mut next_cluster = BASE;
    let mut cluster_state = [false; 3];
    for i in 0..spec.runs {
        start += 1 + rng.below(5) as i64;
        // Cluster resizes every ~10 minutes, over the whole dump.
        while next_cluster <= start {
            let c = rng.below(3) as usize;
            cluster_state[c] = !cluster_state[c];
            let state = if cluster_state[c] {
                "Resizing"
            } else {
                "Steady"
            };
            let current = rng.below(8) as u32;
            push(
                &mut rng,
                &mut pending,
                next_cluster,
                COMPUTES[c].to_string(),
                Kind::Cluster { state, current },
                None,
            );
            next_cluster += 600;
        }
        let plant = (spec.plant_every > 0 && i % spec.plant_every == spec.plant_every - 1)
            .then(|| ((i / spec.plant_every) % 5) as u8);
        let run_id = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            rng.next_u64() as u32,
            i % 65536,
            rng.below(4096),
            rng.below(4096),
            rng.next_u64() & 0xffff_ffff_ffff
        );
        let (path, run_plant) = run_path(&mut rng, plant.filter(|p| *p < 3));
        let mut t = start;
        let mut times = Vec::with_capacity(path.len());
        for (k, status) in path.iter().enumerate() {
            let p = run_plant.filter(|(_, at)| *at == k).map(|(c, _)| c);
            push(
                &mut rng,
                &mut pending,
                t,
                run_id.clone(),
                Kind::Run {
                    status,
                    burst: false,
                },
                p,
            );
            times.push(t);
            t += 10 + rng.below(600) as i64;
        }
        // Every other run also shows as an AmlCompute job.
        if i % 2 == 0 || plant == Some(3) {
            let job = format!("job-{run_id}");
            let inconsistent = plant == Some(3);
            let q = times[0] + 5;
            push(
                &mut rng,
                &mut pending,
                q,
                job.clone(),
                Kind::Job {
                    event: "JobSubmitted",
                    state: "Queued",
                },
                None,
            );
            let (ev, st) = if inconsistent {
                ("JobRunning", "Queued")
            } else {
                ("JobRunning", "Running")
            };
            push(
                &mut rng,
                &mut pending,
                q + 20,
                job.clone(),
                Kind::Job {
                    event: ev,
                    state: st,
                },
                inconsistent.then_some("record-inconsistent"),
            );
            if !inconsistent {
                push(
                    &mut rng,
                    &mut pending,
                    q + 40,
                    job,
                    Kind::Job {
                        event: "JobSucceeded",
                        state: "Succeeded",
                    },
                    None,
                );
            } else {
                push(
                    &mut rng,
                    &mut pending,
                    q + 40,
                    job,
                    Kind::Job {
                        event: "JobFailed",
                        state: "Failed",
                    },
                    None,
                );
            }
        }
        if plant == Some(4) {
            push(
                &mut rng,
                &mut pending,
                start,
                run_id.clone(),
                Kind::Truncated,
                Some("unreadable-record"),
            );
        }
        // Write what can no longer be preceded by a later-generated record.
        while pending.peek().is_some_and(|Reverse(r)| r.write_at < start) {
            let Reverse(r) = pending.pop().expect("peeked");
            emit(&r, out, &mut planted, &mut line)?;
        }
    }
    while let Some(Reverse(r)) = pending.pop() {
        emit(&r, out, &mut planted, &mut line)?;
    }
    Ok((planted, line))
}

fn iso(t: i64, frac: u64) -> String {
    let ts = jiff::Timestamp::from_second(t).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let s = ts.to_string();
    format!("{}.{frac:07}Z", s.trim_end_matches('Z'))
}

fn record_json(r: &Rec, out: &mut Vec<u8>) {
    let time = iso(r.time, r.frac);
    let (category, op, props) = match &r.kind {
        Kind::Run { status, burst } => (
            "AmlRunStatusChangedEvent",
            "Microsoft.MachineLearningServices/workspaces/runs/statusChanged",
            format!(
                "{{\"RunId\":\"{}\",\"Status\":\"{status}\",\"ExperimentName\":\"{}\",\"ComputeTarget\":\"{}\",\"RunType\":\"azureml.scriptrun\"}}",
                r.entity,
                if *burst {
                    "burst"
                } else {
                    EXPERIMENTS[(r.seq % 5) as usize]
                },
                COMPUTES[(r.seq % 3) as usize]
            ),
        ),
        Kind::Job { event, state } => (
            "AmlComputeJobEvent",
            "Microsoft.MachineLearningServices/workspaces/computes/jobs/write",
            format!(
                "{{\"JobId\":\"{}\",\"JobName\":\"{}\",\"ClusterName\":\"{}\",\"EventType\":\"{event}\",\"ExecutionState\":\"{state}\",\"ToolType\":\"Python\",\"RunInContainer\":\"true\"}}",
                r.entity,
                r.entity.trim_start_matches("job-"),
                COMPUTES[(r.seq % 3) as usize]
            ),
        ),
        Kind::Cluster { state, current } => (
            "AmlComputeClusterEvent",
            "Microsoft.MachineLearningServices/workspaces/computes/resize",
            format!(
                "{{\"ClusterName\":\"{}\",\"AllocationState\":\"{state}\",\"CurrentNodeCount\":{current},\"TargetNodeCount\":{current},\"MinimumNodeCount\":0,\"MaximumNodeCount\":8,\"VmSize\":\"STANDARD_NC6S_V3\",\"VmPriority\":\"Dedicated\"}}",
                r.entity
            ),
        ),
        Kind::Truncated => {
            let _ = writeln!(
                out,
                "{{\"time\":\"{time}\",\"resourceId\":\"{RESOURCE}\",\"category\":\"AmlRunStatusChangedEvent\",\"properties\":{{\"RunId\":\"{}\",\"Sta",
                r.entity
            );
            return;
        }
    };
    let _ = writeln!(
        out,
        "{{\"time\":\"{time}\",\"resourceId\":\"{RESOURCE}\",\"category\":\"{category}\",\"operationName\":\"{op}\",\"level\":\"Informational\",\"resultType\":\"Succeeded\",\"correlationId\":\"{:016x}\",\"properties\":{props}}}",
        r.seq.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    );
}
