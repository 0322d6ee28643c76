//! Reading dumps as they come: diagnostic-settings archives (one JSON record per line),
//! Event Hub captures (`{"records": […]}` per line), Log Analytics query results (a JSON array
//! of rows) and portal CSV exports, chosen by content; gzip is read transparently. Input is
//! cut into chunks of whole records ("units") for the worker threads.

use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

/// The shapes of dump amlguard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line (diagnostic settings; Event Hub bodies are detected per line).
    JsonLines,
    /// One JSON array of row objects (`az monitor log-analytics query`).
    JsonArray,
    /// A CSV table with a header row.
    Csv,
}

/// A record's place in a chunk: `(start, end, line)`.
pub type Unit = (u32, u32, u64);

/// A chunk's bytes and its records.
pub type ChunkParts = (Vec<u8>, Vec<Unit>);

/// A batch of whole records.
#[derive(Debug)]
pub struct Chunk {
    pub seq: u64,
    pub file: crate::source::FileId,
    pub bytes: Vec<u8>,
    /// `(start, end, line)` of each record in `bytes`.
    pub units: Vec<Unit>,
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

/// Decides the format from the first non-blank bytes (skipping a UTF-8 byte-order mark).
pub fn sniff(r: &mut dyn BufRead) -> std::io::Result<Format> {
    let buf = r.fill_buf()?;
    let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    Ok(match buf.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => Format::JsonArray,
        Some(b'{') | None => Format::JsonLines,
        Some(_) => Format::Csv,
    })
}

/// Buffers handed back by the workers, so chunks reuse memory instead of mapping fresh pages.
pub type BufferPool = std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>;

/// Cuts line-oriented input into chunks of whole lines (the last line may lack a newline).
pub struct LineChunker<R> {
    reader: R,
    line: u64,
    carry: Vec<u8>,
    done: bool,
    pool: Option<BufferPool>,
}

impl<R: BufRead> LineChunker<R> {
    pub fn new(reader: R) -> Self {
        LineChunker {
            reader,
            line: 1,
            carry: Vec::new(),
            done: false,
            pool: None,
        }
    }

    /// Takes chunk buffers from `pool` when it has some.
    pub fn with_pool(mut self, pool: BufferPool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The next chunk's bytes and units, or `None` at the end.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<ChunkParts>> {
        if self.done {
            return Ok(None);
        }
        let mut bytes = self
            .pool
            .as_ref()
            .and_then(|p| p.lock().ok().and_then(|mut v| v.pop()))
            .unwrap_or_else(|| Vec::with_capacity(CHUNK_BYTES + (1 << 16)));
        bytes.clear();
        bytes.extend_from_slice(&self.carry);
        self.carry.clear();
        // Fill to the target size straight from the reader (a large read bypasses the
        // BufReader's own buffer), then cut at the last newline.
        while bytes.len() < CHUNK_BYTES {
            let want = (CHUNK_BYTES - bytes.len()) as u64;
            let n = (&mut self.reader).take(want).read_to_end(&mut bytes)?;
            if n == 0 {
                self.done = true;
                break;
            }
        }
        if !self.done {
            match memchr::memrchr(b'\n', &bytes) {
                Some(i) => {
                    self.carry.extend_from_slice(&bytes[i + 1..]);
                    bytes.truncate(i + 1);
                }
                None => {
                    // A line longer than a chunk: read on until its end.
                    let mut rest = Vec::new();
                    self.reader.read_until(b'\n', &mut rest)?;
                    if rest.is_empty() {
                        self.done = true;
                    }
                    bytes.extend_from_slice(&rest);
                }
            }
        }
        if bytes.is_empty() {
            return Ok(None);
        }
        let mut units = Vec::new();
        let mut start = 0usize;
        for i in memchr::memchr_iter(b'\n', &bytes) {
            push_line(&bytes, start, i, self.line, &mut units);
            self.line += 1;
            start = i + 1;
        }
        if start < bytes.len() {
            push_line(&bytes, start, bytes.len(), self.line, &mut units);
            self.line += 1;
        }
        Ok(Some((bytes, units)))
    }
}

