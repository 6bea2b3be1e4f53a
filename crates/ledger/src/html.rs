//! Tables saved as web pages: some systems export their lists as an HTML table named `.xls`
//! (Excel opens it as a sheet), and Excel itself saves a sheet "as a web page". The rows of the
//! page's tables are read as a sheet's rows, streamed: cells are the text of `<td>`/`<th>`, tags
//! inside them dropped, entities decoded and white space collapsed as a browser shows it; a
//! cell spanning columns or rows (`colspan`, `rowspan`) is read into each of them, as a merged
//! cell of a workbook is. Every `<tr>` is a row, numbered from 1 through the whole page.
//!
//! Bounds, for a page from anywhere: a row has at most [`MAX_COLUMNS`] cells (Excel's limit), a
//! span at most that many columns or [`MAX_ROWSPAN`] rows, a cell at most [`MAX_CELL`] bytes
//! (the rest is dropped: no value of a ledger is near it) and a tag at most [`MAX_TAG`] bytes.

use std::io::BufRead;
use std::path::Path;

use crate::error::FileError;
use crate::read::{
    Cell, Encoding, RawRow, decode_borrowed, encoding_by_bom, open_text, utf8_or_gb18030,
};

/// Cells in a row, as in a workbook's sheet.
pub const MAX_COLUMNS: usize = 16_384;
/// Rows a cell may span.
pub const MAX_ROWSPAN: u32 = 65_536;
/// Bytes kept of a cell's text (Excel keeps 32,767 characters).
pub const MAX_CELL: usize = 32_767 * 3;
/// Bytes kept of a tag (its name and the attributes read).
pub const MAX_TAG: usize = 4_096;

/// The page's encoding: a BOM, else the charset its head declares (`gb2312`, `gbk`, `gb18030`:
/// GB18030 is their superset), else UTF-8 when the head is valid UTF-8, else GB18030.
pub(crate) fn html_encoding(head: &[u8]) -> Encoding {
    if let Some(encoding) = encoding_by_bom(head) {
        return encoding;
    }
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if let Some(at) = find(&lower, b"charset") {
        let rest = &lower[at + b"charset".len()..];
        let value: Vec<u8> = rest
            .iter()
            .skip_while(|b| matches!(b, b' ' | b'=' | b'"' | b'\''))
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            .copied()
            .collect();
        match &value[..] {
            b"gb2312" | b"gbk" | b"gb18030" | b"x-gbk" | b"cp936" | b"windows-936" => {
                return Encoding::Gb18030;
            }
            b"utf-8" | b"utf8" => return Encoding::Utf8,
            _ => {}
        }
    }
    utf8_or_gb18030(head)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The first bytes of a file (to tell its kind and encoding).
pub(crate) fn head_of(path: &Path, n: usize) -> Result<Vec<u8>, FileError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| FileError::Io(e.to_string()))?;
    let mut head = Vec::with_capacity(n);
    file.take(n as u64)
        .read_to_end(&mut head)
        .map_err(|e| FileError::Io(e.to_string()))?;
    Ok(head)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// Inside `<...>`.
    Tag,
    /// Inside `<!-- ... -->`.
    Comment,
    /// Inside `<script>` or `<style>`, up to its closing tag.
    Raw,
}

/// A cell being read.
struct OpenCell {
    bytes: Vec<u8>,
    colspan: usize,
    rowspan: u32,
}

/// Bytes of a row's copies of spanning cells: beyond them a copy is left empty (a page of a few
/// kilobytes must not spread one long cell over millions of others).
const MAX_COPIED: usize = 1 << 20;

/// The rows being built.
struct Table<'f> {
    encoding: Encoding,
    on_row: &'f mut dyn FnMut(&RawRow) -> bool,
    row: u64,
    /// The cells of the row being read, and whether a row is open.
    cells: Vec<Cell>,
    in_row: bool,
    cell: Option<OpenCell>,
    /// Per column: a cell spanning rows below the one it is in, with the rows it still covers.
    spans: Vec<Option<(Cell, u32)>>,
    /// Per column: the cell spanning down into the row being read.
    covered: Vec<Option<Cell>>,
    /// Bytes of copies made in the row being read.
    copied: usize,
    stopped: bool,
}

