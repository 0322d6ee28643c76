//! Reading dumps as they come: diagnostic-settings archives (one JSON record per line),
//! Event Hub captures (`{"records": […]}`, on one line or pretty-printed), Log Analytics query
//! results (a JSON array of rows) and portal CSV exports, chosen by content; gzip is read
//! transparently. Input is cut into chunks of whole records ("units") for the worker threads.
//!
//! Every byte of a readable dump ends up in a unit or in a [`Skip`] with its line: a malformed
//! array element, a stray `]`, a line longer than [`MAX_RECORD_BYTES`] or a stream that breaks
//! mid-record are counted and located, and reading goes on where it can. Memory is bounded by
//! the chunk size and the record-length limit, whatever the input.

use std::io::{BufRead, BufReader, Cursor, Read};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

/// The shapes of dump amlguard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line (diagnostic settings; Event Hub bodies are detected per line).
    JsonLines,
    /// One JSON array of row objects (`az monitor log-analytics query`).
    JsonArray,
    /// JSON values spread over lines: pretty-printed Event Hub captures
    /// (`{"records": [ … ]}`, whose elements are the records) or pretty-printed records.
    JsonDocument,
    /// A CSV table with a header row.
    Csv,
}

/// What the first bytes of an input say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    Dump(Format),
    /// Not a dump, and why (nothing of it is read).
    NotADump(String),
}

/// How much of an input format detection looks at.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// The longest record read; longer lines or elements are skipped (and counted) unread.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// A record: its place in a chunk's bytes, and where it was in the input as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unit {
    /// The record's bytes in the chunk: `bytes[start..end]`.
    pub start: u32,
    pub end: u32,
    /// The 1-based line and character column of its first byte.
    pub line: u64,
    pub column: u64,
    /// Byte offset of its first byte in the input as read, and its length there.
    pub offset: u64,
    pub length: u64,
    /// Where it ends (line, exclusive character column), for records whose chunk bytes are not
    /// the input's (CSV rows, re-encoded); zero when the chunk bytes are the input's, from
    /// which the end follows ([`Unit::place`]).
    pub end_line: u64,
    pub end_column: u64,
}

impl Unit {
    /// A record in `bytes[start..end]` at `line`, column 1, with no place in the input.
    pub fn new(start: u32, end: u32, line: u64) -> Self {
        Unit {
            start,
            end,
            line,
            column: 1,
            ..Unit::default()
        }
    }

    /// The record inside this one at `bytes[self.start + from..self.start + to]` (a record of
    /// an Event Hub body), when this one's chunk bytes are the input's.
    pub fn sub(&self, bytes: &[u8], from: usize, to: usize) -> Unit {
        if self.end_line != 0 {
            // Re-encoded: only the whole record has a place in the input.
            return *self;
        }
        let s = (self.start as usize + from).min(self.end as usize);
        let e = (self.start as usize + to).clamp(s, self.end as usize);
        let before = bytes.get(self.start as usize..s).unwrap_or_default();
        let (line, column) = end_of(self.line, self.column, before);
        Unit {
            start: s as u32,
            end: e as u32,
            line,
            column,
            offset: self.offset + (s - self.start as usize) as u64,
            length: (e - s) as u64,
            end_line: 0,
            end_column: 0,
        }
    }

    /// Where the record is: its span from its first character to just after its last, and its
    /// bytes. `bytes` are the chunk's (the end is counted from them when not given).
    pub fn place(&self, bytes: &[u8]) -> crate::finding::RecordPos {
        let text = bytes
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default();
        self.place_of(text, printable_ascii(text))
    }

    /// [`Unit::place`] given the record's bytes and whether they are all printable ASCII
    /// ([`printable_ascii`]; `false` is always safe): then the record ends on its first line,
    /// a byte a column, and nothing more needs counting.
    pub fn place_of(&self, text: &[u8], printable: bool) -> crate::finding::RecordPos {
        debug_assert!(!printable || printable_ascii(text));
        let (end_line, end_column) = if self.end_line != 0 {
            (self.end_line, self.end_column)
        } else if printable {
            (self.line, self.column + text.len() as u64)
        } else {
            end_of(self.line, self.column, text)
        };
        crate::finding::RecordPos {
            column: self.column,
            end_line,
            end_column,
            offset: self.offset,
            length: self.length,
        }
    }
}

/// A record that could not be cut out of the input, with its line and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub line: u64,
    /// The summary's reason (a short, stable phrase).
    pub reason: &'static str,
    pub detail: String,
}

/// A chunk's bytes, its records and the records skipped while cutting it.
pub type ChunkParts = (Vec<u8>, Vec<Unit>, Vec<Skip>);

/// A batch of whole records.
#[derive(Debug)]
pub struct Chunk {
    pub seq: u64,
    pub file: crate::source::FileId,
    pub bytes: Vec<u8>,
    /// `(start, end, line)` of each record in `bytes`.
    pub units: Vec<Unit>,
    /// Records skipped before parsing (each one counts as read).
    pub skips: Vec<Skip>,
}

/// The target size of a chunk.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Opens a reader, transparently decompressing gzip.
pub fn open(r: Box<dyn Read + Send>) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut raw = BufReader::with_capacity(1 << 16, r);
    let gzip = raw.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    if gzip {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            MultiGzDecoder::new(raw),
        )))
    } else {
        Ok(Box::new(raw))
    }
}

/// A reader that fails once with a stored error: a read error met while sampling is reported
/// after the sampled bytes have been read.
struct Fail(Option<std::io::Error>);

impl Read for Fail {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

impl BufRead for Fail {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(&[]),
        }
    }
    fn consume(&mut self, _: usize) {}
}

/// Decides the format from a sample of the first [`SAMPLE_BYTES`] (after a UTF-8 byte-order
/// mark, which is dropped), and hands back a reader of the whole input without the mark.
pub fn sniff(r: Box<dyn BufRead + Send>) -> std::io::Result<(Sniffed, Box<dyn BufRead + Send>)> {
    sniff_marked(r).map(|(s, r, _)| (s, r))
}

/// [`sniff`], also giving the length of the byte-order mark it dropped (0 or 3): the offset in
/// the input of the reader's first byte.
pub fn sniff_marked(
    mut r: Box<dyn BufRead + Send>,
) -> std::io::Result<(Sniffed, Box<dyn BufRead + Send>, u64)> {
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    let mut eof = false;
    let mut error = None;
    while sample.len() < SAMPLE_BYTES {
        let want = (SAMPLE_BYTES - sample.len()) as u64;
        // (`read_to_end` itself retries a read cut by a signal.)
        match (&mut r).take(want).read_to_end(&mut sample) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(_) => {}
            Err(e) => {
                if sample.is_empty() {
                    return Err(e);
                }
                eof = true;
                error = Some(e);
                break;
            }
        }
    }
    let mark = if sample.starts_with(b"\xEF\xBB\xBF") {
        sample.drain(..3);
        3
    } else {
        0
    };
    let sniffed = decide(&sample, eof);
    let head = Cursor::new(sample);
    let reader: Box<dyn BufRead + Send> = match error {
        Some(e) => Box::new(head.chain(Fail(Some(e)))),
        None => Box::new(head.chain(r)),
    };
    Ok((sniffed, reader, mark))
}

fn trim(l: &[u8]) -> &[u8] {
    let s = l
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(l.len());
    let e = l
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(s, |i| i + 1);
    &l[s..e]
}

fn is_object_line(l: &[u8]) -> bool {
    l.first() == Some(&b'{')
        && l.last() == Some(&b'}')
        && serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok()
}

/// The format a sample shows. Lines are weighed together, so that a bad first line (garbage,
/// a truncated record, a stray `[`) never turns good JSON lines into skips.
pub fn decide(sample: &[u8], eof: bool) -> Sniffed {
    let Some(first) = sample.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Sniffed::Dump(Format::JsonLines);
    };
    let complete = if eof {
        sample
    } else {
        &sample[..memchr::memrchr(b'\n', sample).map_or(0, |i| i + 1)]
    };
    let lines: Vec<&[u8]> = complete
        .split(|&b| b == b'\n')
        .map(trim)
        .filter(|l| !l.is_empty())
        .collect();
    let objects = |ls: &[&[u8]]| ls.iter().filter(|l| is_object_line(l)).count();
    let rest = lines.get(1..).unwrap_or(&[]);
    let objects_after_first = objects(rest);
    let mostly_objects_after_first =
        objects_after_first > 0 && objects_after_first * 2 >= rest.len();
    let first_line = lines.first().copied().unwrap_or(&sample[first..]);
    match sample[first] {
        b'[' => {
            let next = sample[first + 1..]
                .iter()
                .find(|b| !b.is_ascii_whitespace());
            let value_follows = matches!(
                next,
                None | Some(b'{' | b'[' | b']' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
            );
            // Elements one per line end with a comma; JSON lines do not.
            let elements = rest
                .iter()
                .filter(|l| l.strip_suffix(b",").is_some_and(is_object_line))
                .count();
            if elements > objects_after_first
                || (value_follows && !(objects_after_first >= 2 && mostly_objects_after_first))
            {
                Sniffed::Dump(Format::JsonArray)
            } else {
                Sniffed::Dump(Format::JsonLines)
            }
        }
        b'{' => {
            if is_object_line(first_line) || mostly_objects_after_first {
                Sniffed::Dump(Format::JsonLines)
            } else {
                Sniffed::Dump(Format::JsonDocument)
            }
        }
        _ if mostly_objects_after_first => Sniffed::Dump(Format::JsonLines),
        _ => {
            let control = sample
                .iter()
                .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
                .count();
            if control > 0 && (control * 100 >= sample.len() || sample[first] < 0x20) {
                Sniffed::NotADump(format!(
                    "not a dump: binary content ({control} control or NUL bytes in the first {} bytes)",
                    sample.len()
                ))
            } else if first_line.contains(&b',') {
                Sniffed::Dump(Format::Csv)
            } else {
                let shown: String =
                    String::from_utf8_lossy(&first_line[..first_line.len().min(60)])
                        .escape_debug()
                        .collect();
                Sniffed::NotADump(format!(
                    "not a dump: the first line (`{shown}`) is neither a JSON record, a JSON array \
                     nor a CSV header; dumps are JSON lines, Event Hub captures, Log Analytics \
                     JSON arrays or CSV exports"
                ))
            }
        }
    }
}

