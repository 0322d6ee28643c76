//! Parsing, evaluating and reading a Bicep file never panics, whatever the bytes, and every
//! finding's span lies inside the file it names.
#![no_main]

use amlguard::rules::bicep;
use amlguard::source::{SourceFile, SourceMap};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (_, errors) = bicep::syntax::parse(text);
    for e in &errors {
        assert!(e.span.start <= e.span.end && e.span.end <= text.len());
        assert!(text.is_char_boundary(e.span.start));
    }
    // A path whose module references lead nowhere on disk.
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("/nonexistent/fuzz.bicep", text.to_string()));
    let read = bicep::read(id, &mut sources, &[]);
    for f in read.findings {
        assert!(f.span.end <= sources.get(f.file).text().len());
    }
});