impl Table<'_> {
    fn start_row(&mut self) {
        self.end_row();
        self.in_row = true;
        self.copied = 0;
        self.covered.clear();
        for span in &mut self.spans {
            self.covered.push(match span {
                Some((cell, left)) => {
                    let cell = cell.clone();
                    *left -= 1;
                    if *left == 0 {
                        *span = None;
                    }
                    Some(cell)
                }
                None => None,
            });
        }
        while self.spans.last().is_some_and(Option::is_none) {
            self.spans.pop();
        }
    }

    /// `cell`, or an empty one once the row's copies are too many bytes.
    fn copy(&mut self, cell: &Cell) -> Cell {
        self.copied += cell.text.len();
        if self.copied > MAX_COPIED {
            Cell::default()
        } else {
            cell.clone()
        }
    }

    /// Fills the columns covered from above up to the next free one.
    fn fill_covered(&mut self) {
        while let Some(Some(cell)) = self.covered.get(self.cells.len()) {
            let cell = cell.clone();
            let cell = self.copy(&cell);
            self.cells.push(cell);
        }
    }

    fn start_cell(&mut self, colspan: usize, rowspan: u32) {
        self.end_cell();
        if !self.in_row {
            self.start_row();
        }
        self.cell = Some(OpenCell {
            bytes: Vec::new(),
            colspan,
            rowspan,
        });
    }

    fn text(&mut self, bytes: &[u8]) {
        if let Some(cell) = &mut self.cell {
            let room = MAX_CELL.saturating_sub(cell.bytes.len());
            cell.bytes
                .extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
    }

    fn end_cell(&mut self) {
        let Some(open) = self.cell.take() else {
            return;
        };
        let cell = Cell::text(cell_text(&decode_borrowed(&open.bytes, self.encoding)));
        for k in 0..open.colspan {
            self.fill_covered();
            if self.cells.len() >= MAX_COLUMNS {
                break;
            }
            let placed = if k == 0 {
                cell.clone()
            } else {
                self.copy(&cell)
            };
            if open.rowspan > 1 {
                let at = self.cells.len();
                if self.spans.len() <= at {
                    self.spans.resize(at + 1, None);
                }
                self.spans[at] = Some((placed.clone(), open.rowspan - 1));
            }
            self.cells.push(placed);
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        if !self.in_row {
            return;
        }
        self.in_row = false;
        // Cells spanning down beyond the row's last cell.
        let last = self.covered.iter().rposition(Option::is_some);
        if let Some(last) = last {
            while self.cells.len() <= last {
                self.fill_covered();
                if self.cells.len() <= last {
                    self.cells.push(Cell::default());
                }
            }
        }
        self.row += 1;
        while self.cells.last().is_some_and(|c| c.text.is_empty()) {
            self.cells.pop();
        }
        let raw = RawRow {
            row: self.row,
            cells: std::mem::take(&mut self.cells),
        };
        if !self.stopped && !(self.on_row)(&raw) {
            self.stopped = true;
        }
    }

    /// A tag's effect on the rows; the state to read on in.
    fn tag(&mut self, tag: &[u8]) -> State {
        let (closing, name, attrs) = split_tag(tag);
        match (closing, &name[..]) {
            (false, b"tr") => self.start_row(),
            (true, b"tr") | (_, b"table") | (_, b"tbody") | (_, b"thead") | (_, b"tfoot") => {
                self.end_row()
            }
            (false, b"td") | (false, b"th") => {
                let colspan = attr_number(attrs, b"colspan").clamp(1, MAX_COLUMNS as u64);
                let rowspan = attr_number(attrs, b"rowspan").clamp(1, u64::from(MAX_ROWSPAN));
                self.start_cell(colspan as usize, rowspan as u32);
            }
            (true, b"td") | (true, b"th") => self.end_cell(),
            (_, b"br") | (true, b"p") | (true, b"div") => self.text(b" "),
            (false, b"script") | (false, b"style") => return State::Raw,
            _ => {}
        }
        State::Text
    }
}

/// (closing, lower-case name (at most 16 bytes kept), the rest) of a tag's text between `<` and
/// `>`.
fn split_tag(tag: &[u8]) -> (bool, TagName, &[u8]) {
    let (closing, tag) = match tag.strip_prefix(b"/") {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    let end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/')
        .unwrap_or(tag.len());
    let mut name = TagName::default();
    for (k, b) in tag[..end].iter().take(16).enumerate() {
        name.bytes[k] = b.to_ascii_lowercase();
        name.len = k + 1;
    }
    if end > 16 {
        name.len = 0;
    }
    (closing, name, tag.get(end..).unwrap_or_default())
}

/// A tag's name, lower-case, without an allocation.
#[derive(Default)]
struct TagName {
    bytes: [u8; 16],
    len: usize,
}

impl std::ops::Deref for TagName {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// A whole-number attribute (`colspan=3`, `rowspan="2"`); 1 when absent or not a number.
fn attr_number(attrs: &[u8], name: &[u8]) -> u64 {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], name).map(|i| i + from) {
        from = at + name.len();
        // The name alone, not the end of another (`data-colspan`).
        if at > 0 && !lower[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = lower[from..].trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let digits: Vec<u8> = rest
            .trim_ascii_start()
            .iter()
            .skip_while(|b| matches!(b, b'"' | b'\''))
            .take_while(|b| b.is_ascii_digit())
            .take(12)
            .copied()
            .collect();
        return std::str::from_utf8(&digits)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
    }
    1
}

/// A cell's text as a browser shows it: entities decoded, white space runs one space (a line
/// break of `<br>` kept), trimmed.
fn cell_text(raw: &str) -> String {
    // Most cells are plain: one word or words single-spaced, no entity.
    let plain = !raw.contains('&')
        && !raw.starts_with(' ')
        && !raw.ends_with(' ')
        && !raw.contains("  ")
        && !raw.contains(|c: char| c.is_whitespace() && c != ' ');
    if plain {
        return raw.to_string();
    }
    let decoded = decode_entities(raw);
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric references decoded; an
/// unknown or broken reference kept as written. `&nbsp;` is a space (Excel pads with it).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .char_indices()
            .take(10)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i + 1);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let n = if let Some(hex) =
                        name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    match n.and_then(char::from_u32) {
                        Some('\u{a0}') => ' ',
                        Some(c) => c,
                        None => return None,
                    }
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace('\u{a0}', " ")
}

/// Streams the rows of the tables of an HTML page; `on_row` returns false to stop.
pub(crate) fn read_html(
    path: &Path,
    encoding: Encoding,
    on_row: &mut dyn FnMut(&RawRow) -> bool,
) -> Result<(), FileError> {
    let mut input = open_text(path, encoding)?;
    let mut table = Table {
        encoding,
        on_row,
        row: 0,
        cells: Vec::new(),
        in_row: false,
        cell: None,
        spans: Vec::new(),
        covered: Vec::new(),
        copied: 0,
        stopped: false,
    };
    let mut state = State::Text;
    let mut tag: Vec<u8> = Vec::new();
    // The last two bytes of the tag being read (a long comment's end is past what is kept).
    let mut last = [0u8; 2];
    // The last bytes seen in a comment or raw text, to find its end across reads.
    let mut tail: Vec<u8> = Vec::new();
    let mut first = true;
    loop {
        let chunk = input.fill_buf().map_err(|e| FileError::Io(e.to_string()))?;
        if chunk.is_empty() {
            break;
        }
        let mut chunk_start = 0;
        if first {
            first = false;
            if chunk.starts_with(b"\xEF\xBB\xBF") {
                chunk_start = 3;
            }
        }
        let len = chunk.len();
        let mut i = chunk_start;
        let mut text_from = i;
        while i < len {
            let b = chunk[i];
            match state {
                State::Text => {
                    // Straight to the next tag.
                    match chunk[i..].iter().position(|&c| c == b'<') {
                        Some(at) => {
                            i += at;
                            table.text(&chunk[text_from..i]);
                            state = State::Tag;
                            tag.clear();
                        }
                        None => i = len - 1,
                    }
                }
                State::Tag => {
                    // A tag's bytes up to its `>` taken at once.
                    let end = chunk[i..]
                        .iter()
                        .position(|&c| c == b'>')
                        .map_or(len, |at| i + at);
                    if end > i {
                        let bytes = &chunk[i..end];
                        let room = MAX_TAG.saturating_sub(tag.len());
                        tag.extend_from_slice(&bytes[..bytes.len().min(room)]);
                        last = match bytes {
                            [.., a, b] => [*a, *b],
                            [b] => [last[1], *b],
                            [] => last,
                        };
                        i = end;
                        if i == len {
                            break;
                        }
                    }
                    let b = chunk[i];
                    if b == b'>' {
                        tail.clear();
                        let closed = tag.len() >= 5 && last == *b"--";
                        last = [0, 0];
                        state = if tag.starts_with(b"!--") && !closed {
                            // A comment holding a `>`: read on to its `-->`.
                            State::Comment
                        } else if tag.first().is_some_and(|c| *c == b'!' || *c == b'?') {
                            // A declaration, a conditional comment, a processing instruction.
                            State::Text
                        } else {
                            table.tag(&tag)
                        };
                        text_from = i + 1;
                    }
                }
                State::Comment => {
                    push_tail(&mut tail, b);
                    if tail.ends_with(b"-->") {
                        state = State::Text;
                        text_from = i + 1;
                    }
                }
                State::Raw => {
                    push_tail(&mut tail, b.to_ascii_lowercase());
                    if tail.ends_with(b"</script>") || tail.ends_with(b"</style>") {
                        state = State::Text;
                        text_from = i + 1;
                    }
                }
            }
            i += 1;
        }
        if state == State::Text && text_from < len {
            table.text(&chunk[text_from..len]);
        }
        input.consume(len);
        if table.stopped {
            return Ok(());
        }
    }
    table.end_row();
    Ok(())
}

/// Keeps the last few bytes (enough for `</script>`).
fn push_tail(tail: &mut Vec<u8>, b: u8) {
    if tail.len() >= 16 {
        tail.drain(..8);
    }
    tail.push(b);
}

#[cfg(test)]
mod tests;
