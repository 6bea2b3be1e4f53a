//! The older Excel workbook (.xls of Excel 97-2003 and WPS: BIFF8 records in an OLE compound
//! file), read with bounds. calamine's reader was tried and left (BENCHMARKS, Hostile input: it
//! panicked on a truncated file and followed a cycle in the allocation table until it had taken
//! gigabytes); this one reads the whole file once and checks everything it follows:
//!
//! - the compound file: every sector number inside the file, every chain followed at most once
//!   per sector (a cycle is an error), the directory and streams no longer than the file;
//! - the workbook stream: records inside the stream, strings no longer than their record and its
//!   continuations, cells at most 65,536 rows by 256 columns (BIFF8's own limits), nothing
//!   allocated from a count the file claims before the bytes are there;
//! - merged cells filled into the rows that have cells of their own, with a budget of bytes per
//!   row, as the HTML reader does.
//!
//! What a ledger needs is read: text (shared strings, inline labels, formula results), numbers
//! (numbers, RK and MulRk, formula results; a date is its serial number, which the date parser
//! takes), booleans, merged ranges. An encrypted workbook, or one of Excel 95 or older, is
//! refused with what to do.

use std::path::Path;

use crate::error::FileError;
use crate::read::{Cell, OLE_MAGIC, RawRow};

/// Rows and columns of a BIFF8 sheet.
const MAX_ROWS: u32 = 65_536;
const MAX_COLS: u16 = 256;
/// Bytes of copies of merged cells made in one row (beyond them, copies are left empty), and
/// the longest text copied into a merged range's other cells.
const MAX_COPIED: usize = 64 * 1024;
const MAX_COPY_TEXT: usize = 256;
/// The largest xls read (it is read whole).
const MAX_FILE: u64 = 256 << 20;

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn broken(why: impl std::fmt::Display) -> FileError {
    FileError::Xls(why.to_string())
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// An OLE compound file held whole.
struct Compound<'a> {
    data: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
}

impl<'a> Compound<'a> {
    fn parse(data: &'a [u8]) -> Result<Compound<'a>, FileError> {
        if data.len() < 512 || data[..8] != OLE_MAGIC {
            return Err(broken("不是完整的复合文档"));
        }
        let shift = u16_at(data, 30).unwrap_or(0);
        if shift != 9 && shift != 12 {
            return Err(broken(format!("扇区大小无效（2^{shift}）")));
        }
        let sector = 1usize << shift;
        let sectors = data.len().saturating_sub(sector) / sector;
        let fat_sectors = u32_at(data, 44).unwrap_or(0) as usize;
        if fat_sectors > sectors {
            return Err(broken("分配表的扇区数超出文件"));
        }
        // The FAT's sectors: the first 109 in the header, the rest in the DIFAT chain.
        let mut fat_ids: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(data, 76 + 4 * i))
            .take(fat_sectors)
            .collect();
        let mut difat = u32_at(data, 68).unwrap_or(END_OF_CHAIN);
        let mut seen = vec![false; sectors];
        while fat_ids.len() < fat_sectors && difat != END_OF_CHAIN && difat != FREE {
            let i = difat as usize;
            if i >= sectors || std::mem::replace(&mut seen[i], true) {
                return Err(broken("分配表索引链无效"));
            }
            let s = &data[(i + 1) * sector..(i + 2) * sector];
            let per = sector / 4 - 1;
            fat_ids.extend((0..per).filter_map(|k| u32_at(s, 4 * k)));
            difat = u32_at(s, 4 * per).unwrap_or(END_OF_CHAIN);
        }
        fat_ids.truncate(fat_sectors);
        let mut fat = Vec::with_capacity(fat_ids.len() * sector / 4);
        for id in fat_ids {
            let i = id as usize;
            if i >= sectors {
                return Err(broken("分配表扇区超出文件"));
            }
            let s = &data[(i + 1) * sector..(i + 2) * sector];
            fat.extend((0..sector / 4).filter_map(|k| u32_at(s, 4 * k)));
        }
        Ok(Compound { data, sector, fat })
    }

    fn sectors(&self) -> usize {
        self.data.len().saturating_sub(self.sector) / self.sector
    }