/// Buffers handed back by the workers, so chunks reuse memory instead of mapping fresh pages.
pub type BufferPool = std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>;

/// Adds where a stream broke to its read error.
fn located(e: std::io::Error, offset: u64, line: u64) -> std::io::Error {
    std::io::Error::new(
        e.kind(),
        format!(
            "the input broke off at byte {offset} (of the decompressed text), in line {line}: {e}; \
             the records before it were read"
        ),
    )
}

fn too_long(line: u64, len: u64) -> Skip {
    Skip {
        line,
        reason: "record too long",
        detail: format!(
            "a record of {len} bytes or more, longer than the {} MiB a record may have; skipped unread",
            MAX_RECORD_BYTES >> 20
        ),
    }
}

/// Cuts line-oriented input into chunks of whole lines (the last line may lack a newline).
pub struct LineChunker<R> {
    reader: R,
    line: u64,
    /// Bytes consumed from the reader before the current chunk's first byte.
    offset: u64,
    carry: Vec<u8>,
    done: bool,
    error: Option<std::io::Error>,
    pool: Option<BufferPool>,
}

impl<R: BufRead> LineChunker<R> {
    pub fn new(reader: R) -> Self {
        LineChunker {
            reader,
            line: 1,
            offset: 0,
            carry: Vec::new(),
            done: false,
            error: None,
            pool: None,
        }
    }

    /// Counts offsets from `offset`: where the reader's first byte is in the input.
    pub fn at_offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Takes chunk buffers from `pool` when it has some.
    pub fn with_pool(mut self, pool: BufferPool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The next chunk's bytes, units and skips, or `None` at the end. A read error ends the
    /// input: the bytes read before it are returned first, then the error, located.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<ChunkParts>> {
        if self.done {
            return self.error.take().map_or(Ok(None), Err);
        }
        let mut bytes = self
            .pool
            .as_ref()
            .and_then(|p| p.lock().ok().and_then(|mut v| v.pop()))
            .unwrap_or_else(|| Vec::with_capacity(CHUNK_BYTES + (1 << 16)));
        bytes.clear();
        bytes.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut skips = Vec::new();
        // Fill to the target size straight from the reader (a large read bypasses the
        // BufReader's own buffer), then cut at the last newline.
        while bytes.len() < CHUNK_BYTES {
            let want = (CHUNK_BYTES - bytes.len()) as u64;
            // (`read_to_end` itself retries a read cut by a signal.)
            match (&mut self.reader).take(want).read_to_end(&mut bytes) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    self.error = Some(e);
                    break;
                }
            }
        }
        if !self.done {
            match memchr::memrchr(b'\n', &bytes) {
                Some(i) => {
                    self.carry.extend_from_slice(&bytes[i + 1..]);
                    bytes.truncate(i + 1);
                }
                None => {
                    if let Some(len) = self.long_line(&mut bytes) {
                        // Dropped unread: it stays counted, as one skipped record.
                        self.offset += len;
                        bytes.clear();
                        skips.push(too_long(self.line, len));
                        self.line += 1;
                    }
                }
            }
        }
        let mut units = Vec::new();
        let mut start = 0usize;
        for i in memchr::memchr_iter(b'\n', &bytes) {
            push_line(&bytes, start, i, self.line, self.offset, &mut units);
            self.line += 1;
            start = i + 1;
        }
        if start < bytes.len() {
            push_line(
                &bytes,
                start,
                bytes.len(),
                self.line,
                self.offset,
                &mut units,
            );
            self.line += 1;
        }
        let ends_line = bytes.last().is_none_or(|&b| b == b'\n');
        self.offset += bytes.len() as u64;
        if let Some(e) = self.error.take() {
            let line = if ends_line { self.line } else { self.line - 1 };
            self.error = Some(located(e, self.offset, line));
        }
        if bytes.is_empty() && skips.is_empty() {
            return self.error.take().map_or(Ok(None), Err);
        }
        Ok(Some((bytes, units, skips)))
    }

    /// Reads on to the end of a line longer than a chunk. Past [`MAX_RECORD_BYTES`] the line is
    /// read through without keeping it, and its length is returned.
    fn long_line(&mut self, bytes: &mut Vec<u8>) -> Option<u64> {
        let mut over: Option<u64> = None;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    self.error = Some(e);
                    break;
                }
            };
            if buf.is_empty() {
                self.done = true;
                break;
            }
            let (take, end) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            match &mut over {
                Some(n) => *n += take as u64,
                None if bytes.len() + take > MAX_RECORD_BYTES => {
                    over = Some((bytes.len() + take) as u64);
                }
                None => bytes.extend_from_slice(&buf[..take]),
            }
            self.reader.consume(take);
            if end {
                break;
            }
        }
        over
    }
}

/// A line as a unit, without its CR and surrounding blanks; blank lines are not records.
fn push_line(bytes: &[u8], start: usize, end: usize, line: u64, base: u64, units: &mut Vec<Unit>) {
    let mut s = start;
    let mut e = end;
    while e > s && bytes[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    while s < e && bytes[s].is_ascii_whitespace() {
        s += 1;
    }
    if s < e {
        units.push(Unit {
            start: s as u32,
            end: e as u32,
            line,
            // Leading blanks are ASCII: one column each.
            column: (s - start) as u64 + 1,
            offset: base + s as u64,
            length: (e - s) as u64,
            end_line: 0,
            end_column: 0,
        });
    }
}

/// Splits JSON spread over lines into records as it streams by, tracking strings, nesting,
/// lines and columns: the elements of an array (a Log Analytics result), the elements of the
/// `records` array of `{"records": [ … ]}` (a pretty-printed Event Hub capture), and any other
/// top-level value as one record.
///
/// Damage is contained to the record it is in: a `]` that ends an array early is skipped and
/// reading goes on in the array; an element that never closes (a missing `}` or `"`) ends where
/// the next record begins: anything but a closing bracket or a separator that starts a line at
/// or left of the column where the broken element began (how every pretty-printer and
/// one-record-per-line export lays records out: an element's own lines are indented deeper).
pub struct JsonChunker<R> {
    reader: R,
    state: JsonState,
    done: bool,
    error: Option<std::io::Error>,
}

/// `{"records":[` without blanks: the head of an Event Hub body.
const RECORDS_HEAD: &[u8] = b"{\"records\":[";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    /// Between top-level values.
    #[default]
    Top,
    /// In a top-level object, not yet known to be an Event Hub body.
    Head,
    /// In an array whose elements are records.
    Array,
    /// Just after an array's `]`: the end, or a stray `]`.
    AfterArray,
    /// In a top-level value that is one record.
    Value,
    /// Text that is no JSON value, up to the end of its line.
    Garbage,
}

#[derive(Default)]
struct JsonState {
    mode: Mode,
    /// In the `records` array of an Event Hub body, whose `}` follows its `]`.
    records_body: bool,
    line: u64,
    col: u64,
    line_blank: bool,
    offset: u64,
    depth: u32,
    in_string: bool,
    escaped: bool,
    element: Vec<u8>,
    element_line: u64,
    element_col: u64,
    element_offset: u64,
    /// The character column (0-based) of the current byte, and of the element's first.
    chars: u64,
    element_col_chars: u64,
    /// The element outgrew [`MAX_RECORD_BYTES`]: counted as skipped, its bytes dropped.
    discarding: bool,
    head: Vec<u8>,
    stray_line: u64,
}

struct Out<'a> {
    bytes: &'a mut Vec<u8>,
    units: &'a mut Vec<Unit>,
    skips: &'a mut Vec<Skip>,
}

impl<R: BufRead> JsonChunker<R> {
    pub fn new(reader: R) -> Self {
        JsonChunker {
            reader,
            state: JsonState {
                line: 1,
                line_blank: true,
                element_line: 1,
                ..JsonState::default()
            },
            done: false,
            error: None,
        }
    }

    /// Counts offsets from `offset`: where the reader's first byte is in the input.
    pub fn at_offset(mut self, offset: u64) -> Self {
        self.state.offset = offset;
        self
    }

    pub fn next_chunk(&mut self) -> std::io::Result<Option<ChunkParts>> {
        if self.done {
            return self.error.take().map_or(Ok(None), Err);
        }
        let mut bytes = Vec::new();
        let mut units = Vec::new();
        let mut skips = Vec::new();
        let mut out = Out {
            bytes: &mut bytes,
            units: &mut units,
            skips: &mut skips,
        };
        let JsonChunker {
            reader,
            state,
            done,
            error,
        } = self;
        while out.bytes.len() < CHUNK_BYTES && out.skips.len() < 4096 {
            let buf = match reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    *done = true;
                    let line = state.element_line.min(state.line);
                    *error = Some(located(e, state.offset, line));
                    state.finish(&mut out);
                    break;
                }
            };
            if buf.is_empty() {
                *done = true;
                state.finish(&mut out);
                break;
            }
            let n = buf.len();
            for &b in buf {
                state.step(b, &mut out);
            }
            reader.consume(n);
        }
        if bytes.is_empty() && skips.is_empty() {
            return self.error.take().map_or(Ok(None), Err);
        }
        Ok(Some((bytes, units, skips)))
    }
}

