//! Visits: the log with the 六必查 answers and optional photos, and the households due for a
//! visit under 六必访.

use chrono::NaiveDate;
use serde::Serialize;
use zhenxing_domain::monitoring::visit::{VisitContext, check_answers, triggers, visit_due};
use zhenxing_domain::monitoring::{CheckAnswer, MonitoringError, Photo, TriggerHit};
use zhenxing_domain::{AreaCode, HouseholdNo, Money};
use zhenxing_store::monitoring::{SubjectCursor, VisitWrite};

use super::access::{Act, allow};
use super::{Caller, MonitoringFailure};
use crate::{App, AppError};

#[derive(Debug, Clone)]
pub struct VisitRequest {
    pub household: HouseholdNo,
    pub visited_on: NaiveDate,
    pub visitor: String,
    pub answers: Vec<CheckAnswer>,
    pub per_capita_income: Option<Money>,
    pub finding: Option<String>,
    /// Photo files as uploaded (each checked: JPEG or PNG, at most 2 MB).
    pub photos: Vec<Vec<u8>>,
}

/// A household due for a visit.
#[derive(Debug, Clone, Serialize)]
pub struct DueVisit {
    pub household_no: HouseholdNo,
    pub village: AreaCode,
    pub head_name: String,
    pub hits: Vec<TriggerHit>,
    pub last_visit: Option<NaiveDate>,
    pub due: NaiveDate,
}

/// Households read per page while looking for those due.
const SCAN_PAGE: u32 = 500;

impl App {
    pub async fn record_visit(&self, caller: &Caller, req: VisitRequest) -> Result<i64, AppError> {
        allow(caller, Act::RecordVisit)?;
        if req.photos.len() > Photo::MAX_PER_VISIT {
            return Err(MonitoringFailure::Rule(MonitoringError::TooManyPhotos {
                max: Photo::MAX_PER_VISIT,
            })
            .into());
        }
        let photos = req
            .photos
            .into_iter()
            .map(Photo::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(MonitoringFailure::Rule)?;
        let store = self.store();
        let h = store
            .household(caller.scope, &req.household)
            .await?
            .ok_or_else(|| MonitoringFailure::NotFound {
                what: "户",
                key: req.household.to_string(),
            })?;
        let h = super::still_registered(h)?;
        let (policy, policy_ref) = self
            .decision_policy(h.household.village, req.visited_on)
            .await?;
        check_answers(&policy, &req.answers).map_err(MonitoringFailure::Rule)?;
        let members: Vec<_> = store
            .members(caller.scope, &req.household)
            .await?
            .into_iter()
            .map(|m| m.member)
            .collect();
        let hits = triggers(&policy, &h.household, &members, VisitContext::default());
        let write = VisitWrite {
            household_no: req.household.clone(),
            visited_on: req.visited_on,
            visitor: req.visitor,
            answers: req.answers,
            per_capita_income: req.per_capita_income,
            finding: req.finding,
            triggers: hits.into_iter().map(|t| t.code).collect(),
            policy: policy_ref,
            photos,
        };
        store
            .monitoring()
            .record_visit(&caller.actor, caller.scope, &write)
            .await?
            .ok_or_else(|| {
                MonitoringFailure::NotFound {
                    what: "户",
                    key: req.household.to_string(),
                }
                .into()
            })
    }

    /// Households of the area due for a visit on `today` under 六必访, in (village, number)
    /// order: at most `limit`, after the cursor. Households are read page by page and judged by
    /// the domain's rules, so a page costs about `limit` divided by the share of households due.
    pub async fn due_for_visit(
        &self,
        caller: &Caller,
        area: Option<AreaCode>,
        today: NaiveDate,
        limit: u32,
        after: Option<SubjectCursor>,
    ) -> Result<(Vec<DueVisit>, Option<SubjectCursor>), AppError> {
        let scope = match area {
            None => caller.scope,
            Some(a) => caller
                .scope
                .narrow(a)
                .ok_or_else(|| AppError::UnknownArea(a.to_string()))?,
        };
        let mut out = Vec::new();
        let mut cursor = after;
        let mut policies: Vec<(AreaCode, zhenxing_domain::policy::Policy)> = Vec::new();
        loop {
            let page = self
                .store()
                .monitoring()
                .subjects(scope, cursor.as_ref(), SCAN_PAGE, false)
                .await?;
            let full = page.len() as u32 == SCAN_PAGE;
            for s in page {
                let h = &s.household;
                cursor = Some((h.village, h.no.clone()));
                let Some(province) = zhenxing_domain::policy::Policy::province_of(h.village) else {
                    continue;
                };
                let policy = match policies.iter().find(|(p, _)| *p == province) {
                    Some((_, p)) => p.clone(),
                    None => {
                        let (p, _) = self.decision_policy(h.village, today).await?;
                        policies.push((province, p.clone()));
                        p
                    }
                };
                let ctx = VisitContext {
                    last_visit_income: s.last_visit_income,
                    open_disaster: s.open_disaster,
                };
                let hits = triggers(&policy, h, &s.members, ctx);
                if let Some(due) = visit_due(&policy, &hits, s.last_visit, today)
                    && due <= today
                {
                    out.push(DueVisit {
                        household_no: h.no.clone(),
                        village: h.village,
                        head_name: h.head_name.clone(),
                        hits,
                        last_visit: s.last_visit,
                        due,
                    });
                    if out.len() as u32 >= limit {
                        return Ok((out, cursor));
                    }
                }
            }
            if !full {
                return Ok((out, None));
            }
        }
    }
}