    /// The bytes of the chain from `start`, each sector once, at most `limit` bytes.
    fn chain(&self, start: u32, limit: usize) -> Result<Vec<u8>, FileError> {
        let mut out = Vec::new();
        let mut seen = vec![false; self.sectors()];
        let mut at = start;
        while at != END_OF_CHAIN && out.len() < limit {
            let i = at as usize;
            if i >= self.sectors() || std::mem::replace(&mut seen[i], true) {
                return Err(broken("扇区链无效（文件可能已损坏或不完整）"));
            }
            out.extend_from_slice(&self.data[(i + 1) * self.sector..(i + 2) * self.sector]);
            at = *self.fat.get(i).ok_or_else(|| broken("扇区不在分配表中"))?;
        }
        Ok(out)
    }

    /// The workbook stream (`Workbook`, or `Book` of older files).
    fn workbook(&self) -> Result<Vec<u8>, FileError> {
        let first_dir = u32_at(self.data, 48).unwrap_or(END_OF_CHAIN);
        let dir = self.chain(first_dir, self.data.len())?;
        let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
        let name = |e: &[u8]| -> String {
            let len = (u16_at(e, 64).unwrap_or(0) as usize).min(64);
            let units: Vec<u16> = (0..len / 2)
                .filter_map(|k| u16_at(e, 2 * k))
                .take_while(|u| *u != 0)
                .collect();
            String::from_utf16_lossy(&units)
        };
        let found = entries
            .iter()
            .find(|e| e[66] == 2 && name(e).eq_ignore_ascii_case("workbook"));
        let Some(entry) = found else {
            if entries
                .iter()
                .any(|e| e[66] == 2 && name(e).eq_ignore_ascii_case("book"))
            {
                return Err(FileError::OldFormat);
            }
            if entries
                .iter()
                .any(|e| e[66] == 2 && name(e).eq_ignore_ascii_case("EncryptedPackage"))
            {
                return Err(FileError::OldFormat);
            }
            return Err(broken("文件中没有工作簿"));
        };
        let start = u32_at(entry, 116).unwrap_or(END_OF_CHAIN);
        let size = u32_at(entry, 120).unwrap_or(0) as usize;
        if size > self.data.len() {
            return Err(broken("工作簿长度超出文件"));
        }
        let cutoff = u32_at(self.data, 56).unwrap_or(4096) as usize;
        let mut stream = if size < cutoff {
            self.mini_stream(entries[0], start, size)?
        } else {
            self.chain(start, size)?
        };
        if stream.len() < size {
            return Err(broken("工作簿不完整"));
        }
        stream.truncate(size);
        Ok(stream)
    }

    /// A small stream, kept in 64-byte sectors of the root entry's stream.
    fn mini_stream(&self, root: &[u8], start: u32, size: usize) -> Result<Vec<u8>, FileError> {
        let ministream = self.chain(u32_at(root, 116).unwrap_or(END_OF_CHAIN), self.data.len())?;
        let first = u32_at(self.data, 60).unwrap_or(END_OF_CHAIN);
        let table = self.chain(first, self.data.len())?;
        let minifat: Vec<u32> = (0..table.len() / 4)
            .filter_map(|k| u32_at(&table, 4 * k))
            .collect();
        let mut out = Vec::with_capacity(size.min(ministream.len()));
        let mut seen = vec![false; minifat.len()];
        let mut at = start;
        while at != END_OF_CHAIN && out.len() < size {
            let i = at as usize;
            let bytes = ministream.get(i * 64..(i + 1) * 64);
            match (bytes, seen.get_mut(i)) {
                (Some(b), Some(s)) if !*s => {
                    *s = true;
                    out.extend_from_slice(b);
                    at = minifat[i];
                }
                _ => return Err(broken("小扇区链无效")),
            }
        }
        Ok(out)
    }
}

/// The records of a workbook stream from a position: (type, data).
struct Records<'a> {
    stream: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        let typ = u16_at(self.stream, self.at)?;
        let len = u16_at(self.stream, self.at + 2)? as usize;
        let data = self.stream.get(self.at + 4..self.at + 4 + len)?;
        self.at += 4 + len;
        Some((typ, data))
    }
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const LABELSST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
const STRING: u16 = 0x0207;
const BOOLERR: u16 = 0x0205;
const MERGEDCELLS: u16 = 0x00E5;

/// Bytes read across a record and its continuations: a string's characters that run into a
/// CONTINUE record start there again with their flag byte.
struct Pieces<'a> {
    pieces: Vec<&'a [u8]>,
    piece: usize,
    at: usize,
}

