//! 务工就业 (DOMAIN §11): the labour of ex-poor households (脱贫劳动力) and of monitoring objects
//! (监测对象劳动力) — members whose 劳动技能 the policy counts as labour — and how many of them are
//! in migrant work (务工: a place or months given) or in a public-welfare job (公益岗位). The
//! national dispatch follows the size of the ex-poor labour in work (务工就业规模) and the share.

use serde::Serialize;

use crate::project::percent;

/// A group's labour and its employment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LabourFigures {
    pub labour: u64,
    /// In migrant work.
    pub migrant: u64,
    /// In a public-welfare job.
    pub welfare_job: u64,
    /// In either (each person once, as the policy counts employment).
    pub employed: u64,
}

impl LabourFigures {
    pub fn add(&mut self, other: &LabourFigures) {
        self.labour += other.labour;
        self.migrant += other.migrant;
        self.welfare_job += other.welfare_job;
        self.employed += other.employed;
    }

    /// 就业率 = employed / labour.
    pub fn employment_rate(&self) -> String {
        percent(self.employed as i64, self.labour as i64)
    }
}

/// The labour of an area: of ex-poor households, and of monitoring objects that are not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EmploymentFigures {
    pub ex_poor: LabourFigures,
    pub monitored: LabourFigures,
}

impl EmploymentFigures {
    pub fn add(&mut self, other: &EmploymentFigures) {
        self.ex_poor.add(&other.ex_poor);
        self.monitored.add(&other.monitored);
    }

    /// Both groups.
    pub fn total(&self) -> LabourFigures {
        let mut t = self.ex_poor;
        t.add(&self.monitored);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_add_up_and_the_rate_rounds() {
        let mut f = EmploymentFigures::default();
        f.add(&EmploymentFigures {
            ex_poor: LabourFigures {
                labour: 3,
                migrant: 1,
                welfare_job: 1,
                employed: 2,
            },
            monitored: LabourFigures {
                labour: 1,
                migrant: 0,
                welfare_job: 0,
                employed: 0,
            },
        });
        assert_eq!(f.ex_poor.employment_rate(), "66.67%");
        assert_eq!(f.total().labour, 4);
        assert_eq!(f.total().employment_rate(), "50.00%");
        assert_eq!(LabourFigures::default().employment_rate(), "-");
    }
}
