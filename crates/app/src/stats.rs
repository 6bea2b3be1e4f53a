//! Figures for an area and every area under it, today (from the figures kept current with each
//! change) or as of any past date (replayed from the registry); the 3% verification list.

use chrono::{Datelike, NaiveDate};
use zhenxing_domain::stats::{
    AreaFigures, BasisPoints, Counts, VillageOverRatio, over_ratio, rollup,
};
use zhenxing_domain::{AreaCode, AreaLevel, DivisionTree, Scope, today_in_china};

use crate::{App, AppError};

/// The village ratio of the verification list (DOMAIN §10), until the province's policy says
/// otherwise.
pub const DEFAULT_VILLAGE_RATIO: BasisPoints = BasisPoints(300);

/// A mismatch between the kept figures and a recomputation from the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureMismatch {
    pub code: AreaCode,
    pub kept: Counts,
    pub recomputed: Counts,
}

/// The subtree of `root` down to `max_level`, each area with its figures (zero when absent).
fn with_names(
    tree: &DivisionTree,
    root: AreaCode,
    max_level: AreaLevel,
    figures: &[(AreaCode, Counts)],
) -> Vec<AreaFigures> {
    let by_code: std::collections::HashMap<AreaCode, Counts> = figures.iter().copied().collect();
    tree.subtree(root)
        .into_iter()
        .filter(|d| d.level <= max_level)
        .map(|d| AreaFigures {
            code: d.code,
            name: d.name.clone(),
            level: d.level,
            counts: by_code.get(&d.code).copied().unwrap_or_default(),
        })
        .collect()
}

impl App {
    fn roots(
        &self,
        tree: &DivisionTree,
        scope: Scope,
        area: Option<AreaCode>,
    ) -> Result<Vec<AreaCode>, AppError> {
        let roots = match (area, scope) {
            (Some(a), _) => vec![a],
            (None, Scope::Area(a)) => vec![a],
            (None, Scope::All) => tree.roots(),
        };
        if roots.is_empty() {
            return Err(AppError::NoDivisions);
        }
        for r in &roots {
            if !scope.contains(*r) || tree.get(*r).is_none() {
                return Err(AppError::UnknownArea(r.to_string()));
            }
        }
        Ok(roots)
    }

    /// The kept figures count "newly identified" for one year; in a new year (or in a database
    /// whose figures were never computed) they are recomputed once.
    async fn ensure_current_figures(&self) -> Result<(), AppError> {
        let today = today_in_china();
        if self.store().figures_year().await? != Some(today.year()) {
            self.store().recompute_figures(today).await?;
        }
        Ok(())
    }

