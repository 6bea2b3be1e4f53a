//! Figures for an area and every area under it, today (from the figures kept current with each
//! change) or as of any past date (replayed from the registry); the 3% verification list.

use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

use zhenxing_domain::stats::{
    AreaFigures, BasisPoints, Counts, Timeliness, VillageOverRatio, Work, over_ratio, rollup,
    sum_up,
};
use zhenxing_domain::{AreaCode, AreaLevel, DivisionTree, Scope, today_in_china};
use zhenxing_store::AreaSet;

use crate::{App, AppError};

/// The village ratio of the verification list (DOMAIN §10), until the province's policy says
/// otherwise.
pub const DEFAULT_VILLAGE_RATIO: BasisPoints = BasisPoints(300);

/// A mismatch between the kept figures and a recomputation from the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureMismatch {
    pub code: AreaCode,
    /// Which figures: 统计数 (the counts) or 审批用时 (days from clue to approval).
    pub what: &'static str,
    pub kept: String,
    pub recomputed: String,
}

/// The subtree of `root` down to `max_level`, each area with its figures (zero when absent).
fn with_names(
    tree: &DivisionTree,
    root: AreaCode,
    max_level: AreaLevel,
    figures: &[(AreaCode, Counts)],
) -> Vec<AreaFigures> {
    let by_code: HashMap<AreaCode, Counts> = figures.iter().copied().collect();
    tree.subtree(root)
        .into_iter()
        .filter(|d| d.level <= max_level)
        .map(|d| AreaFigures {
            code: d.code,
            name: d.name.clone(),
            level: d.level,
            counts: by_code.get(&d.code).copied().unwrap_or_default(),
            work: Work::default(),
        })
        .collect()
}

/// Puts the work figures of each area into `figures`: the approvals as given per area, the
/// overdue cases summed up from their villages.
fn with_work(
    tree: &DivisionTree,
    root: AreaCode,
    figures: &mut [AreaFigures],
    approvals: HashMap<AreaCode, Timeliness>,
    overdue: Vec<(AreaCode, u64)>,
) {
    let overdue = sum_up(tree, root, overdue);
    for f in figures {
        f.work = Work {
            overdue_cases: overdue.get(&f.code).copied().unwrap_or_default(),
            approvals: approvals.get(&f.code).cloned().unwrap_or_default(),
        };
    }
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
        use std::sync::atomic::Ordering;
        let today = today_in_china();
        if self.figures_year_seen.load(Ordering::Relaxed) == today.year() {
            return Ok(());
        }
        if self.store().figures_year().await? != Some(today.year()) {
            self.store().recompute_figures(today).await?;
        }
        self.figures_year_seen
            .store(today.year(), Ordering::Relaxed);
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
                    let mut figures = rollup(&tree, root, max_level, villages);
                    let approvals = sum_up(
                        &tree,
                        root,
                        self.store()
                            .village_approvals(Scope::Area(root), day)
                            .await?,
                    );
                    let overdue = self
                        .store()
                        .village_overdue(Scope::Area(root), day, today)
                        .await?;
                    with_work(&tree, root, &mut figures, approvals, overdue);
                    out.extend(figures);
                }
            }
            _ => {
                self.ensure_current_figures().await?;
                for root in roots {
                    let current = self
                        .store()
                        .current_figures(scope, AreaSet::Under(root), root, today)
                        .await?;
                    let mut figures = with_names(&tree, root, max_level, &current.counts);
                    let approvals = current.approvals.into_iter().collect();
                    with_work(
                        &tree,
                        root,
                        &mut figures,
                        approvals,
                        current.overdue_villages,
                    );
                    out.extend(figures);
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
        let today = today_in_china();
        let mut codes = vec![area];
        codes.extend_from_slice(tree.children(area));
        let current = self
            .store()
            .current_figures(scope, AreaSet::Only(&codes), area, today)
            .await?;
        let kept: HashMap<AreaCode, Counts> = current.counts.into_iter().collect();
        let approvals: HashMap<AreaCode, Timeliness> = current.approvals.into_iter().collect();
        let overdue = sum_up(&tree, area, current.overdue_villages);
        let figures = |code: AreaCode| {
            let d = tree.get(code);
            AreaFigures {
                code,
                name: d.map(|d| d.name.clone()).unwrap_or_default(),
                level: code.level(),
                counts: kept.get(&code).copied().unwrap_or_default(),
                work: Work {
                    overdue_cases: overdue.get(&code).copied().unwrap_or_default(),
                    approvals: approvals.get(&code).cloned().unwrap_or_default(),
                },
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
            let kept: HashMap<AreaCode, Counts> = self
                .store()
                .figures(Scope::All, root)
                .await?
                .into_iter()
                .collect();
            let kept_approvals: HashMap<AreaCode, Timeliness> = self
                .store()
                .kept_approvals(Scope::All, AreaSet::Under(root), today.year())
                .await?
                .into_iter()
                .collect();
            let approvals = sum_up(
                &tree,
                root,
                self.store()
                    .village_approvals(Scope::Area(root), today)
                    .await?,
            );
            for r in recomputed {
                let k = kept.get(&r.code).copied().unwrap_or_default();
                if k != r.counts {
                    mismatches.push(FigureMismatch {
                        code: r.code,
                        what: "统计数",
                        kept: format!("{k:?}"),
                        recomputed: format!("{:?}", r.counts),
                    });
                }
                let k = kept_approvals.get(&r.code).cloned().unwrap_or_default();
                let a = approvals.get(&r.code).cloned().unwrap_or_default();
                if k != a {
                    mismatches.push(FigureMismatch {
                        code: r.code,
                        what: "识别审批用时",
                        kept: format!("{:?}", k.0),
                        recomputed: format!("{:?}", a.0),
                    });
                }
            }
        }
        Ok(mismatches)
    }
}
