//! Browsing the registry as a signed-in user: the area tree with counts, household lists and a
//! household's detail. Every method takes the [`Caller`]; whatever lies outside their area is
//! "not found". ID numbers and phones are masked unless the caller's role may see them whole and
//! they ask to, and then the view is written to the audit log first.

use zhenxing_domain::id_number::{mask_id_str, mask_phone};
use zhenxing_domain::registry_check::{RegistryFinding, registry_checks};
use zhenxing_domain::stats::{AreaFigures, Counts};
use zhenxing_domain::{AreaCode, Division, HouseholdNo, Member, Permission};
use zhenxing_store::accounts::NewAudit;
use zhenxing_store::search::{HouseholdCursor, HouseholdFilter, HouseholdSummary};
use zhenxing_store::{HistoryEntry, HistorySubject, StoredHousehold};

use crate::auth::Caller;
use crate::{App, AppError};

/// Households per page, at most.
pub const MAX_PAGE: u32 = 200;

#[derive(Debug, Clone)]
pub struct AreaView {
    pub area: Division,
    /// From the caller's own area down to this one (what the caller may open).
    pub path: Vec<Division>,
    pub counts: Counts,
    /// The areas one level down, with their counts (none for a village).
    pub children: Vec<AreaFigures>,
}

#[derive(Debug, Clone)]
pub struct HouseholdRow {
    pub summary: HouseholdSummary,
    /// `乡镇 村`, the names under the county.
    pub place: String,
}

#[derive(Debug, Clone)]
pub struct HouseholdPage {
    pub area: Division,
    pub rows: Vec<HouseholdRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MemberView {
    /// Phone masked unless revealed.
    pub member: Member,
    /// The ID number, masked unless revealed.
    pub id_text: String,
    pub sex: &'static str,
    pub birth_date: String,
    /// Its version: each change adds one.
    pub version: i64,
}

/// One changed field of a history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone)]
pub struct ChangeView {
    /// China time, `2024-03-09 14:03`.
    pub at: String,
    pub by: String,
    /// `户` or `成员 6201**********1234`.
    pub subject: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone)]
pub struct HouseholdDetail {
    /// Phone masked unless revealed.
    pub stored: StoredHousehold,
    /// Province to village names.
    pub place: Vec<Division>,
    pub members: Vec<MemberView>,
    pub history: Vec<ChangeView>,
    /// Whole ID numbers and phones are shown (and the view was audited).
    pub revealed: bool,
    /// The caller's role may ask to see them whole.
    pub may_reveal: bool,
    /// What the registry check finds in the household against its members:
    /// (rule code, label, detail).
    pub findings: Vec<(&'static str, &'static str, String)>,
    /// Closed here and registered under its number in another county now (it moved there).
    pub registered_elsewhere: bool,
}

/// `2024-03-09T06:03:00Z` (stored, UTC) as users read it: `2024-03-09 14:03` in China time.
pub fn china_time(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .ok()
        .and_then(|t| {
            chrono::FixedOffset::east_opt(8 * 3600)
                .map(|o| t.with_timezone(&o).format("%Y-%m-%d %H:%M").to_string())
        })
        .unwrap_or_else(|| stored.to_string())
}

