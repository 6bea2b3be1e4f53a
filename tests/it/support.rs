//! Shared helpers: a fresh database with the Gansu tree, fixture files, valid ID numbers.

use std::path::{Path, PathBuf};

use tempfile::TempDir;
use zhenxing_app::import::{ImportReport, ImportRequest};
use zhenxing_app::{App, AppError, NoProgress};
use zhenxing_domain::Scope;
use zhenxing_domain::id_number::check_char;
use zhenxing_store::Actor;

pub struct Env {
    pub dir: TempDir,
    pub app: App,
}

impl Env {
    /// A new SQLite database in a temporary folder, with the Gansu division tree loaded.
    pub async fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("test.db").to_string_lossy().to_string();
        let app = App::open(&db).await.unwrap();
        app.load_divisions(None, None).await.unwrap();
        Env { dir, app }
    }

    /// The database at `db` (a `postgres://` URL, say), with the Gansu division tree loaded.
    pub async fn at(db: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(db).await.unwrap();
        app.load_divisions(None, None).await.unwrap();
        Env { dir, app }
    }

    /// The household registered under number `no`, if any (read with no scope).
    pub async fn stored(&self, no: &str) -> Option<zhenxing_store::StoredHousehold> {
        let no = zhenxing_domain::HouseholdNo::parse(no).unwrap();
        self.app.store().household(Scope::All, &no).await.unwrap()
    }

    /// The figures of `village` as of `day` (`2025-06-01`), replayed from the registry.
    pub async fn village_as_of(&self, village: &str, day: &str) -> zhenxing_domain::stats::Counts {
        let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
        let figures = self
            .app
            .store()
            .village_figures(Scope::All, day)
            .await
            .unwrap();
        figures
            .iter()
            .find(|(v, _)| v.to_string() == village)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }

    /// The names of the members registered under household `no`, sorted.
    pub async fn member_names(&self, no: &str) -> Vec<String> {
        let no = zhenxing_domain::HouseholdNo::parse(no).unwrap();
        let mut names: Vec<String> = self
            .app
            .store()
            .members(Scope::All, &no)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.member.name)
            .collect();
        names.sort();
        names
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    pub async fn import(
        &self,
        households: Option<&Path>,
        members: Option<&Path>,
    ) -> Result<ImportReport, AppError> {
        self.import_in(Scope::All, households, members).await
    }

    pub async fn import_in(
        &self,
        scope: Scope,
        households: Option<&Path>,
        members: Option<&Path>,
    ) -> Result<ImportReport, AppError> {
        let req = ImportRequest {
            households: households.map(Path::to_path_buf),
            members: members.map(Path::to_path_buf),
            actor: Actor {
                user_id: None,
                name: "测试".into(),
            },
            scope,
        };
        self.app.import(&req, &NoProgress).await
    }

    pub async fn household_count(&self) -> u64 {
        self.app
            .store()
            .village_figures(Scope::All, zhenxing_domain::today_in_china())
            .await
            .unwrap()
            .iter()
            .map(|(_, c)| c.households)
            .sum()
    }
}

/// A valid ID number: region (6 digits), birth date (YYYYMMDD), sequence (3 digits).
pub fn id(region: &str, birth: &str, seq: u32) -> String {
    let first17 = format!("{region}{birth}{seq:03}");
    assert_eq!(first17.len(), 17);
    format!("{first17}{}", check_char(first17.as_bytes()) as char)
}

/// The same ID with a wrong check character.
pub fn bad_check(id: &str) -> String {
    let last = id.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    format!("{}{wrong}", &id[..17])
}

pub const H_HEADER: &str = "户编号,所在村代码,户主姓名,家庭人口数,人均纯收入（元）,是否脱贫户,监测对象类别,致贫返贫风险,识别监测时间,风险是否已消除,风险消除时间";
pub const M_HEADER: &str = "成员编号,户编号,证件号码,姓名,性别,出生日期,与户主关系,健康状况";

/// A CSV text: header then rows, with `\r\n` line ends as Excel writes them.
pub fn csv(header: &str, rows: &[&str]) -> String {
    let mut s = String::from(header);
    for r in rows {
        s.push_str("\r\n");
        s.push_str(r);
    }
    s.push_str("\r\n");
    s
}

/// (row, column, code) of each error, for compact assertions.
pub fn errors(report: &ImportReport) -> Vec<(u64, String, &'static str)> {
    report
        .errors
        .iter()
        .map(|e| (e.row, e.column.clone(), e.code))
        .collect()
}

/// A village of 城关区, 兰州市 (伏龙坪街道 红沟村民委员会) and two more.
pub const V1: &str = "620102010201";
pub const V2: &str = "620102010202";

/// Gansu's policy for `year`: the 2025 file with that year and no holidays. The shipped files
/// end in 2025, and whatever is dated today needs the policy of today's year.
pub fn policy_for(year: i32) -> String {
    let text = zhenxing_domain::policy::SHIPPED
        .iter()
        .find(|(p, y, _)| *p == "62" && *y == 2025)
        .unwrap()
        .2;
    zhenxing_domain::policy::carried_forward(text, 2025, year as u16)
}