fn is_value_start(b: u8) -> bool {
    matches!(
        b,
        b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    )
}

impl JsonState {
    fn step(&mut self, b: u8, out: &mut Out) {
        let first_on_line = self.line_blank && !b.is_ascii_whitespace();
        self.byte(b, first_on_line, out);
        self.offset += 1;
        if b == b'\n' {
            self.line += 1;
            self.col = 0;
            self.chars = 0;
            self.line_blank = true;
        } else {
            self.col += 1;
            self.chars += u64::from(b & 0xC0 != 0x80);
            if !b.is_ascii_whitespace() {
                self.line_blank = false;
            }
        }
    }

    fn byte(&mut self, b: u8, first_on_line: bool, out: &mut Out) {
        match self.mode {
            Mode::Top => match b {
                b if b.is_ascii_whitespace() => {}
                b'[' => {
                    self.mode = Mode::Array;
                    self.depth = 0;
                }
                b'{' => {
                    self.mode = Mode::Head;
                    self.begin();
                    self.head.clear();
                    self.head.push(b);
                    self.push(b, out);
                }
                _ => {
                    self.mode = Mode::Garbage;
                    self.begin();
                    self.push(b, out);
                }
            },
            Mode::Garbage => {
                if b == b'\n' {
                    self.flush(out);
                    self.mode = Mode::Top;
                } else {
                    self.push(b, out);
                }
            }
            Mode::Head => self.head_byte(b, out),
            Mode::AfterArray => match b {
                b if b.is_ascii_whitespace() => {}
                b'}' if self.records_body => {
                    self.records_body = false;
                    self.mode = Mode::Top;
                }
                b',' => {
                    self.stray(out);
                    self.mode = Mode::Array;
                }
                b']' => {
                    self.stray(out);
                    self.stray_line = self.line;
                }
                b if is_value_start(b) && b != b'[' => {
                    self.stray(out);
                    self.mode = Mode::Array;
                    self.element_byte(b, first_on_line, out);
                }
                _ => {
                    self.records_body = false;
                    self.mode = Mode::Top;
                    self.byte(b, first_on_line, out);
                }
            },
            Mode::Array | Mode::Value => self.element_byte(b, first_on_line, out),
        }
    }

    /// A byte of a top-level object until it shows whether it is `{"records": [`.
    fn head_byte(&mut self, b: u8, out: &mut Out) {
        self.push(b, out);
        if self.in_string {
            self.head.push(b);
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' || b == b'\n' {
                self.in_string = false;
            }
        } else if !b.is_ascii_whitespace() {
            self.in_string = b == b'"';
            self.head.push(b);
        }
        if self.head == RECORDS_HEAD {
            self.element.clear();
            self.head.clear();
            self.mode = Mode::Array;
            self.records_body = true;
            self.depth = 0;
        } else if !RECORDS_HEAD.starts_with(&self.head) || self.discarding {
            // One record spread over lines: replay what was read as its start.
            let raw = std::mem::take(&mut self.element);
            self.head.clear();
            self.mode = Mode::Value;
            self.depth = 0;
            self.in_string = false;
            self.escaped = false;
            let at = (
                self.element_line,
                self.element_col,
                self.element_offset,
                self.element_col_chars,
            );
            for &x in &raw {
                self.element_byte(x, false, out);
            }
            (
                self.element_line,
                self.element_col,
                self.element_offset,
                self.element_col_chars,
            ) = at;
        }
    }

    fn element_byte(&mut self, b: u8, first_on_line: bool, out: &mut Out) {
        if self.in_string {
            self.push(b, out);
            if b == b'\n' {
                // JSON strings hold no raw newline: this one was never closed.
                self.in_string = false;
                self.escaped = false;
            } else if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return;
        }
        if !matches!(b, b'}' | b']' | b',' | b':')
            && first_on_line
            && self.col <= self.element_col
            && (!self.element.is_empty() || self.discarding)
        {
            // The element never closed, or a comma is missing after it: it ends here, and the
            // next one begins.
            self.flush(out);
            self.depth = 0;
        }
        match b {
            b'"' => {
                self.begin();
                self.in_string = true;
                self.push(b, out);
            }
            b'{' | b'[' => {
                self.begin();
                self.depth += 1;
                self.push(b, out);
            }
            b'}' | b']' if self.depth > 0 => {
                self.depth -= 1;
                self.push(b, out);
                if self.mode == Mode::Value && self.depth == 0 {
                    self.flush(out);
                    self.mode = Mode::Top;
                }
            }
            b']' if self.mode == Mode::Array => {
                self.flush(out);
                self.mode = Mode::AfterArray;
                self.stray_line = self.line;
            }
            b',' if self.depth == 0 && self.mode == Mode::Array => self.flush(out),
            b if b.is_ascii_whitespace() && self.element.is_empty() && !self.discarding => {}
            _ => {
                self.begin();
                self.push(b, out);
            }
        }
    }

    /// Notes where an element begins, at its first byte.
    fn begin(&mut self) {
        if self.element.is_empty() && !self.discarding {
            self.element_line = self.line;
            self.element_col = self.col;
            self.element_offset = self.offset;
            self.element_col_chars = self.chars;
        }
    }

    fn push(&mut self, b: u8, out: &mut Out) {
        if self.discarding {
            return;
        }
        self.element.push(b);
        if self.element.len() > MAX_RECORD_BYTES {
            out.skips
                .push(too_long(self.element_line, self.element.len() as u64));
            self.element = Vec::new();
            self.discarding = true;
        }
    }

    /// A `]` that ended an array which goes on: one skipped record at its line.
    fn stray(&mut self, out: &mut Out) {
        out.skips.push(Skip {
            line: self.stray_line,
            reason: "invalid JSON",
            detail: "a stray `]` inside the array; reading on after it".into(),
        });
    }

    fn flush(&mut self, out: &mut Out) {
        if self.discarding {
            self.discarding = false;
            self.element.clear();
            return;
        }
        let len = self
            .element
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        if len > 0 {
            let start = out.bytes.len();
            out.bytes.extend_from_slice(&self.element[..len]);
            out.units.push(Unit {
                start: start as u32,
                end: out.bytes.len() as u32,
                line: self.element_line,
                column: self.element_col_chars + 1,
                offset: self.element_offset,
                length: len as u64,
                end_line: 0,
                end_column: 0,
            });
        }
        self.element.clear();
    }

    /// The end of the input: what is left of a record is one (it will not parse).
    fn finish(&mut self, out: &mut Out) {
        self.flush(out);
        self.mode = Mode::Top;
        self.depth = 0;
        self.in_string = false;
    }
}

/// Reads CSV rows and re-encodes each as a JSON object (header → value), so that one record
/// reader serves every format. Header suffixes such as ` [UTC]` are dropped.
pub struct CsvChunker<R: Read> {
    reader: csv::Reader<Tap<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>>,
    /// The input bytes from the current row's first byte on, as the csv reader consumed them.
    raw: Arc<std::sync::Mutex<TapBuf>>,
    /// The input offset of the reader's first byte.
    base: u64,
    headers: Arc<Vec<String>>,
    done: bool,
    /// The read error that ended the input, returned after the rows read before it.
    error: Option<std::io::Error>,
    repeated: Vec<RepeatedColumn>,
}

/// A reader that keeps what it reads, so that a CSV row's own bytes can be located.
struct Tap<R> {
    inner: R,
    buf: Arc<std::sync::Mutex<TapBuf>>,
}

/// Bytes read through a [`Tap`], the first of which is at input offset `base`.
#[derive(Default)]
struct TapBuf {
    base: u64,
    /// Line ends ([`line_ends`]) in the bytes before `base`.
    lines: u64,
    bytes: Vec<u8>,
}

impl TapBuf {
    /// The bytes in `start..end` (input offsets), as far as they are kept.
    fn get(&self, start: u64, end: u64) -> &[u8] {
        let s = start.saturating_sub(self.base).min(self.bytes.len() as u64) as usize;
        let e = end.saturating_sub(self.base).min(self.bytes.len() as u64) as usize;
        &self.bytes[s..e.max(s)]
    }

    /// Forgets the bytes before input offset `at`.
    fn drop_before(&mut self, at: u64) {
        let mut n = at.saturating_sub(self.base).min(self.bytes.len() as u64) as usize;
        if n > 0 && n == self.bytes.len() && self.bytes[n - 1] == b'\r' {
            // Whether this CR ends a line by itself depends on the byte after it: keep it.
            n -= 1;
        }
        self.lines += line_ends(&self.bytes[..n], self.bytes.get(n).copied());
        self.bytes.drain(..n);
        self.base += n as u64;
    }

    /// The 1-based line of input offset `at` (which must not be before `base`), counted from
    /// the bytes themselves: the csv crate's own line numbers start a row after a CRLF's CR,
    /// go wrong where line endings are mixed or blank lines end in CRLF, and do not count a
    /// lone CR, at which it nevertheless ends a row.
    fn line_at(&self, at: u64) -> u64 {
        let next = self.get(at, at + 1).first().copied();
        1 + self.lines + line_ends(self.get(self.base, at), next)
    }

    /// The offset of the first byte at or after `at` that is not a line ending: where a row
    /// begins, after the end of the line before it and any blank lines.
    fn skip_line_ends(&self, at: u64, end: u64) -> u64 {
        let rest = self.get(at, end);
        at + rest
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count() as u64
    }
}

