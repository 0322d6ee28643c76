//! Source files, byte spans and their line/column positions.

use std::sync::Arc;

/// A half-open byte range `[start, end)` in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The sub-span `[from, to)` relative to this span's start.
    pub const fn slice(&self, from: usize, to: usize) -> Span {
        Span::new(self.start + from, self.start + to)
    }
}

/// A 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// One input file: its display name, its text and the offsets where its lines start.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
    line_starts: Vec<usize>,
    /// Whether each line is ASCII, where a column is a byte count: finding the column of a
    /// span in a minified one-line template then costs nothing, whatever the line's length.
    ascii_lines: Vec<bool>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        // Most files are ASCII throughout: one check answers for every line.
        let ascii_lines = if text.is_ascii() {
            vec![true; line_starts.len()]
        } else {
            line_starts
                .iter()
                .enumerate()
                .map(|(i, &s)| {
                    let e = line_starts.get(i + 1).copied().unwrap_or(text.len());
                    text.as_bytes()[s..e].is_ascii()
                })
                .collect()
        };
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            ascii_lines,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Byte offsets where the lines start (the first is 0).
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// The line and column of a byte offset (clamped to the text and to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = if self.ascii_lines[line] {
            offset - start + 1
        } else {
            self.text[start..offset].chars().count() + 1
        };
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a 1-based line and character column, if it exists.
    pub fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let rest = &self.text[start..];
        let mut chars = rest.char_indices();
        let mut off = 0;
        for _ in 1..column {
            let (_, c) = chars.next()?;
            off += c.len_utf8();
        }
        Some(start + off)
    }
}

/// All files read in one run.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_measure_their_bytes() {
        assert_eq!(Span::new(3, 10).len(), 7);
        assert!(!Span::new(3, 10).is_empty());
        assert_eq!(Span::new(4, 4).len(), 0);
        assert!(Span::new(4, 4).is_empty());
        assert_eq!(Span::new(3, 10).slice(2, 5), Span::new(5, 8));
    }

    #[test]
    fn a_source_map_counts_its_files() {
        let mut map = SourceMap::new();
        assert_eq!((map.len(), map.is_empty()), (0, true));
        let a = map.add(SourceFile::new("a", "x"));
        let b = map.add(SourceFile::new("b", "y"));
        assert_eq!((map.len(), map.is_empty()), (2, false));
        assert_eq!((map.get(a).name(), map.get(b).name()), ("a", "b"));
    }

    #[test]
    fn line_starts_follow_each_line_feed() {
        let f = SourceFile::new("a", "ab\r\nc\n\nd");
        assert_eq!(f.line_starts(), [0, 4, 6, 7]);
        assert_eq!(SourceFile::new("b", "").line_starts(), [0]);
    }

    #[test]
    fn columns_count_characters_on_ascii_and_other_lines() {
        let f = SourceFile::new("x", "ab\né\u{200b}c\nxyz");
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 2 });
        // `c` is the third character of line 2, its sixth byte.
        assert_eq!(f.line_col(8), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_col(12), LineCol { line: 3, column: 3 });
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let f = SourceFile::new("t", "ab\nçd\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'd' follows a two-byte character
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.offset_of(2, 2), Some(5));
        assert_eq!(f.line_col(999), LineCol { line: 3, column: 1 });
        // An offset inside a character is that character's place.
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 1 });
        let wide = SourceFile::new("w", "x\u{1F600}y");
        for inside in 2..5 {
            assert_eq!(wide.line_col(inside), LineCol { line: 1, column: 2 });
        }
        assert_eq!(wide.line_col(5), LineCol { line: 1, column: 3 });
    }
}
