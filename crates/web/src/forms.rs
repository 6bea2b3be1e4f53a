//! What pages and the API both parse from what users send: dates as people write them, case
//! steps, risk lists, plan measures, 六必查 answers, form fields that repeat (checkboxes), and
//! multipart bodies with photos or a list file. Parsed once here into the domain's types.

use axum::extract::Multipart;
use chrono::NaiveDate;
use zhenxing_domain::monitoring::workflow::{Action, ActionKind, Decision, Remark};
use zhenxing_domain::monitoring::{CheckAnswer, MeasureStatus, PlannedMeasure};
use zhenxing_domain::{LedgerDate, RiskType, RiskTypes, today_in_china};

use crate::error::WebError;

/// A urlencoded form as name-value pairs, so repeated names (checkboxes) are all kept.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Result<Fields, WebError> {
        serde_urlencoded::from_bytes(body)
            .map(Fields)
            .map_err(|_| WebError::BadRequest("表单无法读取".into()))
    }

    /// The first value of `name`, trimmed; `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_string()
    }

    /// Every non-empty value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A checkbox: present and not "0"/"false"/"否".
    pub fn checked(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| !matches!(v, "0" | "false" | "否" | "off"))
    }

    pub fn push(&mut self, name: &str, value: String) {
        self.0.push((name.to_string(), value));
    }
}

/// A household number from a request's path: one that cannot be is not found.
pub fn household_no(s: &str) -> Result<zhenxing_domain::HouseholdNo, WebError> {
    zhenxing_domain::HouseholdNo::parse(s).map_err(|_| WebError::NotFound)
}

/// A day as people write it (`2022-03-01`, `2022/3/1`, `2022年3月1日`, `20220301`).
pub fn parse_day(what: &str, s: &str) -> Result<NaiveDate, WebError> {
    match LedgerDate::parse(s) {
        Ok(LedgerDate::Day(d)) => Ok(d),
        _ => Err(WebError::BadRequest(format!(
            "{what}应为日期，如 2022-03-01：{s}"
        ))),
    }
}

/// A day that has happened (today at the latest): what a step, a visit or a clue is dated.
pub fn past_day(what: &str, s: Option<&str>) -> Result<NaiveDate, WebError> {
    let today = today_in_china();
    match s {
        None => Ok(today),
        Some(s) => {
            let d = parse_day(what, s)?;
            if d > today {
                return Err(WebError::BadRequest(format!(
                    "{what}不能晚于今天（{today}）"
                )));
            }
            Ok(d)
        }
    }
}

pub fn optional_day(what: &str, s: Option<&str>) -> Result<Option<NaiveDate>, WebError> {
    s.map(|s| parse_day(what, s)).transpose()
}

/// The names of the steps in forms and the API (besides their Chinese labels).
const ACTION_NAMES: [(ActionKind, &str); 9] = [
    (ActionKind::Visit, "visit"),
    (ActionKind::Compare, "compare"),
    (ActionKind::VillageReview, "village_review"),
    (ActionKind::CloseNotice, "close_notice"),
    (ActionKind::TownshipReview, "township_review"),
    (ActionKind::CountyApproval, "county_approval"),
    (ActionKind::GreenChannel, "green_channel"),
    (ActionKind::Withdraw, "withdraw"),
    (ActionKind::RollBack, "roll_back"),
];

pub fn action_name(k: ActionKind) -> &'static str {
    ACTION_NAMES
        .iter()
        .find(|(a, _)| *a == k)
        .map(|(_, n)| *n)
        .unwrap_or("")
}

/// A step by its name (`township_review`) or its label (`乡镇审核`).
pub fn action_kind(s: &str) -> Result<ActionKind, WebError> {
    let s = s.trim();
    ACTION_NAMES
        .iter()
        .find(|(_, n)| *n == s)
        .map(|(a, _)| *a)
        .or_else(|| ActionKind::parse(s).ok())
        .ok_or_else(|| WebError::BadRequest(format!("办理事项无效：{s}")))
}

/// Whether a step decides (approve or reject) rather than only gives a reason.
pub fn decides(k: ActionKind) -> bool {
    !matches!(
        k,
        ActionKind::GreenChannel | ActionKind::Withdraw | ActionKind::RollBack
    )
}