fn field_label(path: &str) -> &str {
    match path {
        "removed.reason" => "减少原因（已移出本户）",
        "removed.on" => "减少时间",
        "dissolved.reason" => "销户原因（该户已销户）",
        "dissolved.on" => "销户时间",
        "head_name" => "户主姓名",
        "size" => "家庭人口数",
        "household_type" => "户类型",
        "village" => "所在村",
        "natural_village" => "自然村",
        "address" => "住址",
        "phone" => "联系电话",
        "relocated" => "易地扶贫搬迁户",
        "relocation_site" => "安置点",
        "no_labour" => "整户无劳动能力",
        "housing_unsafe" => "住房安全未保障",
        "school_dropout" => "义务教育阶段失学辍学",
        "uninsured" => "未参加基本医疗保险",
        "water_unsafe" => "饮水安全未保障",
        "income.year" => "收入年度",
        "income.wage" => "工资性收入",
        "income.business" => "生产经营性收入",
        "income.property" => "财产性收入",
        "income.transfer" => "转移性收入",
        "income.production_cost" => "生产经营性支出",
        "income.declared_per_capita" => "人均纯收入",
        "income.claims" => "理赔收入",
        "income.compliant_out_of_pocket" => "合规自付支出",
        "monitoring.category" => "监测对象类别",
        "monitoring.risks" => "风险类型",
        "monitoring.identified_on" => "识别监测时间",
        "monitoring.eliminated" => "风险是否已消除",
        "monitoring.eliminated_on" => "风险消除时间",
        "monitoring.elimination_mode" => "风险消除方式",
        "name" => "姓名",
        "relation" => "与户主关系",
        "health" => "健康状况",
        "labour" => "劳动技能",
        "dibao" => "低保",
        "tekun" => "特困供养",
        "medical_insurance" => "基本医疗保险",
        "pension" => "基本养老保险",
        "welfare_job" => "公益岗位",
        "migrant_place" => "务工地点",
        "migrant_months" => "务工时间（月）",
        "education" => "文化程度",
        "schooling" => "在校生状况",
        "disability_level" => "残疾等级",
        "id" => "证件号码",
        other => other,
    }
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => {
            let text = match other {
                serde_json::Value::Null => String::new(),
                serde_json::Value::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(";"),
                n => n.to_string(),
            };
            // Amounts are kept in fen: shown in yuan, as everywhere else.
            let text = match other {
                serde_json::Value::Number(n)
                    if prefix.starts_with("income.") && prefix != "income.year" =>
                {
                    n.as_i64()
                        .map(|fen| zhenxing_domain::Money::from_fen(fen).yuan_string())
                        .unwrap_or(text)
                }
                _ => text,
            };
            // Personal data never leaves the history unmasked.
            let last = prefix.rsplit('.').next().unwrap_or(prefix);
            let text = match last {
                "phone" if !text.is_empty() => mask_phone(&text),
                "id" if !text.is_empty() => mask_id_str(&text),
                _ => text,
            };
            out.push((prefix.to_string(), text));
        }
    }
}

/// The fields that differ between two stored versions, masked.
pub fn diff(before: &serde_json::Value, after: &serde_json::Value) -> Vec<FieldChange> {
    let (mut b, mut a) = (Vec::new(), Vec::new());
    flatten("", before, &mut b);
    flatten("", after, &mut a);
    let mut out = Vec::new();
    for (key, new) in &a {
        let old = b
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if &old != new {
            out.push(FieldChange {
                field: field_label(key).to_string(),
                before: old,
                after: new.clone(),
            });
        }
    }
    out
}

fn change_view(e: &HistoryEntry) -> ChangeView {
    ChangeView {
        at: china_time(&e.changed_at),
        by: e.changed_by.clone(),
        subject: match &e.subject {
            HistorySubject::Household => "户".to_string(),
            HistorySubject::Member(masked) => format!("成员 {masked}"),
        },
        changes: diff(&e.before, &e.after),
    }
}