/// Line ends in `bytes`: each LF, and each CR that no LF follows (`next` is the byte after
/// `bytes`, if known; a CR at the very end with no byte known after it counts).
fn line_ends(bytes: &[u8], next: Option<u8>) -> u64 {
    let mut n = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        let after = bytes.get(i + 1).copied().or(next);
        n += u64::from(bytes[i] == b'\n' || after != Some(b'\n'));
    }
    n
}

/// The tap's bytes. Nothing panics while holding them, but if something did, the bytes are
/// still whole: the lock is taken over rather than the bytes lost.
fn tap_bytes(buf: &std::sync::Mutex<TapBuf>) -> std::sync::MutexGuard<'_, TapBuf> {
    buf.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(b)?;
        tap_bytes(&self.buf).bytes.extend_from_slice(&b[..n]);
        Ok(n)
    }
}

/// A CSV header column whose name an earlier column already has: it is left out of every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedColumn {
    pub name: String,
    /// 1-based index of the column that is read, and of this one.
    pub first: usize,
    pub index: usize,
    /// The column's name in the header line.
    pub at: crate::finding::RecordPos,
}

/// The first line, its line end included: LF, CRLF or a lone CR (which the csv crate also
/// ends a row at), at most [`MAX_RECORD_BYTES`].
fn read_header_line(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(line);
        }
        if line.ends_with(b"\r") {
            // A CR ended the line: take the LF of a CRLF split between two reads.
            if buf[0] == b'\n' {
                line.push(b'\n');
                reader.consume(1);
            }
            return Ok(line);
        }
        let room = MAX_RECORD_BYTES - line.len();
        let take = buf.len().min(room);
        match memchr::memchr2(b'\n', b'\r', &buf[..take]) {
            Some(i) if buf[i] == b'\n' || buf.get(i + 1).is_some() => {
                let end = if buf[i] == b'\r' && buf[i + 1] == b'\n' {
                    i + 2
                } else {
                    i + 1
                };
                line.extend_from_slice(&buf[..end]);
                reader.consume(end);
                return Ok(line);
            }
            Some(i) => {
                // A CR at the end of what is buffered: the next read says whether an LF follows.
                line.extend_from_slice(&buf[..=i]);
                reader.consume(i + 1);
            }
            None => {
                line.extend_from_slice(&buf[..take]);
                reader.consume(take);
                if line.len() >= MAX_RECORD_BYTES {
                    return Ok(line);
                }
            }
        }
    }
}

/// The header line without its line ending.
fn header_text(header: &[u8]) -> &[u8] {
    let h = header.strip_suffix(b"\n").unwrap_or(header);
    h.strip_suffix(b"\r").unwrap_or(h)
}

/// The byte range of each field of a CSV line (quotes included), commas inside quotes skipped.
fn header_fields(line: &[u8]) -> Vec<(usize, usize)> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                fields.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push((start, line.len()));
    fields
}

/// The line and exclusive character column just after `text`, which starts at `line`, `column`.
fn end_of(line: u64, column: u64, text: &[u8]) -> (u64, u64) {
    match memchr::memrchr(b'\n', text) {
        Some(i) => (
            line + memchr::memchr_iter(b'\n', text).count() as u64,
            char_count(&text[i + 1..]) + 1,
        ),
        None => (line, column + char_count(text)),
    }
}

/// Whether every byte is printable ASCII (`0x20..=0x7E`): such a record is valid UTF-8, lies
/// on one line and holds no control character, which lets the readers skip their own checks
/// for those. Thirty-two bytes at a time, in a form the compiler turns into vector
/// instructions.
pub fn printable_ascii(bytes: &[u8]) -> bool {
    let printable = |b: u8| b.wrapping_sub(0x20) < 0x5F;
    let block_printable = |block: &[u8]| block.iter().fold(true, |all, &b| all & printable(b));
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if !block_printable(block) {
            return false;
        }
    }
    match bytes.len().checked_sub(32) {
        // The last 32 bytes as one more block, overlapping the ones before: the bytes short
        // of a block are not tested one at a time.
        Some(start) if !blocks.remainder().is_empty() => block_printable(&bytes[start..]),
        _ => blocks.remainder().iter().all(|&b| printable(b)),
    }
}

/// Characters in UTF-8 text (bytes that do not continue a character).
fn char_count(bytes: &[u8]) -> u64 {
    if bytes.is_ascii() {
        return bytes.len() as u64;
    }
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64
}

impl<R: BufRead> CsvChunker<R> {
    pub fn new(mut reader: R) -> Result<Self, String> {
        // Read the header line ourselves, to locate its columns.
        let header = read_header_line(&mut reader).map_err(|e| e.to_string())?;
        if header.len() >= MAX_RECORD_BYTES && !header.ends_with(b"\n") && !header.ends_with(b"\r")
        {
            return Err(format!(
                "the CSV header is longer than {} MiB; not read",
                MAX_RECORD_BYTES >> 20
            ));
        }
        let line = header_text(&header).to_vec();
        let raw = Arc::new(std::sync::Mutex::new(TapBuf::default()));
        let reader = Tap {
            inner: std::io::Cursor::new(header).chain(reader),
            buf: Arc::clone(&raw),
        };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let mut headers: Vec<String> = reader
            .byte_headers()
            .map_err(|e| format!("unreadable CSV header: {e}"))?
            .iter()
            .map(|h| {
                let h = String::from_utf8_lossy(h)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_string();
                match h.rfind(" [") {
                    Some(i) if h.ends_with(']') => h[..i].to_string(),
                    _ => h,
                }
            })
            .collect();
        // A repeated column (names compare case-insensitively, as fields are looked up) is
        // ambiguous: the first is read, the others are reported and left out.
        let text = &line[..];
        let fields = header_fields(text);
        let mut repeated = Vec::new();
        for i in 0..headers.len() {
            if let Some(j) = (0..i)
                .find(|&j| !headers[j].is_empty() && headers[j].eq_ignore_ascii_case(&headers[i]))
            {
                let (start, end) = fields.get(i).copied().unwrap_or((0, text.len()));
                let column = char_count(&text[..start]) + 1;
                repeated.push(RepeatedColumn {
                    name: headers[i].clone(),
                    first: j + 1,
                    index: i + 1,
                    at: crate::finding::RecordPos {
                        column,
                        end_line: 1,
                        end_column: column + char_count(&text[start..end]),
                        offset: start as u64,
                        length: (end - start) as u64,
                    },
                });
                headers[i].clear();
            }
        }
        Ok(CsvChunker {
            reader,
            raw,
            base: 0,
            headers: Arc::new(headers),
            done: false,
            error: None,
            repeated,
        })
    }

    /// A row's unit: its place in the chunk (`start..end`) and in the input (`from..to`, the
    /// row and its line end as the csv reader consumed them), its line counted from the bytes.
    fn located(&self, start: usize, end: usize, from: u64, to: u64) -> Unit {
        let mut t = tap_bytes(&self.raw);
        // A row may begin with the LF of the CRLF before it and with blank lines, and ends
        // with its own line end.
        let first = t.skip_line_ends(from, to);
        let row = t.get(first, to);
        let len = row.len()
            - row
                .iter()
                .rev()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
        let line = t.line_at(first);
        let (end_line, end_column) = end_of(line, 1, &row[..len]);
        t.drop_before(to);
        Unit {
            start: start as u32,
            end: end as u32,
            line,
            column: 1,
            offset: self.base + first,
            length: len as u64,
            end_line,
            end_column,
        }
    }

    /// Counts offsets from `offset`: where the reader's first byte is in the input.
    pub fn at_offset(mut self, offset: u64) -> Self {
        self.base = offset;
        for r in &mut self.repeated {
            r.at.offset += offset;
        }
        self
    }

    /// The header's columns that repeat an earlier column's name (and are not read).
    pub fn repeated_columns(&self) -> &[RepeatedColumn] {
        &self.repeated
    }