/// The domain's action from what the user chose: approve or reject with an opinion (or a
/// reason for green channel, withdrawal and roll-back), and for the home visit whether the
/// promise was signed.
pub fn build_action(
    kind: ActionKind,
    approve: bool,
    text: &str,
    promise_signed: bool,
) -> Result<Action, WebError> {
    let what = if !decides(kind) {
        "理由"
    } else if approve {
        "意见"
    } else {
        "驳回理由"
    };
    let remark = Remark::parse(what, text).map_err(|e| WebError::App(e.into()))?;
    let decision = || {
        if approve {
            Decision::Approve(remark.clone())
        } else {
            Decision::Reject(remark.clone())
        }
    };
    Ok(match kind {
        ActionKind::Visit => Action::Visit {
            decision: decision(),
            promise_signed,
        },
        ActionKind::Compare => Action::Compare(decision()),
        ActionKind::VillageReview => Action::VillageReview(decision()),
        ActionKind::CloseNotice => Action::CloseNotice(decision()),
        ActionKind::TownshipReview => Action::TownshipReview(decision()),
        ActionKind::CountyApproval => Action::CountyApproval(decision()),
        ActionKind::GreenChannel => Action::GreenChannel(remark),
        ActionKind::Withdraw => Action::Withdraw(remark),
        ActionKind::RollBack => Action::RollBack(remark),
    })
}

/// One risk by its code (`1`) or label (`因病`).
pub fn risk(s: &str) -> Result<RiskType, WebError> {
    let s = s.trim();
    s.parse::<i64>()
        .ok()
        .and_then(RiskType::from_code)
        .or_else(|| RiskType::parse(s).ok())
        .ok_or_else(|| WebError::BadRequest(format!("风险类型无效：{s}")))
}

/// Risks given one by one (checkboxes, a JSON list); at most five.
pub fn risks<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<RiskTypes, WebError> {
    let mut out = RiskTypes::default();
    for s in items {
        out.insert(risk(s)?);
    }
    if out.len() > RiskTypes::MAX {
        return Err(WebError::BadRequest(format!(
            "风险类型最多{}项",
            RiskTypes::MAX
        )));
    }
    Ok(out)
}

/// A measure status by its code or label.
pub fn measure_status(s: &str) -> Result<MeasureStatus, WebError> {
    let s = s.trim();
    s.parse::<i64>()
        .ok()
        .and_then(MeasureStatus::from_code)
        .or_else(|| MeasureStatus::parse(s).ok())
        .ok_or_else(|| WebError::BadRequest(format!("措施状态无效：{s}")))
}

/// The measures of the plan form: rows `measure_N`, `risk_N`, `starts_N`, `ends_N`,
/// `status_N`, `note_N`; a row without a measure is left out.
pub fn plan_measures(f: &Fields) -> Result<Vec<PlannedMeasure>, WebError> {
    let mut rows: Vec<usize> =
        f.0.iter()
            .filter_map(|(k, _)| k.strip_prefix("measure_")?.parse().ok())
            .collect();
    rows.sort_unstable();
    rows.dedup();
    let mut out = Vec::new();
    for n in rows {
        let Some(measure) = f.get(&format!("measure_{n}")) else {
            continue;
        };
        let row = out.len() + 1;
        let at = |what: &str| format!("第{row}项措施的{what}");
        let risk = risk(
            f.get(&format!("risk_{n}"))
                .ok_or_else(|| WebError::BadRequest(format!("请选择{}", at("针对风险"))))?,
        )?;
        let starts_on = parse_day(
            &at("开始日期"),
            f.get(&format!("starts_{n}"))
                .ok_or_else(|| WebError::BadRequest(format!("请填写{}", at("开始日期"))))?,
        )?;
        let ends_on = optional_day(&at("结束日期"), f.get(&format!("ends_{n}")))?;
        let status = match f.get(&format!("status_{n}")) {
            Some(s) => measure_status(s)?,
            None => MeasureStatus::Planned,
        };
        out.push(PlannedMeasure {
            measure: measure.to_string(),
            risk,
            starts_on,
            ends_on,
            status,
            note: f.get(&format!("note_{n}")).map(str::to_string),
        });
    }
    Ok(out)
}

/// The 六必查 answers of the visit form: `check_CODE` = `ok` or `problem`, `check_CODE_note`.
pub fn check_answers(f: &Fields, codes: &[String]) -> Vec<CheckAnswer> {
    codes
        .iter()
        .filter_map(|code| {
            let v = f.get(&format!("check_{code}"))?;
            Some(CheckAnswer {
                check: code.clone(),
                ok: v == "ok",
                note: f.get(&format!("check_{code}_note")).map(str::to_string),
            })
        })
        .collect()
}