impl Pieces<'_> {
    fn byte(&mut self) -> Option<u8> {
        loop {
            let p = self.pieces.get(self.piece)?;
            if let Some(b) = p.get(self.at) {
                self.at += 1;
                return Some(*b);
            }
            self.piece += 1;
            self.at = 0;
        }
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.byte()?,
            self.byte()?,
            self.byte()?,
            self.byte()?,
        ]))
    }

    fn skip(&mut self, mut n: usize) -> Option<()> {
        while n > 0 {
            let p = self.pieces.get(self.piece)?;
            let here = p.len().saturating_sub(self.at).min(n);
            if here == 0 {
                self.piece += 1;
                self.at = 0;
                continue;
            }
            self.at += here;
            n -= here;
        }
        Some(())
    }

    /// At the end of a piece (the next bytes begin a continuation).
    fn at_piece_end(&self) -> bool {
        self.pieces
            .get(self.piece)
            .is_some_and(|p| self.at >= p.len())
    }

    /// An XLUnicodeRichExtendedString (the shared strings' form; `rich`: with its runs and
    /// phonetic data) or, with `rich` false, an XLUnicodeString.
    fn string(&mut self, count: usize, rich: bool) -> Option<String> {
        let mut flags = self.byte()?;
        let runs = if rich && flags & 0x08 != 0 {
            self.u16()? as usize
        } else {
            0
        };
        let ext = if rich && flags & 0x04 != 0 {
            self.u32()? as usize
        } else {
            0
        };
        let mut units: Vec<u16> = Vec::with_capacity(count.min(4096));
        while units.len() < count {
            if self.at_piece_end() {
                // The characters go on in the next record, after a flag byte of their own.
                self.piece += 1;
                self.at = 0;
                flags = self.byte()?;
                continue;
            }
            units.push(if flags & 0x01 != 0 {
                self.u16()?
            } else {
                u16::from(self.byte()?)
            });
        }
        self.skip(4 * runs)?;
        self.skip(ext)?;
        Some(String::from_utf16_lossy(&units))
    }
}

/// An RK number: an integer or the top of a float, perhaps divided by 100.
fn rk(v: u32) -> f64 {
    let n = if v & 0x02 != 0 {
        f64::from((v as i32) >> 2)
    } else {
        f64::from_bits(u64::from(v & 0xFFFF_FFFC) << 32)
    };
    if v & 0x01 != 0 { n / 100.0 } else { n }
}

/// An XLUnicodeString held whole in `bytes` (flags, then `count` characters).
fn short_string(bytes: Option<&[u8]>, count: usize) -> String {
    let mut p = Pieces {
        pieces: vec![bytes.unwrap_or_default()],
        piece: 0,
        at: 0,
    };
    p.string(count, false).unwrap_or_default()
}

/// A merged range: first and last row, first and last column.
type Merge = (u32, u32, u16, u16);

/// An xls workbook read whole: its sheets, shared strings and stream.
pub(crate) struct XlsBook {
    stream: Vec<u8>,
    sheets: Vec<(String, usize)>,
    strings: Vec<String>,
}

/// Opens an xls workbook (see the module's description for what is checked).
pub(crate) fn open_xls(path: &Path) -> Result<XlsBook, FileError> {
    // Read whole (an xls holds at most 65,536 rows a sheet; a genuine one is far below this).
    let size = std::fs::metadata(path)
        .map_err(|e| FileError::Io(e.to_string()))?
        .len();
    if size > MAX_FILE {
        return Err(broken(format!(
            "文件有{}MB，超过 xls 可读取的{}MB：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV",
            size >> 20,
            MAX_FILE >> 20
        )));
    }
    let data = std::fs::read(path).map_err(|e| FileError::Io(e.to_string()))?;
    let stream = Compound::parse(&data)?.workbook()?;
    drop(data);
    let mut records = Records {
        stream: &stream,
        at: 0,
    };
    match records.next() {
        Some((BOF, d)) if u16_at(d, 0) == Some(0x0600) => {}
        // BIFF5 and older: Excel 95.
        Some((BOF, _)) => return Err(FileError::OldFormat),
        _ => return Err(broken("工作簿不以 BOF 记录开始")),
    }
    let mut sheets = Vec::new();
    let mut strings = Vec::new();
    while let Some((typ, data)) = records.next() {
        match typ {
            EOF => break,
            FILEPASS => return Err(FileError::OldFormat),
            BOUNDSHEET => {
                let (Some(pos), Some(&kind), Some(&len)) =
                    (u32_at(data, 0), data.get(5), data.get(6))
                else {
                    continue;
                };
                // Worksheets only (not charts, macros).
                if kind != 0 {
                    continue;
                }
                let name = short_string(data.get(7..), usize::from(len));
                sheets.push((name, pos as usize));
            }
            SST => {
                let mut pieces = vec![data];
                let mut next = Records {
                    stream: &stream,
                    at: records.at,
                };
                while let Some((CONTINUE, more)) = next.next() {
                    pieces.push(more);
                    records.at = next.at;
                }
                let mut p = Pieces {
                    pieces,
                    piece: 0,
                    at: 0,
                };
                let _total = p.u32();
                let unique = p.u32().unwrap_or(0);
                for _ in 0..unique {
                    let Some(count) = p.u16() else { break };
                    match p.string(usize::from(count), true) {
                        Some(s) => strings.push(s),
                        None => break,
                    }
                }
            }
            _ => {}
        }
    }
    if sheets.is_empty() {
        return Err(broken("工作簿中没有工作表"));
    }
    Ok(XlsBook {
        stream,
        sheets,
        strings,
    })
}