    pub fn next_chunk(&mut self) -> std::io::Result<Option<ChunkParts>> {
        if self.done {
            return self.error.take().map_or(Ok(None), Err);
        }
        let mut bytes = Vec::new();
        let mut units = Vec::new();
        let mut rec = csv::ByteRecord::new();
        while bytes.len() < CHUNK_BYTES {
            match self.reader.read_byte_record(&mut rec) {
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Ok(true) => {
                    let start = bytes.len();
                    if rec.len() != self.headers.len() {
                        // Let the record reader report it: not an object.
                        bytes.extend_from_slice(
                            format!(
                                "[\"row has {} fields, the header {}\"]",
                                rec.len(),
                                self.headers.len()
                            )
                            .as_bytes(),
                        );
                    } else {
                        let mut obj = serde_json::Map::new();
                        for (h, v) in self.headers.iter().zip(rec.iter()) {
                            if h.is_empty() {
                                continue;
                            }
                            match std::str::from_utf8(v) {
                                Ok(v) if !v.is_empty() => {
                                    obj.insert(h.clone(), serde_json::Value::String(v.to_string()));
                                }
                                Ok(_) => {}
                                Err(_) => {
                                    bytes.truncate(start);
                                    bytes.extend_from_slice(&[0xff]);
                                    break;
                                }
                            }
                        }
                        if bytes.len() == start {
                            serde_json::to_writer(&mut bytes, &obj)
                                .map_err(std::io::Error::other)?;
                        }
                    }
                    let from = rec.position().map_or(0, |p| p.byte());
                    let to = self.reader.position().byte();
                    units.push(self.located(start, bytes.len(), from, to));
                }
                Err(e) => {
                    // The input broke off (flexible byte records leave no other error): the
                    // rows before it are audited, the unfinished row is a skipped record, then
                    // the error says where the input broke.
                    let at = self.reader.position().byte();
                    // What the tap kept past the last row read is the unfinished row.
                    let (from, unfinished, line) = {
                        let t = tap_bytes(&self.raw);
                        let rest = t.get(t.base, at);
                        let unfinished = rest.iter().any(|b| !b.is_ascii_whitespace());
                        (t.base, unfinished, t.line_at(at))
                    };
                    let offset = self.base + at;
                    if unfinished {
                        let start = bytes.len();
                        bytes.extend_from_slice(b"[\"the input broke off inside this row\"]");
                        units.push(self.located(start, bytes.len(), from, at));
                    }
                    let error = match e.into_kind() {
                        csv::ErrorKind::Io(io) => io,
                        other => std::io::Error::other(format!("unreadable CSV: {other:?}")),
                    };
                    self.error = Some(located(error, offset, line));
                    self.done = true;
                    break;
                }
            }
        }
        if bytes.is_empty() && self.done {
            return self.error.take().map_or(Ok(None), Err);
        }
        Ok(Some((bytes, units, Vec::new())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass shortcut for plain lines gives the place a character count gives.
        #[test]
        fn end_of_counts_lines_and_characters(text in "[a-z\n\u{e9}\u{1F600}\"]{0,40}", line in 1u64..9, column in 1u64..9) {
            let lines = text.matches('\n').count() as u64;
            let last = text.rsplit('\n').next().unwrap_or("").chars().count() as u64;
            let want = if lines == 0 { (line, column + last) } else { (line + lines, last + 1) };
            prop_assert_eq!(end_of(line, column, text.as_bytes()), want);
            prop_assert_eq!(printable_ascii(text.as_bytes()), text.is_ascii() && lines == 0);
        }

        /// Whole words of bytes above ASCII (which the strategy above seldom makes) are not
        /// printable, wherever they fall, and count as characters.
        #[test]
        fn words_of_non_ascii_text_are_not_printable(text in "[\u{e9}\u{1F600}\u{4e2d}]{3,12}", pad in 0usize..8) {
            let text = format!("{}{text}", "a".repeat(pad));
            prop_assert!(!printable_ascii(text.as_bytes()));
            let chars = text.chars().count() as u64;
            prop_assert_eq!(end_of(1, 1, text.as_bytes()), (1, 1 + chars));
        }
    }

    /// A byte that is not printable ASCII is found wherever it stands: in a whole block of
    /// 32, in the last bytes short of one (which are tested as the last 32, overlapping), or
    /// in a text shorter than a block.
    #[test]
    fn a_byte_outside_printable_ascii_is_found_anywhere() {
        for len in 0..100 {
            let text = vec![b'a'; len];
            assert!(printable_ascii(&text), "{len}");
            for at in 0..len {
                for bad in [0x00, b'\n', 0x1F, 0x7F, 0x80, 0xFF] {
                    let mut text = text.clone();
                    text[at] = bad;
                    assert!(!printable_ascii(&text), "{len} {at} {bad:#x}");
                }
                let mut edge = text.clone();
                edge[at] = if at % 2 == 0 { b' ' } else { b'~' };
                assert!(printable_ascii(&edge), "{len} {at}");
            }
        }
    }

    /// Line feeds among letters whose bits overlap a line feed's are found and counted.
    #[test]
    fn line_feeds_among_any_letters_are_found() {
        for text in [
            "bcfg\njkno",
            "rsvwz\nbc\nfgjknors",
            "\nbcfgjkno",
            "bcfgjkn\n",
        ] {
            let lines = text.matches('\n').count() as u64;
            let last = text.rsplit('\n').next().unwrap_or("").len() as u64;
            assert!(!printable_ascii(text.as_bytes()), "{text:?}");
            assert_eq!(
                end_of(1, 1, text.as_bytes()),
                (1 + lines, last + 1),
                "{text:?}"
            );
        }
    }

    /// A record that is not UTF-8 is placed before it is found out: a word of continuation
    /// bytes alone (which no character is) is not printable either, and counts no characters.
    #[test]
    fn a_word_of_continuation_bytes_is_not_printable() {
        assert!(!printable_ascii(&[0x80; 8]));
        assert_eq!(end_of(1, 1, &[0x80; 16]), (1, 1));
    }

    proptest! {

        /// The block-wise test is the byte-wise one, at every length and position of the first
        /// byte outside printable ASCII; and a printable record's place is the counted one.
        #[test]
        fn printable_ascii_is_every_byte_in_range(
            mut bytes in proptest::collection::vec(0x20u8..=0x7E, 0..100),
            odd in any::<u8>(),
            at in any::<prop::sample::Index>(),
            line in 1u64..9,
            column in 1u64..9,
        ) {
            prop_assert!(printable_ascii(&bytes));
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = odd;
            }
            let want = bytes.iter().all(|b| (0x20..=0x7E).contains(b));
            prop_assert_eq!(printable_ascii(&bytes), want);
            let unit = Unit::new(0, bytes.len() as u32, line);
            let unit = Unit { column, ..unit };
            prop_assert_eq!(unit.place_of(&bytes, want), unit.place_of(&bytes, false));
        }
    }

    fn units(bytes: &[u8], units: &[Unit]) -> Vec<(String, u64)> {
        units
            .iter()
            .map(|u| {
                (
                    String::from_utf8_lossy(&bytes[u.start as usize..u.end as usize]).into_owned(),
                    u.line,
                )
            })
            .collect()
    }

    #[test]
    fn lines_with_crlf_blank_lines_and_no_final_newline() {
        let mut c = LineChunker::new(&b"{\"a\":1}\r\n\r\n  {\"b\":2}\n{\"c\":3}"[..]);
        let (b, u, _) = c.next_chunk().unwrap().unwrap();
        assert_eq!(
            units(&b, &u),
            vec![
                ("{\"a\":1}".into(), 1),
                ("{\"b\":2}".into(), 3),
                ("{\"c\":3}".into(), 4)
            ]
        );
        assert!(c.next_chunk().unwrap().is_none());
    }

    #[test]
    fn array_elements_with_lines_and_nested_brackets() {
        let text = b"[\n  {\"a\": \"x,]\\\"y\"},\n  {\"b\": [1, {\"c\": 2}]}\n]\n";
        let mut c = JsonChunker::new(&text[..]);
        let (b, u, _) = c.next_chunk().unwrap().unwrap();
        assert_eq!(
            units(&b, &u),
            vec![
                ("{\"a\": \"x,]\\\"y\"}".into(), 2),
                ("{\"b\": [1, {\"c\": 2}]}".into(), 3)
            ]
        );
    }

    #[test]
    fn truncated_array_yields_the_partial_element() {
        let mut c = JsonChunker::new(&b"[{\"a\":1},{\"b\":"[..]);
        let (b, u, _) = c.next_chunk().unwrap().unwrap();
        assert_eq!(
            units(&b, &u),
            vec![("{\"a\":1}".into(), 1), ("{\"b\":".into(), 1)]
        );
    }

    #[test]
    fn csv_rows_become_objects_with_plain_header_names() {
        let text =
            "TimeGenerated [UTC],RunId,Status\n\"11/25/2026, 8:00:00.000 AM\",r1,Running\nbad\n";
        let mut c = CsvChunker::new(text.as_bytes()).unwrap();
        let (b, u, _) = c.next_chunk().unwrap().unwrap();
        let got = units(&b, &u);
        assert_eq!(
            got[0].0,
            "{\"RunId\":\"r1\",\"Status\":\"Running\",\"TimeGenerated\":\"11/25/2026, 8:00:00.000 AM\"}"
        );
        assert_eq!(got[0].1, 2);
        assert_eq!(got[1].1, 3);
        assert!(got[1].0.starts_with('['));
    }

    /// A row's place is its raw bytes: column 1, where it ends, its offset and length (the
    /// reports clamp a column of 0 to 1, so only the library sees this).
    #[test]
    fn csv_rows_are_placed_at_column_one_of_their_raw_line() {
        let text = "RunId,Status\nr\u{e9},Running\r\n\"a,\nb\",Completed\n";
        let mut c = CsvChunker::new(text.as_bytes()).unwrap();
        let (b, u, _) = c.next_chunk().unwrap().unwrap();
        let places: Vec<_> = u
            .iter()
            .map(|unit| {
                let p = unit.place(&b);
                (
                    unit.line,
                    p.column,
                    p.end_line,
                    p.end_column,
                    p.offset,
                    p.length,
                )
            })
            .collect();
        assert_eq!(places, vec![(2, 1, 2, 11, 13, 11), (3, 1, 4, 13, 26, 16),]);
    }

    /// The header line ends at LF, CRLF or a lone CR, wherever the reads are cut; what follows
    /// is left for the rows.
    #[test]
    fn the_header_line_ends_at_any_line_end_across_reads() {
        let cases: [(&[u8], &[u8]); 6] = [
            (b"a,b\nx", b"a,b\n"),
            (b"a,b\r\nx", b"a,b\r\n"),
            (b"a,b\rx", b"a,b\r"),
            (b"a,b\r\rx", b"a,b\r"),
            (b"a,b\r", b"a,b\r"),
            (b"a,b", b"a,b"),
        ];
        for (text, header) in cases {
            for capacity in [1, 2, 3, 4, 5, 64] {
                let mut r = std::io::BufReader::with_capacity(capacity, Trickle(text, capacity));
                let got = read_header_line(&mut r).unwrap();
                assert_eq!(got, header, "{text:?} by {capacity}");
                let mut rest = Vec::new();
                r.read_to_end(&mut rest).unwrap();
                assert_eq!(rest, &text[header.len()..], "{text:?} by {capacity}");
            }
        }
    }

    /// A header line is read up to the longest a record may be and no further, however much
    /// is buffered: one byte longer is a header too long, whose line end is never reached.
    #[test]
    fn a_header_is_read_up_to_the_longest_record_and_no_further() {
        for (len, kept) in [(MAX_RECORD_BYTES - 1, true), (MAX_RECORD_BYTES, false)] {
            let text = format!("{}\nx,y\n", "a".repeat(len));
            // In reads of 3 MiB, so that the line end comes inside a read.
            let got =
                read_header_line(&mut BufReader::with_capacity(3 << 20, text.as_bytes())).unwrap();
            if kept {
                assert_eq!(got.len(), len + 1);
                assert!(got.ends_with(b"\n"));
            } else {
                assert_eq!(got.len(), MAX_RECORD_BYTES);
                assert!(!got.ends_with(b"\n"));
                let error = CsvChunker::new(text.as_bytes()).err();
                assert_eq!(
                    error.as_deref(),
                    Some("the CSV header is longer than 16 MiB; not read")
                );
            }
        }
    }

    /// Rows are placed on the lines an editor shows, whatever the line ends (LF, CRLF, lone
    /// CR, mixed, blank lines) and wherever the reads are cut.
    #[test]
    fn csv_rows_are_placed_on_their_lines_whatever_the_line_ends() {
        let cases: [(&str, &[u64]); 5] = [
            ("h\rr1\rr2\r", &[2, 3]),
            ("h\r\rr1\r\r\nr2", &[3, 5]),
            ("h\nr1\r\n\r\n\rr2\n", &[2, 5]),
            ("h\r\nr1\n\nr2\r\n", &[2, 4]),
            ("h\r\"r\r1\"\rr2\r", &[2, 4]),
        ];
        for (text, lines) in cases {
            for step in [1, 2, 3, 64] {
                let r = std::io::BufReader::new(Trickle(text.as_bytes(), step));
                let mut c = CsvChunker::new(r).unwrap();
                let (_, u, _) = c.next_chunk().unwrap().unwrap();
                let got: Vec<u64> = u.iter().map(|u| u.line).collect();
                assert_eq!(got, lines, "{text:?} by {step}");
            }
        }
    }

    /// A reader that gives at most `.1` bytes a read.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn sniffs_by_content_and_reads_gzip() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"  [ {\"a\": 1} ]").unwrap();
        let data = gz.finish().unwrap();
        let r = open(Box::new(std::io::Cursor::new(data))).unwrap();
        let (f, mut r) = sniff(r).unwrap();
        assert_eq!(f, Sniffed::Dump(Format::JsonArray));
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "  [ {\"a\": 1} ]");
        let r = open(Box::new(std::io::Cursor::new(b"Time,RunId\n".to_vec()))).unwrap();
        assert_eq!(sniff(r).unwrap().0, Sniffed::Dump(Format::Csv));
    }

    #[test]
    fn a_first_record_longer_than_a_line_buffer_is_sniffed_whole() {
        // 40 KB of first record, then enough lines that the sample ends before the input.
        let mut text = format!("{{\"a\":\"{}\"}}\n", "x".repeat(40_000));
        while text.len() < 2 * SAMPLE_BYTES {
            text.push_str("{\"a\":1}\n");
        }
        let r: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(text.into_bytes()));
        assert_eq!(sniff(r).unwrap().0, Sniffed::Dump(Format::JsonLines));
    }

    /// Gives `n` bytes, then fails.
    struct FailsAfter(usize);

    impl Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = self.0.min(buf.len());
            buf[..n].fill(b' ');
            self.0 -= n;
            Ok(n)
        }
    }

    /// Reads its first part, then ends once (as a terminal does at Ctrl-D), then reads the rest.
    struct Pausing {
        first: std::io::Cursor<Vec<u8>>,
        paused: bool,
        rest: std::io::Cursor<Vec<u8>>,
    }

    impl Read for Pausing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.first.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            if !self.paused {
                self.paused = true;
                return Ok(0);
            }
            self.rest.read(buf)
        }
    }

    /// An input that ends once and then goes on is sampled up to the sample's size, not
    /// beyond, and every byte is read after it in order.
    #[test]
    fn a_paused_input_is_sampled_within_the_bound() {
        let first = b"{\"a\":1}\n".to_vec();
        let rest: Vec<u8> = b"{\"b\":2}\n".repeat(SAMPLE_BYTES / 4);
        let input = [first.clone(), rest.clone()].concat();
        let r: Box<dyn BufRead + Send> = Box::new(std::io::BufReader::new(Pausing {
            first: std::io::Cursor::new(first),
            paused: false,
            rest: std::io::Cursor::new(rest),
        }));
        let (sniffed, mut r, mark) = sniff_marked(r).unwrap();
        assert_eq!((sniffed, mark), (Sniffed::Dump(Format::JsonLines), 0));
        // The sample comes first, whole.
        assert_eq!(r.fill_buf().unwrap().len(), SAMPLE_BYTES);
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert!(all == input, "{} bytes read of {}", all.len(), input.len());
    }

    #[test]
    fn a_read_error_while_sampling_comes_after_the_sampled_bytes() {
        let r: Box<dyn BufRead + Send> = Box::new(std::io::BufReader::new(FailsAfter(100)));
        let (_, mut r, _) = sniff_marked(r).unwrap();
        let mut got = 0;
        let mut buf = [0u8; 7];
        let error = loop {
            match r.read(&mut buf) {
                Ok(0) => panic!("end of input instead of the error, after {got} bytes"),
                Ok(n) => got += n,
                Err(e) => break e,
            }
            assert!(got <= 100, "more bytes than the input had: {got}");
        };
        assert_eq!((got, error.to_string()), (100, "disk on fire".to_string()));
        // The error is reported once; then the input ends.
        assert_eq!(r.read(&mut buf).unwrap(), 0);

        // The same through `fill_buf`, as the JSON and CSV readers read.
        let r: Box<dyn BufRead + Send> = Box::new(std::io::BufReader::new(FailsAfter(100)));
        let (_, mut r, _) = sniff_marked(r).unwrap();
        let mut got = 0;
        let error = loop {
            match r.fill_buf() {
                Ok([]) => panic!("end of input instead of the error, after {got} bytes"),
                Ok(b) => {
                    let n = b.len();
                    got += n;
                    r.consume(n);
                }
                Err(e) => break e,
            }
            assert!(got <= 100, "more bytes than the input had: {got}");
        };
        assert_eq!((got, error.to_string()), (100, "disk on fire".to_string()));
        assert_eq!(r.fill_buf().unwrap(), b"");
    }

    fn format(text: &[u8]) -> Sniffed {
        decide(text, true)
    }

    #[test]
    fn a_bad_first_line_never_hides_json_lines() {
        let good = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n";
        for bad in ["x", "[corrupted", "[{\"a\":", "{\"a\":", "Time,RunId", "]"] {
            assert_eq!(
                format(format!("{bad}\n{good}").as_bytes()),
                Sniffed::Dump(Format::JsonLines),
                "{bad}"
            );
        }
        assert_eq!(
            format(b"[\n{\"a\":1}\n]\n"),
            Sniffed::Dump(Format::JsonArray)
        );
        assert_eq!(
            format(b"[{\"a\":1},\n{\"a\":2},\n{\"a\":3}]"),
            Sniffed::Dump(Format::JsonArray)
        );
        assert_eq!(
            format(b"{\n  \"records\": [\n    {\"a\": 1}\n  ]\n}\n"),
            Sniffed::Dump(Format::JsonDocument)
        );
        assert_eq!(format(b""), Sniffed::Dump(Format::JsonLines));
        // A bracket that no value follows starts no array, even with one record after it or
        // none at all: the line is a broken record.
        for text in [&b"[corrupted\n{\"a\":1}\n"[..], b"[corrupted\n"] {
            assert_eq!(
                format(text),
                Sniffed::Dump(Format::JsonLines),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        // A sample that stops inside a record weighs the complete lines before it, the last
        // one included.
        assert_eq!(
            decide(b"x\n{\"a\":1}\n{\"a\"", false),
            Sniffed::Dump(Format::JsonLines)
        );
    }

    #[test]
    fn binary_and_other_text_are_not_dumps() {
        assert!(matches!(format(&[0u8; 4096]), Sniffed::NotADump(m) if m.contains("binary")));
        // One control byte is enough when it comes first, however much text follows.
        let mut text = b"\x01".to_vec();
        text.extend(b"time,RunId\n".repeat(200));
        assert!(matches!(format(&text), Sniffed::NotADump(m) if m.contains("binary")));
        text[0] = b' ';
        assert_eq!(format(&text), Sniffed::Dump(Format::Csv));
        // Elsewhere, control bytes make binary content from one in a hundred bytes on: a stray
        // one in a text export does not.
        let len = text.len();
        text[len / 2] = 0;
        assert_eq!(format(&text), Sniffed::Dump(Format::Csv));
        for i in (7..len).step_by(100) {
            text[i] = 0;
        }
        assert!(matches!(format(&text), Sniffed::NotADump(m) if m.contains("binary")));
        assert!(matches!(
            format(b"rules:\n  - name: x\n"),
            Sniffed::NotADump(m) if m.contains("rules:")
        ));
        // Lines of JSON values that are not objects (what `jq '.properties.RunId'` writes) are
        // not records: a list of run ids is not a dump.
        for text in [
            &b"\"r1\"\n\"r2\"\n\"r3\"\n"[..],
            b"12\n13\n14\n",
            b"x\ntrue\nnull\n",
        ] {
            assert!(
                matches!(format(text), Sniffed::NotADump(ref m) if m.contains("neither")),
                "{:?}",
                format(text)
            );
        }
    }

    #[test]
    fn the_byte_order_mark_is_dropped_for_reading_too() {
        let r: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(b"\xEF\xBB\xBF{\"a\":1}\n".to_vec()));
        let (f, r) = sniff(r).unwrap();
        assert_eq!(f, Sniffed::Dump(Format::JsonLines));
        let (b, u, _) = LineChunker::new(r).next_chunk().unwrap().unwrap();
        assert_eq!(units(&b, &u), vec![("{\"a\":1}".into(), 1)]);
    }

    fn all_json(text: &[u8]) -> (Vec<(String, u64)>, Vec<u64>) {
        json_units(JsonChunker::new(text))
    }

    /// Every unit a JSON reader cuts, with its line, and the lines of its skips.
    fn json_units<R: BufRead>(mut c: JsonChunker<R>) -> (Vec<(String, u64)>, Vec<u64>) {
        let mut got = Vec::new();
        let mut skips = Vec::new();
        while let Some((b, u, s)) = c.next_chunk().unwrap() {
            got.extend(units(&b, &u));
            skips.extend(s.iter().map(|s| s.line));
        }
        (got, skips)
    }

    /// Pretty-printed records one after another (not in an array): each is one record, to
    /// the brace that closes it, nested objects and arrays included, whether the next starts
    /// on a new line or on the same one.
    #[test]
    fn pretty_printed_records_with_nested_values_are_one_record_each() {
        let text = b"{\n \"x\": {\"p\": [1, 2]}, \"y\": 3\n}\n{\"z\": 1}\n{\n \"w\": {\"q\": {}}\n} {\"v\": 2}\n";
        let (units, skips) = all_json(text);
        assert_eq!(
            units,
            vec![
                ("{\n \"x\": {\"p\": [1, 2]}, \"y\": 3\n}".into(), 1),
                ("{\"z\": 1}".into(), 4),
                ("{\n \"w\": {\"q\": {}}\n}".into(), 5),
                ("{\"v\": 2}".into(), 7),
            ]
        );
        assert!(skips.is_empty(), "{skips:?}");
    }

    /// Brackets, braces, commas and escaped quotes inside strings are text, in an element, as a
    /// whole element, and in a record outside any array.
    #[test]
    fn structural_bytes_inside_strings_are_text() {
        let text = b"[{\"a\":\"{[\"}, \"x]},\\\"y\", {\"b\":\"}\"}]\n";
        let (units, skips) = all_json(text);
        assert_eq!(
            units,
            vec![
                ("{\"a\":\"{[\"}".into(), 1),
                ("\"x]},\\\"y\"".into(), 1),
                ("{\"b\":\"}\"}".into(), 1),
            ]
        );
        assert!(skips.is_empty(), "{skips:?}");
        let (units, skips) = all_json(b"{\"c\":\"}{\"} {\"d\":\"]\"}\n");
        assert_eq!(
            units,
            vec![("{\"c\":\"}{\"}".into(), 1), ("{\"d\":\"]\"}".into(), 1)]
        );
        assert!(skips.is_empty(), "{skips:?}");
    }

    #[test]
    fn a_stray_bracket_is_skipped_and_the_array_read_on() {
        let (units, skips) = all_json(b"[\n{\"a\":1},\n{\"a\":2}],\n{\"a\":3}\n]\n");
        assert_eq!(
            units,
            vec![
                ("{\"a\":1}".into(), 2),
                ("{\"a\":2}".into(), 3),
                ("{\"a\":3}".into(), 4)
            ]
        );
        assert_eq!(skips, vec![3]);
    }

    #[test]
    fn what_follows_an_array_is_read_for_what_it_is() {
        // Query results written one after the other: each array is read, nothing is skipped.
        let (units, skips) = all_json(b"[{\"a\":1}]\n[{\"a\":2}]\n");
        assert_eq!(
            units,
            vec![("{\"a\":1}".into(), 1), ("{\"a\":2}".into(), 2)]
        );
        assert!(skips.is_empty(), "{skips:?}");
        // An element after `]]`: both brackets were stray, each a skip on its line.
        let (units, skips) = all_json(b"[{\"a\":1}\n]\n]\n{\"a\":2}\n");
        assert_eq!(
            units,
            vec![("{\"a\":1}".into(), 1), ("{\"a\":2}".into(), 4)]
        );
        assert_eq!(skips, vec![2, 3]);
        // Text after the array that starts no value is a line of its own.
        let (units, skips) = all_json(b"[{\"a\":1}]\nend of results\n{\"a\":2}\n");
        assert_eq!(
            units,
            vec![
                ("{\"a\":1}".into(), 1),
                ("end of results".into(), 2),
                ("{\"a\":2}".into(), 3)
            ]
        );
        assert!(skips.is_empty(), "{skips:?}");
    }

    #[test]
    fn an_element_missing_its_brace_ends_where_the_next_begins() {
        let text = b"[\n  {\n    \"a\": {\"b\": 1}\n  ,\n  {\n    \"a\": 2\n  }\n]\n";
        let (units, skips) = all_json(text);
        assert_eq!(units.len(), 2, "{units:?}");
        assert_eq!(units[0].1, 2);
        assert!(serde_json::from_str::<serde_json::Value>(&units[0].0).is_err());
        assert_eq!(units[1], ("{\n    \"a\": 2\n  }".into(), 5));
        assert!(skips.is_empty());
        // A comma missing after a string or a number: the next line is an element of its own.
        let (units, skips) = all_json(b"[\n  \"x\"\n  {\"a\":1},\n  2\n  {\"a\":3}\n]\n");
        assert_eq!(
            units,
            vec![
                ("\"x\"".into(), 2),
                ("{\"a\":1}".into(), 3),
                ("2".into(), 4),
                ("{\"a\":3}".into(), 5)
            ]
        );
        assert!(skips.is_empty());
        // One record per line, an unclosed string.
        let (units, _) = all_json(b"[{\"a\":\"x},\n{\"a\":2},\n{\"a\":3}]");
        assert_eq!(units.len(), 3, "{units:?}");
        assert_eq!(units[1], ("{\"a\":2}".into(), 2));
    }

    #[test]
    fn pretty_event_hub_bodies_yield_their_records() {
        let cases = [
            (
                &b"{\n  \"records\": [\n    {\"a\": 1},\n    {\n      \"a\": [2]\n    }\n  ]\n}\n{\"records\":[{\"a\":3}]}\n{\n  \"time\": 1\n}\n"[..],
                vec![
                    ("{\"a\": 1}".into(), 3),
                    ("{\n      \"a\": [2]\n    }".into(), 4),
                    ("{\"a\":3}".into(), 9),
                    ("{\n  \"time\": 1\n}".into(), 10),
                ],
            ),
            // Only the exact key `records` opens a body: blanks are part of a key, so
            // `"re cords"` is the first key of one record spread over lines.
            (
                &b"{\"re cords\": [\n  {\"a\": 1}]}\n{\"records \": [{\"a\": 2}]}\n"[..],
                vec![
                    ("{\"re cords\": [\n  {\"a\": 1}]}".into(), 1),
                    ("{\"records \": [{\"a\": 2}]}".into(), 3),
                ],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(all_json(text), (want, vec![]));
        }
    }

    #[test]
    fn overlong_records_are_skipped_in_bounded_memory() {
        let mut text = b"{\"a\":1}\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 10));
        text.extend(b"\n{\"a\":2}\n");
        let mut c = LineChunker::new(&text[..]);
        let mut got = Vec::new();
        let mut skips = Vec::new();
        while let Some((b, u, s)) = c.next_chunk().unwrap() {
            assert!(b.len() <= MAX_RECORD_BYTES + CHUNK_BYTES);
            got.extend(units(&b, &u));
            skips.extend(s);
        }
        assert_eq!(got, vec![("{\"a\":1}".into(), 1), ("{\"a\":2}".into(), 3)]);
        assert_eq!(skips.len(), 1);
        assert_eq!(skips[0].line, 2);
    }

    /// `(length, line)` of every line read, none of them skipped.
    fn line_lengths<R: BufRead>(mut c: LineChunker<R>) -> Vec<(usize, u64)> {
        let mut lines = Vec::new();
        while let Some((b, u, s)) = c.next_chunk().unwrap() {
            assert!(s.is_empty());
            lines.extend(units(&b, &u).into_iter().map(|(t, line)| (t.len(), line)));
        }
        lines
    }

    #[test]
    fn a_record_of_the_longest_length_is_kept() {
        let long = "x".repeat(MAX_RECORD_BYTES - 1);
        let text = format!("{long}\n{{\"a\":2}}\n");
        let lines = line_lengths(LineChunker::new(text.as_bytes()));
        assert_eq!(lines, vec![(MAX_RECORD_BYTES - 1, 1), (7, 2)]);
    }

    /// [`FailsAfter`] that fails once and then ends.
    struct FailsOnce {
        inner: FailsAfter,
        failed: bool,
    }

    impl FailsOnce {
        /// Fails once after `n` bytes, then ends.
        fn after(n: usize) -> Self {
            FailsOnce {
                inner: FailsAfter(n),
                failed: false,
            }
        }
    }

    impl Read for FailsOnce {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.inner.read(buf) {
                Err(_) if self.failed => Ok(0),
                Err(e) => {
                    self.failed = true;
                    Err(e)
                }
                ok => ok,
            }
        }
    }

    /// A line past the longest record is one skip that gives its length (its line feed
    /// included), and the next record is placed after all of it, however many reads the line
    /// goes on for past the limit.
    #[test]
    fn a_line_too_long_is_one_skip_with_its_length() {
        for len in [MAX_RECORD_BYTES + 10, MAX_RECORD_BYTES + 200_000] {
            a_line_of(len);
        }
    }

    fn a_line_of(len: usize) {
        let text = format!("{}\n{{\"a\":2}}\n", "x".repeat(len));
        let mut c = LineChunker::new(BufReader::with_capacity(1 << 16, text.as_bytes()));
        let (mut units, mut skips) = (Vec::new(), Vec::new());
        while let Some((_, u, s)) = c.next_chunk().unwrap() {
            units.extend(u);
            skips.extend(s);
        }
        assert_eq!(skips.len(), 1, "{skips:?}");
        assert_eq!((skips[0].line, skips[0].reason), (1, "record too long"));
        assert!(
            skips[0]
                .detail
                .starts_with(&format!("a record of {} bytes or more", len + 1)),
            "{}",
            skips[0].detail
        );
        assert_eq!(units.len(), 1);
        assert_eq!((units[0].line, units[0].offset), (2, len as u64 + 1));
    }

    /// A read error in the middle of a line longer than a chunk ends the input with that
    /// error; it is not retried as an interrupted read is.
    #[test]
    fn a_read_error_inside_a_long_line_is_reported() {
        // Fails once, then ends: an error retried by mistake would go unreported.
        let reader =
            std::io::Cursor::new(b"{\"a\":1}\n".to_vec()).chain(FailsOnce::after(3 * CHUNK_BYTES));
        let mut c = LineChunker::new(BufReader::with_capacity(8192, reader));
        let mut units = 0;
        let error = loop {
            match c.next_chunk() {
                Ok(Some((_, u, _))) => units += u.len(),
                Ok(None) => panic!("the input ended without its read error"),
                Err(e) => break e,
            }
        };
        assert_eq!(
            (units, error.to_string()),
            (
                1,
                format!(
                    "the input broke off at byte {} (of the decompressed text), in line 2: disk \
                     on fire; the records before it were read",
                    8 + 3 * CHUNK_BYTES
                )
            )
        );
        assert!(c.next_chunk().unwrap().is_none());
    }

    /// The same in a JSON array: the elements before the error are read, then the error ends
    /// the input; it is not retried as an interrupted read is.
    #[test]
    fn a_read_error_inside_an_array_is_reported() {
        // Fails once, then ends: an error retried by mistake would go unreported.
        let reader = std::io::Cursor::new(b"[{\"a\":1},\n{\"a\":2},\n{\"a\"".to_vec())
            .chain(FailsOnce::after(0));
        let mut c = JsonChunker::new(BufReader::with_capacity(8192, reader));
        let mut units = Vec::new();
        let error = loop {
            match c.next_chunk() {
                Ok(Some((b, u, _))) => units.extend(self::units(&b, &u)),
                Ok(None) => panic!("the input ended without its read error"),
                Err(e) => break e,
            }
        };
        // The element cut off by the error is handed on too, to be reported as broken.
        assert_eq!(
            units,
            vec![
                ("{\"a\":1}".to_string(), 1),
                ("{\"a\":2}".to_string(), 2),
                ("{\"a\"".to_string(), 3)
            ]
        );
        assert!(
            error
                .to_string()
                .ends_with("disk on fire; the records before it were read"),
            "{error}"
        );
        assert!(c.next_chunk().unwrap().is_none());
    }

    /// A read error inside a CSV header is returned, not retried; an interrupted read is.
    #[test]
    fn a_read_error_inside_a_csv_header_is_returned() {
        let reader = std::io::Cursor::new(b"TimeGenerated,Ru".to_vec()).chain(FailsOnce::after(0));
        let error = read_header_line(&mut BufReader::with_capacity(8, reader)).unwrap_err();
        assert_eq!(error.to_string(), "disk on fire");
        let reader = Interrupting {
            inner: std::io::Cursor::new(b"TimeGenerated,RunId\r\nx".to_vec()),
            now: false,
        };
        let line = read_header_line(&mut BufReader::with_capacity(8, reader)).unwrap();
        assert_eq!(line, b"TimeGenerated,RunId\r\n");
    }

    /// Blank lines before the first record, at the start of a chunk, are not records.
    #[test]
    fn blank_lines_at_the_start_are_skipped_silently() {
        let lines = line_lengths(LineChunker::new(&b"\n  \r\n\t\n{\"a\":1}\n"[..]));
        assert_eq!(lines, vec![(7, 4)]);
        let lines = line_lengths(LineChunker::new(&b"   "[..]));
        assert_eq!(lines, vec![]);
    }

    /// The byte size of each chunk a reader cuts, and the number of records in all of them.
    fn chunk_sizes(
        mut next: impl FnMut() -> std::io::Result<Option<ChunkParts>>,
    ) -> (Vec<usize>, usize) {
        let (mut sizes, mut total) = (Vec::new(), 0);
        while let Some((b, u, _)) = next().unwrap() {
            sizes.push(b.len());
            total += u.len();
        }
        (sizes, total)
    }

    /// A chunk of lines is never larger than the chunk size: it is filled to that size and
    /// cut at its last line end.
    #[test]
    fn line_chunks_are_bounded() {
        // Long lines, so that what a chunk carries over to the next is large.
        let line = format!("{{\"a\":\"{}\"}}\n", "v".repeat(300_000));
        let text = line.repeat(12);
        let mut c = LineChunker::new(text.as_bytes());
        let (sizes, total) = chunk_sizes(|| c.next_chunk());
        assert_eq!(total, 12);
        assert!(sizes.len() >= 3, "{sizes:?}");
        assert!(sizes.iter().all(|&n| n <= CHUNK_BYTES), "{sizes:?}");
    }

    /// A chunk of array elements stops growing once it reaches the chunk size (it may take
    /// the rest of the read buffer): memory is bounded by the chunks in flight, however long
    /// the array.
    #[test]
    fn array_chunks_are_bounded() {
        let element = format!("{{\"a\":\"{}\"}}", "v".repeat(1000));
        let text = format!("[{}]\n", vec![element.as_str(); 3 * 1024].join(",\n"));
        let buffer = 1 << 16;
        let mut c = JsonChunker::new(BufReader::with_capacity(buffer, text.as_bytes()));
        let (sizes, total) = chunk_sizes(|| c.next_chunk());
        assert_eq!(total, 3 * 1024);
        assert!(sizes.len() >= 3, "{sizes:?}");
        assert!(
            sizes.iter().all(|&n| n <= CHUNK_BYTES + buffer),
            "{sizes:?}"
        );
    }

    /// Fails every other read with `Interrupted`, as a read cut by a signal does.
    struct Interrupting {
        inner: std::io::Cursor<Vec<u8>>,
        now: bool,
    }

    impl Read for Interrupting {
        fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
            self.now = !self.now;
            if self.now {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = b.len().min(4096);
            self.inner.read(&mut b[..n])
        }
    }

    #[test]
    fn interrupted_reads_are_retried() {
        let long = "y".repeat(3 * CHUNK_BYTES);
        let text = format!("{{\"a\":1}}\n{long}\n{{\"a\":2}}\n");
        let reader = Interrupting {
            inner: std::io::Cursor::new(text.into_bytes()),
            now: false,
        };
        let lines = line_lengths(LineChunker::new(BufReader::with_capacity(8192, reader)));
        assert_eq!(lines, vec![(7, 1), (3 * CHUNK_BYTES, 2), (7, 3)]);
        // The same in an array, which the JSON reader splits.
        let text = format!("[{{\"a\":1}},\n{{\"b\":\"{long}\"}},\n{{\"a\":2}}]\n");
        let (got, skips) = json_units(JsonChunker::new(BufReader::with_capacity(
            8192,
            Interrupting {
                inner: std::io::Cursor::new(text.into_bytes()),
                now: false,
            },
        )));
        let lengths: Vec<(usize, u64)> = got.iter().map(|(t, line)| (t.len(), *line)).collect();
        assert_eq!(lengths, vec![(7, 1), (3 * CHUNK_BYTES + 8, 2), (7, 3)]);
        assert!(skips.is_empty(), "{skips:?}");
    }

    #[test]
    fn header_fields_skip_commas_inside_quotes() {
        assert_eq!(header_fields(b"a,\"b,c\",d"), vec![(0, 1), (2, 7), (8, 9)]);
        assert_eq!(header_fields(b""), vec![(0, 0)]);
    }

    #[test]
    fn an_array_element_of_the_longest_length_is_kept() {
        let element = |len: usize| format!("{{\"a\":\"{}\"}}", "z".repeat(len - 8));
        for (len, kept) in [(MAX_RECORD_BYTES, true), (MAX_RECORD_BYTES + 1, false)] {
            let text = format!("[{},\n{{\"b\":2}}]\n", element(len));
            let (units, skips) = all_json(text.as_bytes());
            let lengths: Vec<usize> = units.iter().map(|(t, _)| t.len()).collect();
            if kept {
                assert_eq!((lengths, skips), (vec![len, 7], vec![]));
            } else {
                assert_eq!((lengths, skips), (vec![7], vec![1]));
            }
        }
    }

    #[test]
    fn a_broken_stream_returns_what_was_read_then_where_it_broke() {
        struct Broken(std::io::Cursor<Vec<u8>>);
        impl Read for Broken {
            fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                match self.0.read(b)? {
                    0 => Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "cut",
                    )),
                    n => Ok(n),
                }
            }
        }
        let data = b"{\"a\":1}\n{\"a\":2}\n{\"a\"".to_vec();
        let mut c = LineChunker::new(BufReader::new(Broken(std::io::Cursor::new(data))));
        let (b, u, _) = c.next_chunk().unwrap().unwrap();
        assert_eq!(units(&b, &u).len(), 3);
        let e = c.next_chunk().unwrap_err().to_string();
        assert!(e.contains("byte 20") && e.contains("line 3"), "{e}");
        assert!(c.next_chunk().unwrap().is_none());
    }
}