/// A line as a unit, without its CR and surrounding blanks; blank lines are not records.
fn push_line(bytes: &[u8], start: usize, end: usize, line: u64, units: &mut Vec<Unit>) {
    let mut s = start;
    let mut e = end;
    while e > s && bytes[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    while s < e && bytes[s].is_ascii_whitespace() {
        s += 1;
    }
    if s < e {
        units.push((s as u32, e as u32, line));
    }
}

/// Splits a JSON array into its elements as they stream by, tracking strings, nesting and
/// lines. Malformed input ends the array with the bytes read so far as one last unit, which
/// then fails to parse and is reported.
pub struct ArrayChunker<R> {
    reader: R,
    state: ArrayState,
    done: bool,
}

#[derive(Default)]
struct ArrayState {
    line: u64,
    depth: u32,
    in_string: bool,
    escaped: bool,
    started: bool,
    element: Vec<u8>,
    element_line: u64,
}

impl<R: BufRead> ArrayChunker<R> {
    pub fn new(reader: R) -> Self {
        ArrayChunker {
            reader,
            state: ArrayState {
                line: 1,
                element_line: 1,
                ..ArrayState::default()
            },
            done: false,
        }
    }

    pub fn next_chunk(&mut self) -> std::io::Result<Option<ChunkParts>> {
        if self.done {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        let mut units = Vec::new();
        let ArrayChunker {
            reader,
            state,
            done,
        } = self;
        while bytes.len() < CHUNK_BYTES {
            let buf = reader.fill_buf()?;
            if buf.is_empty() {
                *done = true;
                if !state.element.iter().all(u8::is_ascii_whitespace) {
                    state.flush(&mut bytes, &mut units);
                }
                break;
            }
            let n = buf.len();
            for &b in buf {
                state.step(b, &mut bytes, &mut units);
            }
            reader.consume(n);
        }
        if bytes.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some((bytes, units)))
    }
}

impl ArrayState {
    fn step(&mut self, b: u8, bytes: &mut Vec<u8>, units: &mut Vec<Unit>) {
        if b == b'\n' {
            self.line += 1;
        }
        if !self.started {
            if b == b'[' {
                self.started = true;
            }
            return;
        }
        if self.in_string {
            self.element.push(b);
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return;
        }
        match b {
            b'"' => {
                self.in_string = true;
                self.start_element();
                self.element.push(b);
            }
            b'{' | b'[' => {
                self.start_element();
                self.depth += 1;
                self.element.push(b);
            }
            b'}' | b']' if self.depth > 0 => {
                self.depth -= 1;
                self.element.push(b);
            }
            b']' => {
                // The end of the array.
                self.flush(bytes, units);
                self.started = false;
            }
            b',' if self.depth == 0 => self.flush(bytes, units),
            b if b.is_ascii_whitespace() && self.element.is_empty() => {}
            _ => {
                self.start_element();
                self.element.push(b);
            }
        }
    }

    fn start_element(&mut self) {
        if self.element.is_empty() {
            self.element_line = self.line;
        }
    }

    fn flush(&mut self, bytes: &mut Vec<u8>, units: &mut Vec<Unit>) {
        let trimmed_len = self
            .element
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        if trimmed_len > 0 {
            let start = bytes.len();
            bytes.extend_from_slice(&self.element[..trimmed_len]);
            units.push((start as u32, bytes.len() as u32, self.element_line));
        }
        self.element.clear();
    }
}

/// Reads CSV rows and re-encodes each as a JSON object (header → value), so that one record
/// reader serves every format. Header suffixes such as ` [UTC]` are dropped.
pub struct CsvChunker<R: Read> {
    reader: csv::Reader<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>,
    headers: Arc<Vec<String>>,
    /// The csv crate starts a record after a CRLF's CR, one line early: this corrects it.
    line_offset: u64,
    done: bool,
}

impl<R: BufRead> CsvChunker<R> {
    pub fn new(mut reader: R) -> Result<Self, String> {
        // Read the header line ourselves to learn the line ending.
        let mut header = Vec::new();
        reader
            .read_until(b'\n', &mut header)
            .map_err(|e| e.to_string())?;
        let crlf = header.ends_with(b"\r\n");
        let reader = std::io::Cursor::new(header).chain(reader);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers = reader
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
        Ok(CsvChunker {
            reader,
            headers: Arc::new(headers),
            line_offset: u64::from(crlf),
            done: false,
        })
    }

    pub fn next_chunk(&mut self) -> std::io::Result<Option<ChunkParts>> {
        if self.done {
            return Ok(None);
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
                    let line = rec.position().map_or(0, |p| p.line()) + self.line_offset;
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
                    units.push((start as u32, bytes.len() as u32, line));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line()) + self.line_offset;
                    let start = bytes.len();
                    bytes.extend_from_slice(
                        format!(
                            "[\"unreadable CSV row: {}\"]",
                            e.to_string().replace('"', "'")
                        )
                        .as_bytes(),
                    );
                    units.push((start as u32, bytes.len() as u32, line));
                    if !matches!(
                        e.kind(),
                        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                    ) {
                        self.done = true;
                        break;
                    }
                }
            }
        }
        if bytes.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some((bytes, units)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(bytes: &[u8], units: &[(u32, u32, u64)]) -> Vec<(String, u64)> {
        units
            .iter()
            .map(|&(s, e, l)| {
                (
                    String::from_utf8_lossy(&bytes[s as usize..e as usize]).into_owned(),
                    l,
                )
            })
            .collect()
    }

    #[test]
    fn lines_with_crlf_blank_lines_and_no_final_newline() {
        let mut c = LineChunker::new(&b"{\"a\":1}\r\n\r\n  {\"b\":2}\n{\"c\":3}"[..]);
        let (b, u) = c.next_chunk().unwrap().unwrap();
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
        let mut c = ArrayChunker::new(&text[..]);
        let (b, u) = c.next_chunk().unwrap().unwrap();
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
        let mut c = ArrayChunker::new(&b"[{\"a\":1},{\"b\":"[..]);
        let (b, u) = c.next_chunk().unwrap().unwrap();
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
        let (b, u) = c.next_chunk().unwrap().unwrap();
        let got = units(&b, &u);
        assert_eq!(
            got[0].0,
            "{\"RunId\":\"r1\",\"Status\":\"Running\",\"TimeGenerated\":\"11/25/2026, 8:00:00.000 AM\"}"
        );
        assert_eq!(got[0].1, 2);
        assert_eq!(got[1].1, 3);
        assert!(got[1].0.starts_with('['));
    }

    #[test]
    fn sniffs_by_content_and_reads_gzip() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"  [ {\"a\": 1} ]").unwrap();
        let data = gz.finish().unwrap();
        let mut r = open(Box::new(std::io::Cursor::new(data))).unwrap();
        assert_eq!(sniff(&mut r).unwrap(), Format::JsonArray);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "  [ {\"a\": 1} ]");
        let mut r = open(Box::new(std::io::Cursor::new(b"Time,RunId\n".to_vec()))).unwrap();
        assert_eq!(sniff(&mut r).unwrap(), Format::Csv);
    }
}