impl XlsBook {
    pub(crate) fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Streams a sheet's rows (rows without cells skipped), each merged range's top-left value
    /// filled into its empty cells within rows that have cells. Excel writes a sheet's cells
    /// row by row and they are passed on as they come; a file whose rows come out of order has
    /// its cells gathered and sorted first.
    pub(crate) fn read_sheet(
        &self,
        sheet: &str,
        on_row: &mut dyn FnMut(RawRow) -> bool,
    ) -> Result<(), FileError> {
        let Some(&(_, start)) = self.sheets.iter().find(|(n, _)| n == sheet) else {
            return Err(broken(format!("没有工作表“{sheet}”")));
        };
        let records = || Records {
            stream: &self.stream,
            at: start,
        };
        let mut first = records();
        if !matches!(first.next(), Some((BOF, _))) {
            return Err(broken(format!("工作表“{sheet}”的位置无效")));
        }
        // Merged ranges come after the cells: found first, with whether the rows come in order.
        let mut merges: Vec<Merge> = Vec::new();
        let mut ordered = true;
        let mut last_row = 0u16;
        for (typ, data) in first.by_ref() {
            match typ {
                EOF | BOF => break,
                MERGEDCELLS => {
                    let n = u16_at(data, 0).unwrap_or(0) as usize;
                    for k in 0..n {
                        let at = 2 + 8 * k;
                        let (Some(r0), Some(r1), Some(c0), Some(c1)) = (
                            u16_at(data, at),
                            u16_at(data, at + 2),
                            u16_at(data, at + 4),
                            u16_at(data, at + 6),
                        ) else {
                            break;
                        };
                        if r0 <= r1 && c0 <= c1 && c1 < MAX_COLS {
                            merges.push((u32::from(r0), u32::from(r1), c0, c1));
                        }
                    }
                }
                LABELSST | LABEL | NUMBER | RK | MULRK | FORMULA | BOOLERR => {
                    let r = u16_at(data, 0).unwrap_or(0);
                    ordered &= r >= last_row;
                    last_row = r;
                }
                _ => {}
            }
        }
        merges.sort_unstable();
        let mut rows = Rows {
            merges,
            next_merge: 0,
            active: Vec::new(),
            row: None,
            cells: Vec::new(),
            on_row,
            stopped: false,
        };
        if ordered {
            self.cells(records(), &mut |r, c, cell| rows.cell(r, c, cell));
        } else {
            let mut cells: Vec<(u32, u16, Cell)> = Vec::new();
            self.cells(records(), &mut |r, c, cell| cells.push((r, c, cell)));
            cells.sort_by_key(|(r, c, _)| (*r, *c));
            for (r, c, cell) in cells {
                rows.cell(r, c, cell);
            }
        }
        rows.finish();
        Ok(())
    }

