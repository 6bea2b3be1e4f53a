//! 务工就业 (DOMAIN §11): the labour of ex-poor households (脱贫劳动力) and of monitoring objects
//! (监测对象劳动力) of an area — which 劳动技能 count as labour, and whether 务工 and 公益岗位 count
//! as employment, are the policy's (its `[relocation]` section, the same judgement the
//! relocation sites' floor task uses) — in migrant work, in public-welfare jobs, employed, per
//! area under it. Summed in the database per village (`Store::labour_by_village`), never
//! member by member here.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::employment::{EmploymentFigures, LabourFigures};
use zhenxing_domain::relocation::{EmploymentKind, RelocationRule};
use zhenxing_domain::{AreaCode, Permission, Scope, today_in_china};
use zhenxing_store::VillageLabour;

use crate::auth::Caller;
use crate::{App, AppError};

/// The labour of an area today.
#[derive(Debug, Clone, Serialize)]
pub struct EmploymentReport {
    pub area: AreaCode,
    pub area_name: String,
    pub day: NaiveDate,
    /// The policy the rule is from (`None`: the default).
    pub policy: Option<String>,
    pub rule: RelocationRule,
    pub totals: EmploymentFigures,
    /// Each area directly under `area` with labour to count.
    pub by_area: Vec<(AreaCode, String, EmploymentFigures)>,
}

/// A village's group as the rule counts it.
fn figures(v: &VillageLabour, rule: &RelocationRule) -> LabourFigures {
    let migrant = rule.employment.contains(&EmploymentKind::Migrant);
    let welfare = rule.employment.contains(&EmploymentKind::WelfareJob);
    let employed = match (migrant, welfare) {
        (true, true) => v.migrant + v.welfare_job - v.both,
        (true, false) => v.migrant,
        (false, true) => v.welfare_job,
        (false, false) => 0,
    };
    LabourFigures {
        labour: v.labour,
        migrant: v.migrant,
        welfare_job: v.welfare_job,
        employed,
    }
}

impl EmploymentReport {
    /// "截至2026-12-01，城关区脱贫劳动力N人，务工N人、公益岗位N人，就业N人（就业率X）；…".
    pub fn summary(&self) -> String {
        let line = |label: &str, f: &LabourFigures| {
            format!(
                "{label}{}人，务工{}人、公益岗位{}人，就业{}人（就业率{}）",
                f.labour,
                f.migrant,
                f.welfare_job,
                f.employed,
                f.employment_rate()
            )
        };
        format!(
            "截至{}，{}{}；{}",
            self.day,
            self.area_name,
            line("脱贫劳动力", &self.totals.ex_poor),
            line("监测对象（非脱贫户）劳动力", &self.totals.monitored)
        )
    }
}

impl App {
    /// The labour of ex-poor households and monitoring objects of `area` today, within `scope`.
    pub async fn employment_report(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> Result<EmploymentReport, AppError> {
        let tree = self.tree().await;
        let Some(root) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        let root_name = root.name.clone();
        let day = today_in_china();
        let year = crate::monitoring::policy::year_of(day)?;
        let (rule, policy) = match self.policy_or_none(area, year).await? {
            Some(p) => (p.relocation, Some(p.title)),
            None => (RelocationRule::default(), None),
        };
        drop(tree);
        let villages = self
            .store()
            .labour_by_village(scope, area, &rule.labour)
            .await?;
        let tree = self.tree().await;
        let child_level = area.level().child();
        let mut totals = EmploymentFigures::default();
        let mut by_area: BTreeMap<AreaCode, EmploymentFigures> = BTreeMap::new();
        for v in &villages {
            let f = figures(v, &rule);
            let mut one = EmploymentFigures::default();
            if v.ex_poor {
                one.ex_poor = f;
            } else {
                one.monitored = f;
            }
            totals.add(&one);
            if let Some(child) = child_level.and_then(|l| v.village.ancestor(l)) {
                by_area.entry(child).or_default().add(&one);
            }
        }
        Ok(EmploymentReport {
            area,
            area_name: root_name,
            day,
            policy,
            rule,
            totals,
            by_area: by_area
                .into_iter()
                .map(|(code, f)| (code, tree.name(code).unwrap_or_default().to_string(), f))
                .collect(),
        })
    }

    /// [`App::employment_report`] for a user: their area (or one within it) only.
    pub async fn employment_report_as(
        &self,
        caller: &Caller,
        area: AreaCode,
    ) -> Result<EmploymentReport, AppError> {
        caller.require(Permission::ReadRegistry)?;
        if !caller.scope().contains(area) {
            return Err(AppError::NotFound);
        }
        self.employment_report(caller.scope(), area).await
    }
}