impl App {
    /// The caller's area or one under it, with its children and their counts.
    pub async fn area(&self, caller: &Caller, code: AreaCode) -> Result<AreaView, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let tree = self.tree().await;
        let scope = caller.scope();
        let area = match tree.get(code) {
            Some(d) if scope.contains(code) => d.clone(),
            _ => return Err(AppError::NotFound),
        };
        // The kept figures: two small reads, current with every change.
        let (own, children) = self.dashboard(scope, code).await?;
        let counts = own.counts;
        let path = tree
            .path(code)
            .into_iter()
            .filter(|d| scope.contains(d.code))
            .cloned()
            .collect();
        Ok(AreaView {
            area,
            path,
            counts,
            children,
        })
    }

    /// A page of households under `area` matching `filter`, after the cursor `after`.
    pub async fn households(
        &self,
        caller: &Caller,
        area: AreaCode,
        filter: &HouseholdFilter,
        after: Option<&str>,
        limit: u32,
    ) -> Result<HouseholdPage, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let tree = self.tree().await;
        let division = match tree.get(area) {
            Some(d) if caller.scope().contains(area) => d.clone(),
            _ => return Err(AppError::NotFound),
        };
        let cursor = match after.filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                HouseholdCursor::decode(s)
                    .ok_or_else(|| AppError::Invalid("分页位置无效，请从第一页开始".into()))?,
            ),
        };
        let limit = limit.clamp(1, MAX_PAGE);
        let mut found = self
            .search
            .search_households(caller.scope(), area, filter, cursor.as_ref(), limit + 1)
            .await?;
        let next = if found.len() > limit as usize {
            found.truncate(limit as usize);
            found.last().map(|h| {
                HouseholdCursor {
                    village: h.village,
                    no: h.no.clone(),
                }
                .encode()
            })
        } else {
            None
        };
        let rows = found
            .into_iter()
            .map(|summary| {
                let place = tree
                    .path(summary.village)
                    .iter()
                    .filter(|d| d.level > zhenxing_domain::AreaLevel::County)
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                HouseholdRow { summary, place }
            })
            .collect();
        Ok(HouseholdPage {
            area: division,
            rows,
            next,
        })
    }

    /// Every household of the list under `area` matching `filter` (what the list shows, page
    /// after page, closed households with why and when) as an xlsx table at `out`, in constant
    /// memory; audited (`export_list`). The number of households written.
    pub async fn export_household_list(
        &self,
        caller: &Caller,
        area: AreaCode,
        filter: &HouseholdFilter,
        out: &std::path::Path,
    ) -> Result<u64, AppError> {
        use zhenxing_ledger::department::XlsxTableWriter;
        use zhenxing_ledger::write::Out;
        const HEADERS: [&str; 12] = [
            "户编号",
            "户主",
            "乡镇",
            "村",
            "家庭人口数",
            "已登记成员数",
            "户类型",
            "监测对象类别",
            "风险类型",
            "风险是否已消除",
            "人均纯收入（元）",
            "销户",
        ];
        let mut page = self
            .households(caller, area, filter, None, MAX_PAGE)
            .await?;
        let title = format!(
            "{}农户名单（{}{}）",
            page.area.name,
            zhenxing_domain::today_in_china(),
            if filter.closed { "，已销户" } else { "" }
        );
        let fail = |e: zhenxing_ledger::error::FileError| {
            AppError::Output(format!("{}：{e}", out.display()))
        };
        let mut writer =
            XlsxTableWriter::create(out, "农户名单", &title, &HEADERS).map_err(fail)?;
        let tree = self.tree().await;
        let mut written = 0u64;
        loop {
            for r in &page.rows {
                let s = &r.summary;
                let name = |level| {
                    tree.path(s.village)
                        .iter()
                        .find(|d| d.level == level)
                        .map(|d| d.name.clone())
                        .unwrap_or_default()
                };
                writer
                    .row(&[
                        Out::Text(s.no.to_string()),
                        Out::Text(s.head_name.clone()),
                        Out::Text(name(zhenxing_domain::AreaLevel::Township)),
                        Out::Text(name(zhenxing_domain::AreaLevel::Village)),
                        Out::Int(i64::from(s.size)),
                        Out::Int(i64::from(s.persons)),
                        Out::Text(s.household_type.label().to_string()),
                        Out::Text(s.category.map(|c| c.label()).unwrap_or("").to_string()),
                        Out::Text(s.risks.to_string()),
                        Out::Text(if s.category.is_some() {
                            zhenxing_domain::labels::flag_label(s.eliminated).to_string()
                        } else {
                            String::new()
                        }),
                        s.per_capita_income
                            .map(Out::Yuan)
                            .unwrap_or(Out::Text(String::new())),
                        Out::Text(
                            s.closed
                                .map(|c| format!("{}（{}）", c.reason.label(), c.on))
                                .unwrap_or_default(),
                        ),
                    ])
                    .map_err(fail)?;
                written += 1;
            }
            match page.next.take() {
                None => break,
                Some(next) => {
                    page = self
                        .households(caller, area, filter, Some(&next), MAX_PAGE)
                        .await?;
                }
            }
        }
        writer.finish().map_err(fail)?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "export_list",
                area: Some(area),
                subject: format!("households:{area}"),
                before: String::new(),
                after: serde_json::json!({ "households": written, "closed": filter.closed })
                    .to_string(),
            },
        )
        .await?;
        Ok(written)
    }

    /// A household with its members and changes. With `reveal`, whole ID numbers and phones
    /// (the role must allow it; the view is audited before anything is returned).
    pub async fn household(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        reveal: bool,
    ) -> Result<HouseholdDetail, AppError> {
        self.household_at(caller, no, None, reveal).await
    }

    /// [`App::household`] at its row in the county `at` when given: a closed row of a household
    /// registered again elsewhere (it moved), as the list of closed households links to it.
    pub async fn household_at(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
        at: Option<AreaCode>,
        reveal: bool,
    ) -> Result<HouseholdDetail, AppError> {
        caller.require(Permission::ReadRegistry)?;
        let scope = caller.scope();
        let may_reveal = caller.may(Permission::SeeWholePersonalData);
        if reveal && !may_reveal {
            return Err(AppError::Forbidden);
        }
        // One snapshot: the household, its members and its history agree with each other.
        let zhenxing_store::HouseholdRecord {
            household: mut stored,
            members,
            history,
            registered_elsewhere,
        } = self
            .store()
            .household_record(scope, no, at)
            .await?
            .ok_or(AppError::NotFound)?;
        if reveal {
            self.audit(
                &caller.actor(),
                NewAudit {
                    action: "reveal_personal_data",
                    area: Some(stored.household.village),
                    subject: format!("household:{no}"),
                    before: String::new(),
                    after: serde_json::json!({
                        "fields": ["id_number", "phone"],
                        "members": members.len(),
                    })
                    .to_string(),
                },
            )
            .await?;
        } else if let Some(p) = stored.household.phone.as_mut() {
            *p = mask_phone(p);
        }
        let registered: Vec<zhenxing_domain::Member> =
            members.iter().map(|m| m.member.clone()).collect();
        let findings = registry_checks(&stored.household, &registered)
            .into_iter()
            .map(|f| {
                let rule = f.code();
                (rule, RegistryFinding::label_of(rule), f.to_string())
            })
            .collect();
        let members = members
            .into_iter()
            .map(|m| {
                let version = m.version;
                let mut member = m.member;
                let id_text = if reveal {
                    member.id.as_str().to_string()
                } else {
                    member.id.masked()
                };
                if !reveal && let Some(p) = member.phone.as_mut() {
                    *p = mask_phone(p);
                }
                MemberView {
                    sex: member.sex().label(),
                    birth_date: member
                        .birth_date()
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    id_text,
                    member,
                    version,
                }
            })
            .collect();
        let tree = self.tree().await;
        let place = tree
            .path(stored.household.village)
            .into_iter()
            .cloned()
            .collect();
        Ok(HouseholdDetail {
            stored,
            place,
            members,
            history: history.iter().map(change_view).collect(),
            revealed: reveal,
            may_reveal,
            findings,
            registered_elsewhere,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_are_labelled_and_masked() {
        let before = serde_json::json!({"head_name": "王伟", "phone": "13812345678", "monitoring": {"eliminated": false, "risks": ["因病"]}});
        let after = serde_json::json!({"head_name": "王伟", "phone": "13900001111", "monitoring": {"eliminated": true, "risks": ["因病", "因残"]}});
        let d = diff(&before, &after);
        let got: Vec<(&str, &str, &str)> = d
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("风险是否已消除", "否", "是"),
                ("风险类型", "因病", "因病;因残"),
                ("联系电话", "138****5678", "139****1111"),
            ]
        );
        assert_eq!(china_time("2024-03-09T06:03:00Z"), "2024-03-09 14:03");
    }

    #[test]
    fn amounts_are_shown_in_yuan_and_the_year_as_it_is() {
        let before =
            serde_json::json!({"income": {"year": 2024, "wage": 1_234_560, "claims": null}});
        let after = serde_json::json!({"income": {"year": 2025, "wage": 5, "claims": 100}});
        let got: Vec<(String, String, String)> = diff(&before, &after)
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        let row = |f: &str, b: &str, a: &str| (f.to_string(), b.to_string(), a.to_string());
        assert_eq!(
            got,
            [
                row("理赔收入", "", "1.00"),
                row("工资性收入", "12345.60", "0.05"),
                row("收入年度", "2024", "2025"),
            ]
        );
    }
}