    /// The cells of a sheet's records (from its BOF), in the order they come.
    fn cells(&self, mut it: Records<'_>, out: &mut dyn FnMut(u32, u16, Cell)) {
        it.next();
        let mut formula_string: Option<(u32, u16)> = None;
        for (typ, data) in it {
            let at = || -> Option<(u32, u16)> {
                let r = u32::from(u16_at(data, 0)?);
                let c = u16_at(data, 2)?;
                (r < MAX_ROWS && c < MAX_COLS).then_some((r, c))
            };
            match typ {
                EOF | BOF => break,
                LABELSST => {
                    if let (Some((r, c)), Some(i)) = (at(), u32_at(data, 6)) {
                        let text = self.strings.get(i as usize).cloned().unwrap_or_default();
                        out(r, c, Cell::text(text));
                    }
                }
                LABEL => {
                    if let (Some((r, c)), Some(n)) = (at(), u16_at(data, 6)) {
                        out(
                            r,
                            c,
                            Cell::text(short_string(data.get(8..), usize::from(n))),
                        );
                    }
                }
                NUMBER => {
                    if let (Some((r, c)), Some(b)) = (at(), data.get(6..14)) {
                        let f = f64::from_le_bytes(b.try_into().unwrap_or_default());
                        out(r, c, Cell::number(f));
                    }
                }
                RK => {
                    if let (Some((r, c)), Some(v)) = (at(), u32_at(data, 6)) {
                        out(r, c, Cell::number(rk(v)));
                    }
                }
                MULRK => {
                    if let Some((r, c0)) = at() {
                        let n = data.len().saturating_sub(6) / 6;
                        for k in 0..n {
                            let c = usize::from(c0) + k;
                            if let (Some(v), true) = (u32_at(data, 4 + 6 * k + 2), c < 256) {
                                out(r, c as u16, Cell::number(rk(v)));
                            }
                        }
                    }
                }
                FORMULA => {
                    if let (Some((r, c)), Some(b)) = (at(), data.get(6..14)) {
                        if b[6] == 0xFF && b[7] == 0xFF {
                            match b[0] {
                                // A text result: in the STRING record that follows.
                                0 => formula_string = Some((r, c)),
                                1 => out(r, c, Cell::text(if b[2] != 0 { "是" } else { "否" })),
                                2 => out(r, c, Cell::text("#错误")),
                                _ => {}
                            }
                        } else {
                            let f = f64::from_le_bytes(b.try_into().unwrap_or_default());
                            out(r, c, Cell::number(f));
                        }
                    }
                }
                STRING => {
                    if let (Some((r, c)), Some(n)) = (formula_string.take(), u16_at(data, 0)) {
                        out(
                            r,
                            c,
                            Cell::text(short_string(data.get(2..), usize::from(n))),
                        );
                    }
                }
                BOOLERR => {
                    if let (Some((r, c)), Some(&v), Some(&err)) = (at(), data.get(6), data.get(7)) {
                        let text = match (err, v) {
                            (0, 0) => "否",
                            (0, _) => "是",
                            _ => "#错误",
                        };
                        out(r, c, Cell::text(text));
                    }
                }
                _ => {}
            }
        }
    }
}

/// Builds rows from cells in row order, filling merged ranges.
struct Rows<'f> {
    merges: Vec<Merge>,
    next_merge: usize,
    /// The merged ranges covering the row, with their top-left value once its row is read.
    active: Vec<(Merge, Option<String>)>,
    row: Option<u32>,
    cells: Vec<Cell>,
    on_row: &'f mut dyn FnMut(RawRow) -> bool,
    stopped: bool,
}

impl Rows<'_> {
    fn cell(&mut self, r: u32, c: u16, cell: Cell) {
        if self.row != Some(r) {
            self.finish();
            self.row = Some(r);
        }
        let c = usize::from(c);
        if self.cells.len() <= c {
            self.cells.resize(c + 1, Cell::default());
        }
        self.cells[c] = cell;
    }

    /// Passes the row read on.
    fn finish(&mut self) {
        let Some(r) = self.row.take() else {
            return;
        };
        let mut row = std::mem::take(&mut self.cells);
        if self.stopped {
            return;
        }
        self.active.retain(|((_, r1, _, _), _)| *r1 >= r);
        while self.next_merge < self.merges.len() && self.merges[self.next_merge].0 <= r {
            let m = self.merges[self.next_merge];
            if m.1 >= r {
                self.active.push((m, None));
            }
            self.next_merge += 1;
        }
        let mut copied = 0usize;
        for ((r0, _, c0, c1), top) in &mut self.active {
            if r == *r0 {
                *top = row.get(usize::from(*c0)).map(|c| c.text.clone());
            }
            let Some(top) = top
                .as_ref()
                .filter(|t| !t.is_empty() && t.len() <= MAX_COPY_TEXT)
            else {
                continue;
            };
            let last = usize::from(*c1);
            if row.len() <= last {
                row.resize(last + 1, Cell::default());
            }
            for cell in &mut row[usize::from(*c0)..=last] {
                if cell.text.is_empty() && copied + top.len() <= MAX_COPIED {
                    copied += top.len();
                    *cell = Cell::text(top.as_str());
                }
            }
        }
        if !(self.on_row)(RawRow {
            row: u64::from(r) + 1,
            cells: row,
        }) {
            self.stopped = true;
        }
    }
}

#[cfg(test)]
mod tests;
