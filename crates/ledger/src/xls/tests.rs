use super::*;

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend(typ.to_le_bytes());
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
}

fn bof(version: u16, dt: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend(version.to_le_bytes());
    d.extend(dt.to_le_bytes());
    d.extend([0u8; 12]);
    d
}

/// A cell record's row, column and format.
fn at(r: u16, c: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend(r.to_le_bytes());
    d.extend(c.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// An XLUnicodeString in UTF-16 (cch u16, flags, characters).
fn xl_string(s: &str) -> Vec<u8> {
    let mut d = (s.encode_utf16().count() as u16).to_le_bytes().to_vec();
    d.push(1);
    d.extend(utf16(s));
    d
}

/// An RK value of an integer.
fn rk_int(n: i32) -> u32 {
    ((n << 2) | 2) as u32
}

/// A compound file (version 3, 512-byte sectors) holding `stream` as its `Workbook`: in
/// ordinary sectors, or, with `mini`, in 64-byte sectors of the root's stream.
fn compound(stream: &[u8], mini: bool) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let padded = |b: &[u8], to: usize| {
        let mut v = b.to_vec();
        v.resize(b.len().div_ceil(to).max(1) * to, 0);
        v
    };
    // Sector 0: the FAT; 1: the directory; then (mini) 2: the mini FAT and the root's stream,
    // or the workbook stream.
    let (body, minifat): (Vec<u8>, Option<Vec<u8>>) = if mini {
        let n = stream.len().div_ceil(64);
        let mut mf: Vec<u32> = (1..n as u32).collect();
        mf.push(END);
        mf.resize(128, FREE);
        (
            padded(stream, 512),
            Some(mf.iter().flat_map(|v| v.to_le_bytes()).collect()),
        )
    } else {
        (padded(stream, 512), None)
    };
    let first_body = if mini { 3 } else { 2 };
    let n = body.len() / 512;
    assert!(first_body + n <= 128);
    let mut fat = vec![0xFFFF_FFFDu32, END];
    if mini {
        fat.push(END);
    }
    for i in 0..n {
        fat.push(if i + 1 == n {
            END
        } else {
            (first_body + i + 1) as u32
        });
    }
    fat.resize(128, FREE);

    let mut file = vec![0u8; 512];
    file[..8].copy_from_slice(&OLE_MAGIC);
    file[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    file[26..28].copy_from_slice(&3u16.to_le_bytes());
    file[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    file[30..32].copy_from_slice(&9u16.to_le_bytes());
    file[32..34].copy_from_slice(&6u16.to_le_bytes());
    let header: [(usize, u32); 8] = [
        (44, 1),
        (48, 1),
        (56, 4096),
        (60, if mini { 2 } else { END }),
        (64, u32::from(mini)),
        (68, END),
        (72, 0),
        (76, 0),
    ];
    for (at, v) in header {
        file[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }
    for k in 1..109 {
        file[76 + 4 * k..80 + 4 * k].copy_from_slice(&FREE.to_le_bytes());
    }
    file.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    let entry = |name: &str, typ: u8, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let n = utf16(name);
        e[..n.len()].copy_from_slice(&n);
        e[64..66].copy_from_slice(&((n.len() + 2) as u16).to_le_bytes());
        e[66] = typ;
        e[68..80].fill(0xFF);
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let (root_start, root_size, wb_start) = if mini {
        (first_body as u32, body.len() as u32, 0)
    } else {
        (END, 0, first_body as u32)
    };
    file.extend(entry("Root Entry", 5, root_start, root_size));
    file.extend(entry("Workbook", 2, wb_start, stream.len() as u32));
    file.extend(vec![0u8; 256]);
    if let Some(mf) = minifat {
        file.extend(mf);
    }
    file.extend(body);
    file
}

/// A workbook of one sheet `户信息` with what Excel writes: shared strings (one running into a
/// CONTINUE record, where its characters turn from 8-bit to UTF-16), RK and MulRk numbers, a
/// formula's text in its STRING record, a boolean, a formula's number, an inline label, a
/// number too long to keep its digits, and a title merged over three columns.
fn workbook(globals_extra: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut s = Vec::new();
    record(&mut s, BOF, &bof(0x0600, 5));
    for (t, d) in globals_extra {
        record(&mut s, *t, d);
    }
    let sheet_at = s.len() + 4;
    let mut bs = vec![0u8; 4];
    bs.extend([0, 0, 3, 1]);
    bs.extend(utf16("户信息"));
    record(&mut s, BOUNDSHEET, &bs);
    // Shared strings: 标题, 户编号, 户主姓名, 人均纯收入, and "Ouyang欧阳娜娜" split after
    // "Ouyang" (written 8-bit), going on in UTF-16 in the CONTINUE record.
    let mut sst = Vec::new();
    sst.extend(5u32.to_le_bytes());
    sst.extend(5u32.to_le_bytes());
    for t in ["标题", "户编号", "户主姓名", "人均纯收入"] {
        sst.extend((t.encode_utf16().count() as u16).to_le_bytes());
        sst.push(1);
        sst.extend(utf16(t));
    }
    sst.extend(10u16.to_le_bytes());
    sst.push(0);
    sst.extend(b"Ouyang");
    record(&mut s, SST, &sst);
    let mut cont = vec![1u8];
    cont.extend(utf16("欧阳娜娜"));
    record(&mut s, CONTINUE, &cont);
    record(&mut s, EOF, &[]);

    let start = s.len() as u32;
    s[sheet_at..sheet_at + 4].copy_from_slice(&start.to_le_bytes());
    record(&mut s, BOF, &bof(0x0600, 0x10));
    let sst_cell = |r, c, i: u32| {
        let mut d = at(r, c);
        d.extend(i.to_le_bytes());
        d
    };
    record(&mut s, LABELSST, &sst_cell(0, 0, 0));
    for (c, i) in [(0, 1), (1, 2), (2, 3)] {
        record(&mut s, LABELSST, &sst_cell(1, c, i));
    }
    let mut d = at(2, 0);
    d.extend(rk_int(6001).to_le_bytes());
    record(&mut s, RK, &d);
    record(&mut s, LABELSST, &sst_cell(2, 1, 4));
    let mut d = at(2, 2);
    d.extend(8123.45f64.to_le_bytes());
    record(&mut s, NUMBER, &d);
    // MulRk over columns 0-1 of row 3: 6002, and 1250 / 100.
    let mut d = Vec::new();
    d.extend(3u16.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(rk_int(6002).to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend((rk_int(1250) | 1).to_le_bytes());
    d.extend(1u16.to_le_bytes());
    record(&mut s, MULRK, &d);
    let mut d = at(3, 2);
    d.extend([0, 0, 0, 0, 0, 0, 0xFF, 0xFF]);
    d.extend([0u8; 6]);
    record(&mut s, FORMULA, &d);
    record(&mut s, STRING, &xl_string("李四"));
    let mut d = at(4, 0);
    d.extend([1, 0]);
    record(&mut s, BOOLERR, &d);
    let mut d = at(4, 1);
    d.extend(45000.0f64.to_le_bytes());
    d.extend([0u8; 6]);
    record(&mut s, FORMULA, &d);
    let mut d = at(4, 2);
    d.extend(xl_string("内联"));
    record(&mut s, LABEL, &d);
    let mut d = at(5, 0);
    d.extend(6_201_021_970_010_100.0f64.to_le_bytes());
    record(&mut s, NUMBER, &d);
    // The title merged over columns 0-2 of row 0.
    let mut m = 1u16.to_le_bytes().to_vec();
    for v in [0u16, 0, 0, 2] {
        m.extend(v.to_le_bytes());
    }
    record(&mut s, MERGEDCELLS, &m);
    record(&mut s, EOF, &[]);
    s
}

fn read(file: &[u8]) -> Result<Vec<(u64, String, Vec<bool>)>, FileError> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("台账.xls");
    std::fs::write(&p, file).unwrap();
    let book = open_xls(&p)?;
    assert_eq!(book.sheet_names(), ["户信息"]);
    let mut rows = Vec::new();
    book.read_sheet("户信息", &mut |r| {
        let text: Vec<&str> = r.cells.iter().map(|c| c.text.as_str()).collect();
        rows.push((
            r.row,
            text.join("|"),
            r.cells.iter().map(|c| c.lossy_number).collect(),
        ));
        true
    })?;
    Ok(rows)
}

fn expected() -> Vec<(u64, String)> {
    [
        (1, "标题|标题|标题"),
        (2, "户编号|户主姓名|人均纯收入"),
        (3, "6001|Ouyang欧阳娜娜|8123.45"),
        (4, "6002|12.5|李四"),
        (5, "是|45000|内联"),
        (6, "6201021970010100"),
    ]
    .into_iter()
    .map(|(r, t)| (r, t.to_string()))
    .collect()
}

#[test]
fn reads_what_excel_writes_in_ordinary_and_mini_sectors() {
    let stream = workbook(&[]);
    assert!(stream.len() < 4096);
    // Padded past the mini stream's cutoff with a record no reader knows.
    let mut big = workbook(&[(0x0099, vec![0u8; 4000])]);
    assert!(big.len() >= 4096);
    for (name, file) in [
        ("mini", compound(&stream, true)),
        ("ordinary", compound(&big, false)),
    ] {
        let rows = read(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text: Vec<(u64, String)> = rows.iter().map(|(r, t, _)| (*r, t.clone())).collect();
        assert_eq!(text, expected(), "{name}");
        // The 16-digit number lost digits: said so, as for xlsx.
        assert_eq!(rows[5].2, [true], "{name}");
    }
    big.truncate(big.len() - 100);
    assert!(
        read(&compound(&big, false)).is_ok(),
        "a short stream ends its sheet"
    );
}

#[test]
fn encrypted_and_excel_95_workbooks_are_refused_with_what_to_do() {
    let encrypted = compound(&workbook(&[(FILEPASS, vec![1, 0, 1, 0])]), true);
    assert!(matches!(read(&encrypted), Err(FileError::OldFormat)));
    let mut old = workbook(&[]);
    old[4..6].copy_from_slice(&0x0500u16.to_le_bytes());
    assert!(matches!(
        read(&compound(&old, true)),
        Err(FileError::OldFormat)
    ));
}

#[test]
fn a_broken_compound_file_is_an_error_not_a_hang() {
    let good = compound(&workbook(&[(0x0099, vec![0u8; 4000])]), false);
    // Cut short, then cut inside its header.
    for len in [good.len() - 600, 1024, 600, 100] {
        assert!(
            matches!(read(&good[..len]), Err(FileError::Xls(_))),
            "cut at {len}"
        );
    }
    // The workbook's chain turned into a cycle: sector 3 points back at 2.
    let mut cycle = good.clone();
    let fat = 512 + 4 * 3;
    cycle[fat..fat + 4].copy_from_slice(&2u32.to_le_bytes());
    assert!(matches!(read(&cycle), Err(FileError::Xls(_))));
    // A chain into sectors the file does not have.
    let mut outside = good.clone();
    outside[fat..fat + 4].copy_from_slice(&9_999_999u32.to_le_bytes());
    assert!(matches!(read(&outside), Err(FileError::Xls(_))));
    // A FAT count larger than the file.
    let mut count = good;
    count[44..48].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(read(&count), Err(FileError::Xls(_))));
}

#[test]
fn rk_numbers() {
    assert_eq!(rk(rk_int(-5)), -5.0);
    assert_eq!(rk(rk_int(1250) | 1), 12.5);
    let bits = (1.5f64.to_bits() >> 32) as u32;
    assert_eq!(rk(bits), 1.5);
    assert_eq!(rk(bits | 1), 0.015);
}

/// Writes the workbook above as a seed of the fuzz targets that read workbooks
/// (`cargo test -p zhenxing-ledger -- --ignored write_fuzz_seeds`).
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    let book = compound(&workbook(&[]), true);
    std::fs::write(seeds.join("ledger_xlsx/excel-biff8.xls"), &book).unwrap();
    // The department target: a first byte choosing the .xlsx name, size and income, then the file.
    let mut dept = vec![1u8, 3, 0, 0, 0, 0x60, 0xae, 0x0a, 0, 0, 0, 0, 0];
    dept.extend(compound(&workbook(&[(0x0099, vec![0u8; 4000])]), false));
    std::fs::write(seeds.join("department/excel-biff8"), dept).unwrap();
}

#[test]
fn cells_out_of_row_order_are_read_in_order() {
    let mut s = Vec::new();
    record(&mut s, BOF, &bof(0x0600, 5));
    let sheet_at = s.len() + 4;
    let mut bs = vec![0u8; 4];
    bs.extend([0, 0, 3, 1]);
    bs.extend(utf16("户信息"));
    record(&mut s, BOUNDSHEET, &bs);
    record(&mut s, EOF, &[]);
    let start = s.len() as u32;
    s[sheet_at..sheet_at + 4].copy_from_slice(&start.to_le_bytes());
    record(&mut s, BOF, &bof(0x0600, 0x10));
    for (r, c, t) in [(2, 0, "丙"), (0, 1, "乙"), (0, 0, "甲"), (2, 1, "丁")] {
        let mut d = at(r, c);
        d.extend(xl_string(t));
        record(&mut s, LABEL, &d);
    }
    record(&mut s, EOF, &[]);
    let rows = read(&compound(&s, true)).unwrap();
    let text: Vec<(u64, String)> = rows.into_iter().map(|(r, t, _)| (r, t)).collect();
    assert_eq!(text, [(1, "甲|乙".to_string()), (3, "丙|丁".to_string())]);
}