/// A multipart body: its text fields, and its files by field name (empty files left out).
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: Fields,
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl Upload {
    /// A form sent either way: multipart (with files; its CSRF token in the address) or
    /// urlencoded (no files).
    pub async fn read_either<S: Send + Sync>(
        req: axum::extract::Request,
        state: &S,
    ) -> Result<Upload, WebError> {
        use axum::extract::FromRequest;
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if multipart {
            let m = Multipart::from_request(req, state)
                .await
                .map_err(|_| WebError::BadRequest("上传的内容无法读取".into()))?;
            Upload::read(m).await
        } else {
            let body = axum::body::Bytes::from_request(req, state)
                .await
                .map_err(|e| WebError::BadRequest(format!("表单无法读取：{e}")))?;
            Ok(Upload {
                fields: Fields::parse(&body)?,
                files: Vec::new(),
            })
        }
    }

    pub async fn read(mut multipart: Multipart) -> Result<Upload, WebError> {
        let mut up = Upload::default();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(upload_error(e.status())),
            };
            let name = field.name().unwrap_or("").to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(|e| upload_error(e.status()))?;
                    if !bytes.is_empty() {
                        up.files.push((name, file_name, bytes.to_vec()));
                    }
                }
                None => {
                    let text = field.text().await.map_err(|e| upload_error(e.status()))?;
                    up.fields.push(&name, text);
                }
            }
        }
        Ok(up)
    }

    /// Saves the file sent as `field` into `dir` under its own name (its directories dropped;
    /// `default_name` when it has none); answers the path and the name. `missing` is said when
    /// no such file was sent.
    pub async fn save_file(
        &self,
        field: &str,
        dir: &std::path::Path,
        default_name: &str,
        missing: &str,
    ) -> Result<(std::path::PathBuf, String), WebError> {
        let Some((_, file_name, bytes)) = self.files.iter().find(|(n, _, _)| n == field) else {
            return Err(WebError::BadRequest(missing.to_string()));
        };
        let name: String = std::path::Path::new(file_name)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| default_name.to_string());
        let path = dir.join(&name);
        tokio::fs::write(&path, bytes)
            .await
            .map_err(crate::error::internal)?;
        Ok((path, name))
    }

    /// Saves the file sent as `ledger` in a folder of its own and hands its path and name to
    /// `import` (a county's own ledgers: projects, loans, construction, rosters, cooperation);
    /// the folder is gone after. `default_name` and `missing` as for [`Upload::save_file`].
    pub async fn import_ledger<T, Fut>(
        &self,
        default_name: &str,
        missing: &str,
        import: impl FnOnce(std::path::PathBuf, String) -> Fut,
    ) -> Result<T, WebError>
    where
        Fut: std::future::Future<Output = Result<T, zhenxing_app::AppError>>,
    {
        let dir = tempfile::tempdir().map_err(crate::error::internal)?;
        let (path, name) = self
            .save_file("ledger", dir.path(), default_name, missing)
            .await?;
        Ok(import(path, name).await?)
    }

    pub fn files_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.files
            .iter()
            .filter(move |(n, _, _)| n == name)
            .map(|(_, _, b)| b.as_slice())
    }
}

/// The longest text field [`SavedUpload::read`] takes.
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// A multipart body whose files were written to a folder as they arrived (a department file
/// may be hundreds of megabytes: never held in memory), and its text fields.
#[derive(Debug, Default)]
pub struct SavedUpload {
    pub fields: Fields,
    /// (field name, the file's name as uploaded, where it was saved); empty files left out.
    pub files: Vec<(String, String, std::path::PathBuf)>,
}