    /// Figures of `area` (the scope's area when `None`) and of every area under it down to
    /// `max_level`, as of `as_of` (today when `None`).
    pub async fn stats(
        &self,
        scope: Scope,
        area: Option<AreaCode>,
        max_level: AreaLevel,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<AreaFigures>, AppError> {
        let tree = self.tree().await;
        let roots = self.roots(&tree, scope, area)?;
        let today = today_in_china();
        let mut out = Vec::new();
        match as_of {
            Some(day) if day > today => {
                return Err(AppError::Invalid(format!("统计日期{day}晚于今天")));
            }
            Some(day) if day < today => {
                for root in roots {
                    let villages = self.store().village_figures(Scope::Area(root), day).await?;
                    out.extend(rollup(&tree, root, max_level, villages));
                }
            }
            _ => {
                self.ensure_current_figures().await?;
                for root in roots {
                    let kept = self.store().figures(scope, root).await?;
                    out.extend(with_names(&tree, root, max_level, &kept));
                }
            }
        }
        Ok(out)
    }

    /// An area and its children, today: what a dashboard shows first (two small reads).
    pub async fn dashboard(
        &self,
        scope: Scope,
        area: AreaCode,
    ) -> Result<(AreaFigures, Vec<AreaFigures>), AppError> {
        let tree = self.tree().await;
        let Some(d) = tree.get(area).filter(|_| scope.contains(area)) else {
            return Err(AppError::UnknownArea(area.to_string()));
        };
        self.ensure_current_figures().await?;
        let mut codes = vec![area];
        codes.extend_from_slice(tree.children(area));
        let kept: std::collections::HashMap<AreaCode, Counts> = self
            .store()
            .figures_of(scope, &codes)
            .await?
            .into_iter()
            .collect();
        let figures = |code: AreaCode| {
            let d = tree.get(code);
            AreaFigures {
                code,
                name: d.map(|d| d.name.clone()).unwrap_or_default(),
                level: code.level(),
                counts: kept.get(&code).copied().unwrap_or_default(),
            }
        };
        let children = tree.children(d.code).iter().map(|c| figures(*c)).collect();
        Ok((figures(area), children))
    }

    /// The village ratio of the verification list for `area` on `on`: the province's policy of
    /// that year, or [`DEFAULT_VILLAGE_RATIO`] when there is none.
    pub async fn village_ratio(&self, area: AreaCode, on: NaiveDate) -> BasisPoints {
        let year = u16::try_from(on.year())
            .ok()
            .and_then(|y| zhenxing_domain::PolicyYear::new(y).ok());
        let province = zhenxing_domain::policy::Policy::province_of(area);
        match (province, year) {
            (Some(p), Some(y)) => match self.policy_in_force(p, y).await {
                Ok(found) => BasisPoints(found.policy.village_ratio.limit_basis_points),
                Err(_) => DEFAULT_VILLAGE_RATIO,
            },
            _ => DEFAULT_VILLAGE_RATIO,
        }
    }

    /// The verification list (核查): the ex-poor villages under `area` whose share of
    /// not-eliminated monitoring persons is above `ratio`. Where no village is marked as an
    /// ex-poor village, every village is checked.
    pub async fn over_ratio(
        &self,
        scope: Scope,
        area: Option<AreaCode>,
        as_of: Option<NaiveDate>,
        ratio: BasisPoints,
    ) -> Result<(Vec<VillageOverRatio>, bool), AppError> {
        let figures = self.stats(scope, area, AreaLevel::Village, as_of).await?;
        self.over_ratio_of(scope, figures, ratio).await
    }

    /// The verification list from figures already computed (down to villages).
    pub async fn over_ratio_of(
        &self,
        scope: Scope,
        figures: Vec<AreaFigures>,
        ratio: BasisPoints,
    ) -> Result<(Vec<VillageOverRatio>, bool), AppError> {
        let ex_poor = self.store().ex_poor_villages(scope).await?;
        let only_ex_poor = !ex_poor.is_empty();
        let villages: Vec<AreaFigures> = if only_ex_poor {
            let set: std::collections::HashSet<AreaCode> = ex_poor.into_iter().collect();
            figures
                .into_iter()
                .filter(|f| set.contains(&f.code))
                .collect()
        } else {
            figures
        };
        Ok((over_ratio(&villages, ratio), only_ex_poor))
    }

    /// Recomputes every figure from the registry (as of today, from the monitoring periods) and
    /// compares it with the kept figures: the list of areas where they differ.
    pub async fn check_figures(&self) -> Result<Vec<FigureMismatch>, AppError> {
        self.ensure_current_figures().await?;
        let tree = self.tree().await;
        let today = today_in_china();
        let mut mismatches = Vec::new();
        for root in tree.roots() {
            let recomputed = rollup(
                &tree,
                root,
                AreaLevel::Village,
                self.store()
                    .village_figures(Scope::Area(root), today)
                    .await?,
            );
            let kept: std::collections::HashMap<AreaCode, Counts> = self
                .store()
                .figures(Scope::All, root)
                .await?
                .into_iter()
                .collect();
            for r in recomputed {
                let k = kept.get(&r.code).copied().unwrap_or_default();
                if k != r.counts {
                    mismatches.push(FigureMismatch {
                        code: r.code,
                        kept: k,
                        recomputed: r.counts,
                    });
                }
            }
        }
        Ok(mismatches)
    }
}
