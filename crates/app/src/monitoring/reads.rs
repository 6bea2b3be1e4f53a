//! Reads for the pages and the API: open clues, a household's cases and visits, a photo, the
//! stored versions of a policy. The area comes from the caller; nothing else is needed.

use zhenxing_domain::{AreaCode, HouseholdNo, PolicyYear};
use zhenxing_store::monitoring::{StoredCase, StoredClue, StoredPolicy, StoredVisit};

use super::Caller;
use crate::{App, AppError};

impl App {
    /// Open clues of the caller's area (or `area` within it), oldest first.
    pub async fn open_clues(
        &self,
        caller: &Caller,
        area: Option<AreaCode>,
        limit: u32,
    ) -> Result<Vec<StoredClue>, AppError> {
        let scope = match area {
            None => caller.scope,
            Some(a) => caller
                .scope
                .narrow(a)
                .ok_or_else(|| AppError::UnknownArea(a.to_string()))?,
        };
        Ok(self.store().monitoring().open_clues(scope, limit).await?)
    }

    /// The household must be in the caller's area: else it is not found (not an empty list).
    async fn visible(&self, caller: &Caller, no: &HouseholdNo) -> Result<(), AppError> {
        match self.store().household(caller.scope, no).await? {
            Some(_) => Ok(()),
            None => Err(super::MonitoringFailure::NotFound {
                what: "户",
                key: no.to_string(),
            }
            .into()),
        }
    }

    /// Every case of a household, newest first.
    pub async fn household_cases(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
    ) -> Result<Vec<StoredCase>, AppError> {
        self.visible(caller, no).await?;
        Ok(self
            .store()
            .monitoring()
            .household_cases(caller.scope, no)
            .await?)
    }

    /// The household's open clue, if any (a monitored household's opens no case: its page says
    /// so).
    pub async fn household_open_clue(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
    ) -> Result<Option<StoredClue>, AppError> {
        self.visible(caller, no).await?;
        Ok(self
            .store()
            .monitoring()
            .open_clue_of(caller.scope, no)
            .await?)
    }

    /// The visit log of a household, newest first.
    pub async fn household_visits(
        &self,
        caller: &Caller,
        no: &HouseholdNo,
    ) -> Result<Vec<StoredVisit>, AppError> {
        self.visible(caller, no).await?;
        Ok(self.store().monitoring().visits(caller.scope, no).await?)
    }

    /// A photo of a visit: (content type, bytes).
    pub async fn visit_photo(
        &self,
        caller: &Caller,
        visit: i64,
        seq: u32,
    ) -> Result<Option<(String, Vec<u8>)>, AppError> {
        Ok(self
            .store()
            .monitoring()
            .visit_photo(caller.scope, visit, seq)
            .await?)
    }

    /// The stored versions of a province's policy for a year, newest first.
    pub async fn policy_versions(
        &self,
        province: AreaCode,
        year: PolicyYear,
    ) -> Result<Vec<StoredPolicy>, AppError> {
        let province = zhenxing_domain::policy::Policy::province_of(province)
            .ok_or_else(|| AppError::UnknownArea(province.to_string()))?;
        Ok(self.store().monitoring().policies(province, year).await?)
    }
}