impl SavedUpload {
    /// Reads `multipart`, each file into `dir` (in a folder of its own, under its own name made
    /// safe), telling `progress` the bytes received of `declared`. The fields named in
    /// `file_fields` are files even when sent without a file name (`{field}.csv` then).
    pub async fn read(
        mut multipart: Multipart,
        dir: &std::path::Path,
        file_fields: &[&str],
        progress: Option<(&crate::progress::WorkProgress, u64)>,
    ) -> Result<SavedUpload, WebError> {
        use tokio::io::AsyncWriteExt;
        let mut up = SavedUpload::default();
        let mut received = 0u64;
        let io = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::StorageFull => WebError::DiskFull,
            _ => WebError::Internal(format!("保存上传的文件：{e}")),
        };
        loop {
            let mut field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(upload_error(e.status())),
            };
            let name = field.name().unwrap_or("").to_string();
            let file_name = match field.file_name() {
                Some(f) => f.to_string(),
                None if file_fields.contains(&name.as_str()) => format!("{name}.csv"),
                None => {
                    // A form's text is short: a field that is not cannot fill the memory.
                    let mut text = Vec::new();
                    while let Some(chunk) =
                        field.chunk().await.map_err(|e| upload_error(e.status()))?
                    {
                        text.extend_from_slice(&chunk);
                        if text.len() > MAX_TEXT_FIELD {
                            return Err(WebError::BadRequest(format!(
                                "表单字段“{name}”过长（超过{}KB）",
                                MAX_TEXT_FIELD / 1024
                            )));
                        }
                    }
                    up.fields
                        .push(&name, String::from_utf8_lossy(&text).into_owned());
                    continue;
                }
            };
            let sub = dir.join(format!("{}", up.files.len()));
            tokio::fs::create_dir_all(&sub).await.map_err(io)?;
            let path = sub.join(safe_file_name(Some(&file_name), &format!("{name}.csv")));
            let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
            let mut size = 0u64;
            while let Some(chunk) = field.chunk().await.map_err(|e| upload_error(e.status()))? {
                size += chunk.len() as u64;
                received += chunk.len() as u64;
                if let Some((p, declared)) = progress {
                    p.received(received, declared);
                }
                file.write_all(&chunk).await.map_err(io)?;
            }
            file.flush().await.map_err(io)?;
            if size > 0 {
                up.files.push((name, file_name, path));
            }
        }
        Ok(up)
    }
}

/// The length a request declares (`Content-Length`), 0 when it declares none.
pub fn declared_length(headers: &axum::http::HeaderMap) -> u64 {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
}

/// A file name of an upload that cannot leave its folder: the last component, no separators,
/// no leading dots, at most 100 characters.
pub fn safe_file_name(name: Option<&str>, fallback: &str) -> String {
    let name = name
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches('.');
    if name.is_empty() {
        fallback.to_string()
    } else {
        name.chars().take(100).collect()
    }
}

fn upload_error(status: axum::http::StatusCode) -> WebError {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge
    } else {
        WebError::BadRequest("上传的内容无法读取".into())
    }
}

/// What a page shows after an upload: what was imported, or the error and its status; a
/// refusal (403) is the error page itself.
pub fn upload_outcome<T>(
    result: Result<T, WebError>,
) -> Result<(Option<T>, Option<String>, axum::http::StatusCode), crate::error::PageError> {
    match result {
        Ok(done) => Ok((Some(done), None, axum::http::StatusCode::OK)),
        Err(e) if e.status() == axum::http::StatusCode::FORBIDDEN => {
            Err(crate::error::PageError(e))
        }
        Err(e) => Ok((None, Some(e.message()), e.status())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_dates_and_risks() {
        assert_eq!(
            action_kind("township_review").ok(),
            Some(ActionKind::TownshipReview)
        );
        assert_eq!(
            action_kind("县级审批").ok(),
            Some(ActionKind::CountyApproval)
        );
        assert!(action_kind("approve_all").is_err());
        for (k, _) in ACTION_NAMES {
            assert_eq!(action_kind(action_name(k)).ok(), Some(k));
        }
        let a = build_action(ActionKind::Visit, true, " 情况属实 ", true).unwrap();
        assert_eq!(a.text().as_str(), "情况属实");
        let e = build_action(ActionKind::TownshipReview, false, "", false).unwrap_err();
        assert_eq!(e.to_string(), "驳回理由不能为空");
        assert_eq!(
            parse_day("日期", "2022年3月1日").ok(),
            NaiveDate::from_ymd_opt(2022, 3, 1)
        );
        assert!(past_day("日期", Some("2999-01-01")).is_err());
        assert_eq!(risks(["1", "因学"]).unwrap().to_string(), "因病;因学");
        assert!(risks(["因穷"]).is_err());
        let f = Fields::parse(
            "measure_2=microcredit&risk_2=1&starts_2=2022-03-25&status_2=2&measure_1=&risk_1=1"
                .as_bytes(),
        )
        .unwrap();
        let m = plan_measures(&f).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].status, MeasureStatus::InProgress);
    }
}
