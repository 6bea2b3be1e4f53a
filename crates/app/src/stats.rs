//! Registry statistics for an area and every area under it.

use zhenxing_domain::stats::{AreaFigures, rollup};
use zhenxing_domain::{AreaCode, AreaLevel, Scope};

use crate::{App, AppError};

impl App {
    /// The figures of `area` (the caller's whole scope when `None`) and of every area under it
    /// down to `max_level`.
    pub async fn stats(
        &self,
        scope: Scope,
        area: Option<AreaCode>,
        max_level: AreaLevel,
    ) -> Result<Vec<AreaFigures>, AppError> {
        let tree = self.tree().await;
        let roots: Vec<AreaCode> = match (area, scope) {
            (Some(a), _) => vec![a],
            (None, Scope::Area(a)) => vec![a],
            (None, Scope::All) => tree.roots(),
        };
        if roots.is_empty() {
            return Err(AppError::NoDivisions);
        }
        let mut out = Vec::new();
        for root in roots {
            let Some(narrow) = scope.narrow(root).filter(|_| tree.get(root).is_some()) else {
                return Err(AppError::UnknownArea(root.to_string()));
            };
            let villages = self.store().village_counts(narrow).await?;
            out.extend(rollup(&tree, root, max_level, villages));
        }
        Ok(out)
    }
}