/// Stores this year's policy and last year's (as the province administrator would): what
/// happened in the last months can be decided.
pub async fn store_policy_for_this_year(app: &App) {
    use chrono::Datelike;
    let year = zhenxing_domain::today_in_china().year();
    // Stored even where a file ships for the year: the tests' dates need a calendar without
    // holidays, and a stored version 1 to edit.
    for y in [year - 1, year] {
        app.set_policy(
            &zhenxing_app::monitoring::Caller::command_line(),
            &policy_for(y),
            Some("测试：本年度政策"),
        )
        .await
        .unwrap();
    }
}

/// What a progress display is told, in order: each phase with the last count it was told.
#[derive(Default)]
pub struct RecordedProgress(std::sync::Mutex<Vec<(String, u64)>>);

impl RecordedProgress {
    pub fn phases(self) -> Vec<(String, u64)> {
        self.0.into_inner().unwrap()
    }
}

impl zhenxing_app::Progress for RecordedProgress {
    fn start(&self, phase: &str, _: u64) {
        self.0.lock().unwrap().push((phase.to_string(), 0));
    }
    fn set(&self, done: u64) {
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.1 = done;
        }
    }
    fn finish(&self) {}
}

/// A cell of a sheet written by [`write_xls`].
pub enum XlsCell<'a> {
    Text(&'a str),
    Number(f64),
}

/// A sheet for [`write_xls`]: its name and rows of cells (`None`: empty).
pub type XlsSheet<'a> = (&'a str, Vec<Vec<Option<XlsCell<'a>>>>);

/// Writes an xls workbook (BIFF8, as Excel 97-2003 and WPS save it, in an OLE compound file)
/// with just what a reader needs: each sheet's text and number cells.
pub fn write_xls(path: &Path, sheets: &[XlsSheet<'_>]) {
    fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend(typ.to_le_bytes());
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
    }
    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }
    let bof = |dt: u16| {
        let mut d = Vec::new();
        d.extend(0x0600u16.to_le_bytes());
        d.extend(dt.to_le_bytes());
        d.extend(0x0DBBu16.to_le_bytes());
        d.extend(0x07CCu16.to_le_bytes());
        d.extend(0u32.to_le_bytes());
        d.extend(6u32.to_le_bytes());
        d
    };
    // The workbook globals: each sheet's BoundSheet8 points at its BOF, patched below.
    let mut stream = Vec::new();
    record(&mut stream, 0x0809, &bof(0x0005));
    record(&mut stream, 0x0042, &1200u16.to_le_bytes());
    let mut positions = Vec::new();
    for (name, _) in sheets {
        positions.push(stream.len() + 4);
        let mut d = vec![0u8; 4];
        d.extend([0, 0, name.encode_utf16().count() as u8, 1]);
        d.extend(utf16(name));
        record(&mut stream, 0x0085, &d);
    }
    record(&mut stream, 0x000A, &[]);
    for ((_, rows), at) in sheets.iter().zip(positions) {
        let start = stream.len() as u32;
        stream[at..at + 4].copy_from_slice(&start.to_le_bytes());
        record(&mut stream, 0x0809, &bof(0x0010));
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let mut d = Vec::new();
                d.extend((r as u16).to_le_bytes());
                d.extend((c as u16).to_le_bytes());
                d.extend(0u16.to_le_bytes());
                match cell {
                    None => continue,
                    Some(XlsCell::Text(t)) => {
                        d.extend((t.encode_utf16().count() as u16).to_le_bytes());
                        d.push(1);
                        d.extend(utf16(t));
                        record(&mut stream, 0x0204, &d);
                    }
                    Some(XlsCell::Number(n)) => {
                        d.extend(n.to_le_bytes());
                        record(&mut stream, 0x0203, &d);
                    }
                }
            }
        }
        record(&mut stream, 0x000A, &[]);
    }
    // A stream under 4,096 bytes would belong in the mini stream: pad it past that instead.
    let len = stream.len().max(4096).div_ceil(512) * 512;
    stream.resize(len, 0);
    let n = len / 512;
    assert!(n <= 126, "one FAT sector holds a stream of 126 sectors");

    // The compound file (version 3, 512-byte sectors): sector 0 the FAT, 1 the directory, then
    // the workbook stream.
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut file = Vec::new();
    file.extend([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    file.extend([0u8; 16]);
    for v in [0x003Eu16, 0x0003, 0xFFFE, 0x0009, 0x0006] {
        file.extend(v.to_le_bytes());
    }
    file.extend([0u8; 6]);
    for v in [0u32, 1, 1, 0, 0x1000, END, 0, END, 0] {
        file.extend(v.to_le_bytes());
    }
    file.extend(0u32.to_le_bytes());
    for _ in 1..109 {
        file.extend(FREE.to_le_bytes());
    }
    assert_eq!(file.len(), 512);
    let mut fat = vec![0xFFFF_FFFDu32, END];
    for i in 0..n {
        fat.push(if i + 1 == n { END } else { (i + 3) as u32 });
    }
    fat.resize(128, FREE);
    file.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let n = utf16(name);
        e[..n.len()].copy_from_slice(&n);
        e[64..66].copy_from_slice(&((n.len() + 2) as u16).to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    file.extend(entry("Root Entry", 5, 1, END, 0));
    file.extend(entry("Workbook", 2, FREE, 2, len as u32));
    for _ in 0..2 {
        let mut e = vec![0u8; 128];
        e[68..80].fill(0xFF);
        file.extend(e);
    }
    file.extend(&stream);
    std::fs::write(path, file).unwrap();
}

/// Runs the `zhenxing` binary with `args`, colours off; its output.
pub fn zhenxing(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}
