//! The comparison program for the audit's throughput target: a bare serde_json parse of the
//! same fields, streaming the file in 1 MiB chunks of whole lines to 2 parsing threads.
//!
//!     cargo bench --bench baseline -- /tmp/dump.json
//!
//! prints the number of records parsed; time it as a whole process beside
//! `amlguard audit --format json /tmp/dump.json`.

use std::io::Read;
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};

#[path = "support/record.rs"]
mod record;
use record::Record;

const CHUNK: usize = 1 << 20;

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        // Run by `cargo bench` without a file: nothing to measure.
        return;
    };
    let mut file = std::fs::File::open(&path).expect("dump file");
    let (tx, rx) = sync_channel::<Vec<u8>>(4);
    let rx = Arc::new(Mutex::new(rx));
    let total = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let rx = Arc::clone(&rx);
                s.spawn(move || {
                    let mut n = 0usize;
                    loop {
                        let Ok(chunk) = rx.lock().expect("lock").recv() else {
                            return n;
                        };
                        n += chunk
                            .split(|b| *b == b'\n')
                            .filter(|l| {
                                !l.is_empty() && serde_json::from_slice::<Record>(l).is_ok()
                            })
                            .count();
                    }
                })
            })
            .collect();
        let mut carry = Vec::new();
        loop {
            let mut buf = Vec::with_capacity(CHUNK + (1 << 16));
            buf.append(&mut carry);
            let n = (&mut file)
                .take((CHUNK - buf.len().min(CHUNK)) as u64)
                .read_to_end(&mut buf)
                .expect("read");
            if n == 0 && buf.is_empty() {
                break;
            }
            if n != 0
                && let Some(i) = buf.iter().rposition(|b| *b == b'\n')
            {
                carry.extend_from_slice(&buf[i + 1..]);
                buf.truncate(i + 1);
            }
            tx.send(buf).expect("send");
            if n == 0 {
                break;
            }
        }
        drop(tx);
        workers
            .into_iter()
            .map(|w| w.join().expect("worker"))
            .sum::<usize>()
    });
    println!("{total}");
}
