//! The village public notice (村内公示): the households proposed in a village, with the notice
//! period and no personal data; printable, and exported to xlsx.

use std::path::Path;

use zhenxing_domain::AreaCode;
use zhenxing_domain::monitoring::notice::{NoticeRow, PublicNotice};

use super::Caller;
use crate::{App, AppError};

impl App {
    /// The notice of `village`: every case of the village now in public notice.
    pub async fn public_notice(
        &self,
        caller: &Caller,
        village: AreaCode,
    ) -> Result<PublicNotice, AppError> {
        let tree = self.tree().await;
        if tree.get(village).is_none() || !caller.scope.contains(village) {
            return Err(AppError::UnknownArea(village.to_string()));
        }
        let place: Vec<String> = tree.path(village).iter().map(|d| d.name.clone()).collect();
        let cases = self
            .store()
            .monitoring()
            .notice_cases(caller.scope, village)
            .await?;
        let mut rows = Vec::with_capacity(cases.len());
        for c in cases {
            let Some(from) = c.state.notice_from else {
                continue;
            };
            let (policy, _) = self.decision_policy(village, from).await?;
            let calendar = self.deadline_calendar(&policy).await;
            let h = self
                .store()
                .household(caller.scope, &c.household_no)
                .await?;
            rows.push(NoticeRow {
                natural_village: h.as_ref().and_then(|h| h.household.natural_village.clone()),
                head_name: c.head_name.clone(),
                size: h.as_ref().map(|h| h.household.size).unwrap_or(0),
                kind: c.kind(),
                category: c.category,
                notice_from: from,
                notice_until: calendar.add(from, policy.notice),
            });
        }
        Ok(PublicNotice {
            village,
            place: place.join(""),
            rows,
        })
    }

    /// Writes the notice of `village` as an xlsx workbook.
    pub async fn export_public_notice(
        &self,
        caller: &Caller,
        village: AreaCode,
        out: &Path,
    ) -> Result<PublicNotice, AppError> {
        let notice = self.public_notice(caller, village).await?;
        zhenxing_ledger::monitoring::write_notice_xlsx(out, &notice)?;
        Ok(notice)
    }
}
