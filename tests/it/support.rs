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
